"""Loading the real and synthetic corpora, their splits, vocabularies and batches."""
import glob
import json
import os
import subprocess
from multiprocessing import Pool

import numpy as np

import texts
import textutil as T
from langs import CHAR_LANGS, DATA, HELD_OUT, LANGS

MAX_TRAIN_SECONDS = 20.0   # longer real prompts (IVR demo texts run to 60 s) are not trained on
N_SYNTH_TEST = 10          # per training language: held-out synthetic sentences (phone error)
N_HELD_OUT_TEST = 100      # per held-out language: test utterances for the transfer curves


def _load_npz(path):
    d = np.load(path)
    offs = np.concatenate([[0], np.cumsum(d["lens"])])
    audio = d["audio"]
    meta = json.loads(str(d["meta"]))
    return [dict(m, audio=audio[offs[i]:offs[i + 1]]) for i, m in enumerate(meta)]


def _phonemise(job):
    lang, text = job
    out = subprocess.run(["espeak-ng", "-q", "-v", LANGS[lang][0], "--ipa", "--sep=_", text],
                         capture_output=True, text=True, timeout=60).stdout
    return T.ipa_to_phones(out)


def real_phones(utts):
    """espeak-ng's phonemisation of each real transcript, cached (it takes a minute)."""
    cache = os.path.join(DATA, "real", "phones.json")
    known = json.load(open(cache, encoding="utf-8")) if os.path.exists(cache) else {}
    todo = sorted({(u["lang"], u["norm"]) for u in utts if f"{u['lang']}\t{u['norm']}" not in known})
    if todo:
        with Pool(2) as pool:
            for (lang, norm), ph in zip(todo, pool.map(_phonemise, todo, chunksize=16)):
                known[f"{lang}\t{norm}"] = ph
        with open(cache + ".tmp", "w", encoding="utf-8") as f:
            json.dump(known, f, ensure_ascii=False)
        os.replace(cache + ".tmp", cache)
    return known


def _finish(u, source):
    u["source"] = source
    u["chars"] = texts.chars(u["norm"]) if u["lang"] in CHAR_LANGS else None
    u["phone_seq"] = T.phones_with_delims(u["phones"]) if u.get("phones") else None
    return u


def load_real():
    """{split: [utterance]} over both real corpora; utterances without usable text dropped."""
    utts = []
    for path in sorted(glob.glob(os.path.join(DATA, "real", "*.npz"))):
        utts += [u for u in _load_npz(path) if u["norm"]]
    phones = real_phones(utts)
    out = {}
    for u in utts:
        u["phones"] = phones[f"{u['lang']}\t{u['norm']}"]
        out.setdefault(u["split"], []).append(_finish(u, f"real:{u['set']}"))
    return out


def load_synth():
    """(train, test by language, held-out by language). The first N_SYNTH_TEST of each
    language's espeak-ng set are its synthetic test sentences."""
    train, test, held = [], {}, {}
    for path in sorted(glob.glob(os.path.join(DATA, "synth", "*.npz"))):
        name = os.path.basename(path)[:-4]
        lang = name.split("-")[0]
        utts = [_finish(dict(u, lang=lang), f"synth:{u['voice'].split(':')[0]}") for u in _load_npz(path)]
        if lang in HELD_OUT:
            held[lang] = dict(test=utts[:N_HELD_OUT_TEST], adapt=utts[N_HELD_OUT_TEST:])
        elif name.endswith("-espeak"):
            test[lang] = utts[:N_SYNTH_TEST]
            train += utts[N_SYNTH_TEST:]
        else:
            train += utts
    return train, test, held


def trainable(u):
    return len(u["audio"]) <= MAX_TRAIN_SECONDS * 16000 and (u["chars"] or u["phone_seq"])


def batches(utts, max_samples, rng):
    """Sort by length, cut into batches of roughly max_samples padded samples, shuffle
    batch order. Bucketing keeps padding (wasted CPU) small."""
    order = sorted(range(len(utts)), key=lambda i: (len(utts[i]["audio"]), rng.random()))
    out, cur, longest = [], [], 0
    for i in order:
        n = len(utts[i]["audio"])
        if cur and max(longest, n) * (len(cur) + 1) > max_samples:
            out.append(cur)
            cur, longest = [], 0
        cur.append(i)
        longest = max(longest, n)
    if cur:
        out.append(cur)
    rng.shuffle(out)
    return out
