"""Synthetic multilingual speech from three synthesizers, for the starter model (v2).

- espeak-ng (formant): every training language, a random voice variant (70+), pitch, speed
  and amplitude per utterance;
- Festival (diphone, unit selection and HTS voices from Debian's festvox-* packages):
  English x3, Italian x2, Russian, Czech x4, Finnish x2, Catalan, Hindi, Marathi, Telugu;
- Flite: four US English voices.

Prompt text: real sentences where Debian has them (fortunes-*, the Fish Fillets game script
outside the held-out levels, the IVR prompt lists of the training groups), else 3-8 words
from the language's word list. Targets: the normalised text's characters (texts.py) and
espeak-ng's phonemisation of the same text (the phone head; for Festival/Flite audio it is
an approximation of what they said). One .npz per language and synthesizer under DATA/synth.

Usage: python3 gen_data.py [--jobs 2] [--langs en,cs]
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import real_data  # noqa: E402
import texts  # noqa: E402
import textutil as T  # noqa: E402
from langs import DATA, FESTIVAL, FILLETS_TEXT_LANGS, FLITE, FORTUNE_SOURCES, FORTUNES, HELD_OUT, LANGS  # noqa: E402

SR = 16000
SYNTH = os.path.join(DATA, "synth")
PER_ESPEAK = 100          # per training language
PER_FESTIVAL_VOICE = 120
PER_FLITE_VOICE = 80
# Held-out languages: Swahili gets ~35 min (transfer curves up to 30 min, plus 100 test
# utterances); Turkish and Hungarian enough for the 5 and 10 minute points.
PER_HELD_OUT = {"sw": 750, "tr": 350, "hu": 350}


def resample(x, sr_in, sr_out):
    """Band-limited FFT resampling (clips are short, so one FFT is fine)."""
    if sr_in == sr_out:
        return x
    n_out = int(round(len(x) * sr_out / sr_in))
    X = np.fft.rfft(x)
    keep = n_out // 2 + 1
    Y = np.zeros(keep, dtype=np.complex128)
    m = min(keep, len(X))
    Y[:m] = X[:m]
    return np.fft.irfft(Y, n=n_out) * (n_out / len(x))


def read_wav_bytes(data):
    """16-bit PCM WAV bytes -> float64 mono at 16 kHz. espeak-ng streams its WAV with a
    placeholder length, so the data chunk is found by hand instead of with `wave`."""
    sr = int.from_bytes(data[24:28], "little")
    ch = int.from_bytes(data[22:24], "little")
    if len(data) < 44 or data[:4] != b"RIFF" or not ch or not sr:
        raise ValueError("the synthesizer wrote no audio")
    i = data.find(b"data", 12)
    pcm = data[i + 8:]
    x = np.frombuffer(pcm[: len(pcm) // (2 * ch) * 2 * ch], dtype="<i2").astype(np.float64)
    x = x.reshape(-1, ch).mean(1)
    return resample(x, sr, SR)


def espeak_variants():
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True).stdout
    files = {line.split()[-1].split("/")[-1] for line in out.splitlines()[1:] if "!v/" in line}
    return sorted(files) or ["m1", "f1"]


def synth_espeak(lang, text, rng):
    voice = LANGS[lang][0]
    # A few variant/text combinations crash espeak-ng (e.g. SIGSEGV on some Vietnamese);
    # retry with another draw, then the plain voice.
    for attempt in range(4):
        variant = rng.choice(VARIANTS) if attempt < 3 else None
        v = f"{voice}+{variant}" if variant else voice
        try:
            p = subprocess.run(["espeak-ng", "-v", v, "-p", str(rng.randint(25, 75)),
                                "-s", str(rng.randint(130, 190)), "-a", str(rng.randint(80, 160)),
                                "--stdout", text], capture_output=True, check=True, timeout=60)
            return read_wav_bytes(p.stdout), f"espeak-ng:{v}"
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if attempt == 3:
                raise
    raise AssertionError


def synth_festival(voice, encoding, text):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["text2wave", "-eval", f"(voice_{voice})", "-o", f.name],
                       input=text.encode(encoding, errors="ignore"), capture_output=True,
                       check=True, timeout=120)
        return read_wav_bytes(open(f.name, "rb").read()), f"festival:{voice}"


def synth_flite(voice, text):
    with tempfile.NamedTemporaryFile(suffix=".wav") as f:
        subprocess.run(["flite", "-voice", voice, "-t", text, "-o", f.name], capture_output=True,
                       check=True, timeout=120)
        return read_wav_bytes(open(f.name, "rb").read()), f"flite:{voice}"


def synth_one(job):
    lang, synth, voice, enc, text, seed = job
    rng = random.Random(seed)
    norm = texts.normalise(text, lang)
    try:
        if synth == "espeak":
            audio, who = synth_espeak(lang, text, rng)
        elif synth == "festival":
            audio, who = synth_festival(voice, enc, text)
        else:
            audio, who = synth_flite(voice, text)
        ipa = subprocess.run(["espeak-ng", "-q", "-v", LANGS[lang][0], "--ipa", "--sep=_", norm],
                             capture_output=True, text=True, check=True, timeout=60).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, ValueError):
        return None
    # Trim leading/trailing digital silence the synthesizers add (keeps 0.1 s).
    nz = np.flatnonzero(np.abs(audio) > 30)
    if len(nz) == 0:
        return None
    audio = audio[max(0, nz[0] - 1600): nz[-1] + 1600]
    y = np.clip(np.round(audio), -32768, 32767).astype(np.int16)
    return dict(lang=lang, text=text, norm=norm, phones=T.ipa_to_phones(ipa), voice=who, audio=y)


def held_out_texts(script_dir):
    """Lines of the held-out game levels, in every language: never used as prompts."""
    out = set()
    for level in real_data.TEST_LEVELS + real_data.DEV_LEVELS:
        for lang in FILLETS_TEXT_LANGS:
            out.update(texts.fillets_dialogs(script_dir, level, lang).values())
    return out


def sentence_pool(lang, script_dir, exclude):
    script = LANGS[lang][3]
    pool = texts.fortune_sentences(lang, FORTUNE_SOURCES.get(lang, []), FORTUNES, script)
    if lang in FILLETS_TEXT_LANGS and os.path.isdir(script_dir):
        for level in sorted(os.listdir(script_dir)):
            for s in texts.fillets_dialogs(script_dir, level, lang).values():
                if s not in exclude and texts.usable_sentence(s, lang, script):
                    pool.append(s)
    return sorted(set(pool))


def word_prompts(lang, n, rng):
    words = []
    for spec in LANGS[lang][1]:
        words += texts.word_source(spec)
    words = T.clean_words(words)
    if len(words) < 500:
        raise SystemExit(f"{lang}: only {len(words)} usable words; install its word list")
    return [" ".join(rng.choice(words) for _ in range(rng.randint(3, 8))) for _ in range(n)]


def prompts(lang, n, seed, pool):
    """80 % real sentences when the language has enough of them, else word sequences.
    seed is a string naming the set (language and voice), so each set draws its own."""
    rng = random.Random(f"{seed}-{n}")
    n_sent = int(0.8 * n) if len(pool) >= 200 else 0
    out = rng.sample(pool, n_sent) if n_sent else []
    out += word_prompts(lang, n - n_sent, rng)
    rng.shuffle(out)
    return out


def ivr_train_prompts():
    """IVR prompt texts of the training groups, per language (what real_data keeps)."""
    rows = real_data.ivr_rows()
    real_data.assign_splits(rows)
    out = {}
    for r in rows:
        if r["split"] == "train" and r["norm"]:
            out.setdefault(r["lang"], []).append(r["text"])
    return out


def plan(seed, only):
    script_dir = os.path.join(real_data.FILLETS, "script")
    exclude = held_out_texts(script_dir) if os.path.isdir(script_dir) else set()
    ivr = ivr_train_prompts() if os.path.isdir(real_data.ROOT) else {}
    jobs = {}
    for lang in LANGS:
        if only and lang not in only:
            continue
        pool = sentence_pool(lang, script_dir, exclude) + ivr.get(lang, [])
        if lang in HELD_OUT:
            jobs[(lang, "espeak")] = [("espeak", None, None, p)
                                      for p in prompts(lang, PER_HELD_OUT[lang], f"{seed}-{lang}", [])]
            continue
        jobs[(lang, "espeak")] = [("espeak", None, None, p)
                                  for p in prompts(lang, PER_ESPEAK, f"{seed}-{lang}", pool)]
        for voice, enc in FESTIVAL.get(lang, []):
            jobs[(lang, f"festival-{voice}")] = [
                ("festival", voice, enc, p)
                for p in prompts(lang, PER_FESTIVAL_VOICE, f"{seed}-{lang}-{voice}", pool)]
        for voice in FLITE.get(lang, []):
            jobs[(lang, f"flite-{voice}")] = [
                ("flite", voice, None, p)
                for p in prompts(lang, PER_FLITE_VOICE, f"{seed}-{lang}-{voice}", pool)]
    return jobs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--langs", default="")
    a = ap.parse_args()
    os.makedirs(SYNTH, exist_ok=True)
    only = set(a.langs.split(",")) if a.langs else set()
    t0 = time.time()
    jobs = plan(a.seed, only)
    # Every prompt is known before any audio exists, so the vocabularies can be fixed now
    # (vocab.py) and training can start while the later languages are still synthesised.
    if not only:
        with open(os.path.join(SYNTH, "plan.json.tmp"), "w", encoding="utf-8") as f:
            json.dump([dict(lang=lang, set=name, text=p) for (lang, name), items in jobs.items()
                       for _, _, _, p in items], f, ensure_ascii=False)
        os.replace(os.path.join(SYNTH, "plan.json.tmp"), os.path.join(SYNTH, "plan.json"))
    print(f"planned {sum(len(v) for v in jobs.values())} utterances in {len(jobs)} sets "
          f"({time.time() - t0:.0f}s)", flush=True)
    with Pool(a.jobs, initializer=_init) as pool:
        for (lang, name), items in jobs.items():
            out = os.path.join(SYNTH, f"{lang}-{name}.npz")
            if os.path.exists(out) or not items:
                continue
            work = [(lang, s, v, e, p, f"{a.seed}-{lang}-{name}-{i}") for i, (s, v, e, p) in enumerate(items)]
            res = [r for r in pool.map(synth_one, work, chunksize=4) if r and r["norm"]]
            audio = [r["audio"] for r in res]
            lens = np.array([len(x) for x in audio])
            meta = [{k: r[k] for k in ("text", "norm", "phones", "voice")} for r in res]
            tmp = out + ".tmp.npz"
            np.savez(tmp, audio=np.concatenate(audio), lens=lens,
                     meta=np.array(json.dumps(meta, ensure_ascii=False)))
            os.replace(tmp, out)
            print(f"{lang}-{name}: {len(res)}/{len(items)} utts, {lens.sum() / SR / 60:.1f} min, "
                  f"{time.time() - t0:.0f}s elapsed", flush=True)


def _init():
    global VARIANTS
    VARIANTS = espeak_variants()


if __name__ == "__main__":
    main()
