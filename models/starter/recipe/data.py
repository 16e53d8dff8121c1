"""Loading the cached corpus, splits, vocabularies and length-bucketed batches."""
import json
import os

import numpy as np

import textutil as T
from langs import CHAR_LANGS, HELD_OUT, TRAIN_LANGS

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".data")
N_TEST = 20          # per pre-training language: held-out synthetic sentences for PER
N_ADAPT = 50         # per held-out language: utterances for the transfer probe


def load_lang(lang):
    d = np.load(os.path.join(DATA, f"{lang}.npz"))
    offs = np.concatenate([[0], np.cumsum(d["lens"])])
    audio = d["audio"]
    meta = json.loads(str(d["meta"]))
    utts = []
    for i, m in enumerate(meta):
        utts.append(dict(lang=lang, i=i, text=m["text"], words=m["phones"],
                         phones=T.phones_with_delims(m["phones"]),
                         chars=T.text_to_chars(m["text"]),
                         audio=audio[offs[i]:offs[i + 1]]))
    return utts


def splits():
    """train / test per pre-training language; adapt / test per held-out language.
    Prompts were sampled independently per index, so the first N are as random as any."""
    train, test, heldout = [], {}, {}
    for lang in TRAIN_LANGS:
        u = load_lang(lang)
        test[lang] = u[:N_TEST]
        train += u[N_TEST:]
    for lang in HELD_OUT:
        u = load_lang(lang)
        heldout[lang] = dict(adapt=u[:N_ADAPT], test=u[N_ADAPT:])
    return train, test, heldout


def make_vocabs(train):
    phones = T.build_vocab([u["phones"] for u in train], min_count=2)
    chars = T.build_vocab([u["chars"] for u in train if u["lang"] in CHAR_LANGS], min_count=2)
    return phones, chars


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
