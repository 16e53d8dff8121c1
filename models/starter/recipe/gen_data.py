"""Generate the multilingual synthetic corpus with espeak-ng.

For every language: sample 3-6 word prompts from Debian word lists, synthesise each with
a random voice variant / pitch / speed / amplitude, get the phone sequence espeak-ng
used (same voice, so targets match the audio), resample to 16 kHz mono int16 and store
one .npz per language under .data/. Waveform augmentation (noise, reverb, telephone,
speed, gain) happens later, online, in train.py so every epoch sees new conditions.

Usage: python3 gen_data.py [--per-lang N] [--heldout-per-lang M] [--jobs 2]
"""
import argparse
import glob
import json
import os
import random
import subprocess
import sys
import time
from multiprocessing import Pool

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from langs import LANGS, HELD_OUT  # noqa: E402
import textutil as T  # noqa: E402

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".data")
SR = 16000
# espeak-ng voice variants (espeak-ng-data/voices/!v). Mixing male/female/"klatt"
# formant synthesisers is the cheapest way to get speaker diversity from one engine.


def available_variants():
    """All voice variants this espeak-ng ships (file names under !v/), sorted so the
    random choice per utterance is reproducible across machines with the same data."""
    out = subprocess.run(["espeak-ng", "--voices=variant"], capture_output=True, text=True).stdout
    files = {line.split()[-1].split("/")[-1] for line in out.splitlines()[1:] if "!v/" in line}
    return sorted(files) or ["m1", "f1"]


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


def synth_one(args):
    lang, idx, prompt, seed = args
    voice = LANGS[lang][0]
    rng = random.Random(seed)
    # A few variant/text combinations crash espeak-ng (e.g. SIGSEGV on some Vietnamese
    # with certain variants); retry with another deterministic draw, then the plain voice.
    for attempt in range(4):
        variant = rng.choice(VARIANTS_AVAIL) if attempt < 3 else None
        pitch = rng.randint(25, 75)
        speed = rng.randint(130, 200)
        amp = rng.randint(80, 160)
        v = f"{voice}+{variant}" if variant else voice
        try:
            p = subprocess.run(["espeak-ng", "-v", v, "-p", str(pitch), "-s", str(speed),
                                "-a", str(amp), "--stdout", prompt],
                               capture_output=True, check=True)
            ipa = subprocess.run(["espeak-ng", "-q", "-v", v, "--ipa", "--sep=_", prompt],
                                 capture_output=True, text=True, check=True).stdout
            break
        except subprocess.CalledProcessError:
            if attempt == 3:
                raise
    # espeak-ng streams the WAV with a placeholder length in its header, so parse the
    # canonical 44-byte header by hand instead of trusting the `wave` module.
    sr_in = int.from_bytes(p.stdout[24:28], "little")
    frames = p.stdout[44:]
    x = np.frombuffer(frames[: len(frames) // 2 * 2], dtype="<i2").astype(np.float64)
    y = resample(x, sr_in, SR)
    y = np.clip(np.round(y), -32768, 32767).astype(np.int16)
    phones = T.ipa_to_phones(ipa)
    return dict(lang=lang, idx=idx, text=prompt, phones=phones, audio=y,
                voice=v, pitch=pitch, speed=speed)


def load_words(lang):
    words = []
    for pattern in LANGS[lang][1]:
        for path in sorted(glob.glob(pattern)):
            enc = T.hunspell_encoding(path) if path.endswith(".dic") else "utf-8"
            words += T.read_wordlist(path, enc)
    words = T.clean_words(words)
    if len(words) < 500:
        raise SystemExit(f"{lang}: only {len(words)} usable words; install its word list")
    return words


def make_prompts(lang, n, seed):
    rng = random.Random(f"{seed}-{lang}")
    words = load_words(lang)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(3, 6))) for _ in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-lang", type=int, default=200)  # 180 train + 20 test
    ap.add_argument("--heldout-per-lang", type=int, default=150)  # 50 adapt + 100 test
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--langs", default="")
    a = ap.parse_args()
    os.makedirs(DATA, exist_ok=True)
    langs = a.langs.split(",") if a.langs else list(LANGS)
    t0 = time.time()
    with Pool(a.jobs, initializer=_init) as pool:
        for lang in langs:
            out = os.path.join(DATA, f"{lang}.npz")
            if os.path.exists(out):
                continue
            n = a.heldout_per_lang if lang in HELD_OUT else a.per_lang
            prompts = make_prompts(lang, n, a.seed)
            # string seeds: Python's hash() is salted per process, so it is not reproducible
            jobs = [(lang, i, p, f"{a.seed}-{lang}-{i}") for i, p in enumerate(prompts)]
            res = pool.map(synth_one, jobs, chunksize=8)
            audio = [r["audio"] for r in res]
            lens = np.array([len(x) for x in audio])
            meta = [{k: r[k] for k in ("text", "phones", "voice", "pitch", "speed")} for r in res]
            np.savez(out, audio=np.concatenate(audio), lens=lens,
                     meta=np.array(json.dumps(meta, ensure_ascii=False)))
            print(f"{lang}: {n} utts, {lens.sum() / SR / 60:.1f} min audio, "
                  f"{time.time() - t0:.0f}s elapsed", flush=True)


def _init():
    global VARIANTS_AVAIL
    VARIANTS_AVAIL = available_variants()


if __name__ == "__main__":
    main()
