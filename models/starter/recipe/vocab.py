"""Fix the two output vocabularies before training, from text alone: the real training
transcripts and every planned synthetic prompt (gen_data.py writes synth/plan.json before it
synthesises anything). Characters: NFC lowercase letters of the CHAR_LANGS languages seen at
least 3 times; phones: espeak-ng's phonemisation of the same texts, seen at least 3 times.

Usage: python3 vocab.py   (writes DATA/vocab.json; refuses to overwrite it, since a run
trained with one vocabulary cannot resume with another)
"""
import json
import os
import sys
from multiprocessing import Pool

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import texts  # noqa: E402
import textutil as T  # noqa: E402
from data import _phonemise, load_real, trainable  # noqa: E402
from langs import CHAR_LANGS, DATA, HELD_OUT  # noqa: E402

PATH = os.path.join(DATA, "vocab.json")


def build():
    real = [u for u in load_real()["train"] if trainable(u)]
    plan = json.load(open(os.path.join(DATA, "synth", "plan.json"), encoding="utf-8"))
    planned = []
    for p in plan:
        if p["lang"] in HELD_OUT:
            continue
        norm = texts.normalise(p["text"], p["lang"])
        if norm:
            planned.append((p["lang"], norm))
    char_seqs = [u["chars"] for u in real if u["chars"]]
    char_seqs += [texts.chars(n) for lang, n in planned if lang in CHAR_LANGS]
    with Pool(2) as pool:
        phones = pool.map(_phonemise, planned, chunksize=32)
    phone_seqs = [u["phone_seq"] for u in real if u["phone_seq"]]
    phone_seqs += [T.phones_with_delims(p) for p in phones if p]
    return T.build_vocab(char_seqs, min_count=3), T.build_vocab(phone_seqs, min_count=3)


def load():
    with open(PATH, encoding="utf-8") as f:
        v = json.load(f)
    return v["chars"], v["phones"]


def main():
    if os.path.exists(PATH):
        chars, phones = load()
        print(f"{PATH} exists: {len(chars)} chars, {len(phones)} phones (kept)")
        return
    chars, phones = build()
    with open(PATH + ".tmp", "w", encoding="utf-8") as f:
        json.dump(dict(chars=chars, phones=phones), f, ensure_ascii=False)
    os.replace(PATH + ".tmp", PATH)
    print(f"wrote {PATH}: {len(chars)} chars, {len(phones)} phones")


if __name__ == "__main__":
    main()
