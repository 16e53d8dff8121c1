"""Zero-shot CER/WER of the starter model on the unheard-voice sets (unheard_voices.py), beside
the core voices' held-out IVR test: as G.722 at 16 kHz (the card's ivr5 rows) and as the same
prompts from the core packages' GSM files (8 kHz, the codec of es-co and fr-armelle), so the
voice's effect shows apart from the channel's.

Decoding as in evaluate.py: the ONNX file run by onnxruntime-node, greedy CTC, reference and
hypothesis normalised alike, no script mask. The last column masks the character head to Latin
letters first, as Sauti does when it knows the utterance's language.

Usage: python3 unheard_eval.py [--model ../model.onnx] [--out DATA/unheard/eval]
"""
import argparse
import csv
import json
import os
import sys
import unicodedata

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import evaluate as E  # noqa: E402
import real_data  # noqa: E402
import unheard_voices as U  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SET_OF = {s["lang"]: name for name, s in U.SETS.items()}


def core_test(lang):
    """The core voice's held-out test prompts (real_data's split): [(key, reference, path)], scored
    against the same references as the unheard voices (notes in parentheses and tones dropped)."""
    rows = real_data.ivr_rows()
    real_data.assign_splits(rows)
    tones = U.tone_keys(U.core_transcripts("en"))
    prefix = os.path.join(real_data.ROOT, "usr/share/asterisk/sounds", real_data.IVR_VOICES[lang]) + os.sep
    out = [(r["path"][len(prefix):-len(".g722")], U.reference(r["text"], lang), r["path"]) for r in rows
           if r["lang"] == lang and r["split"] == "test" and r["norm"]]
    return [row for row in out if row[1] and row[0] not in tones]


def unheard(name):
    """The kept pairs of one set: [(key, norm, flac path, text split, core voice's split)]."""
    folder = os.path.join(U.OUT, name)
    lang = U.SETS[name]["lang"]
    with open(os.path.join(folder, "manifest.tsv"), encoding="utf-8") as f:
        text = {r["path"]: r["transcript"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)}
    with open(os.path.join(folder, "pairs.tsv"), encoding="utf-8") as f:
        pairs = [r for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r["status"] == "paired"]
    return [(r["key"], U.reference(text[r["path"]], lang), os.path.join(folder, r["path"]), r["text"],
             r["core_split"]) for r in pairs]


def groups():
    """[(language, voice, text, audio, [(id, norm, path)])]: the table's rows, in order."""
    out = []
    for lang in U.CORE:
        name, voice = SET_OF[lang], real_data.IVR_VOICES[lang]
        test = core_test(lang)
        gsm = os.path.join(U.DEBS, "core-gsm", "usr/share/asterisk/sounds", voice)
        out.append((lang, f"{voice} (seen)", "unseen", "G.722 16 kHz",
                    [(f"{lang}-g722:{k}", n, p) for k, n, p in test]))
        out.append((lang, f"{voice} (seen)", "unseen", "GSM 8 kHz",
                    [(f"{lang}-gsm:{k}", n, os.path.join(gsm, k + ".gsm")) for k, n, _ in test
                     if os.path.exists(os.path.join(gsm, k + ".gsm"))]))
        rows = unheard(name)
        audio = "8 kHz PCM" if U.SETS[name]["ext"] == ".wav" else "GSM 8 kHz"
        speaker = f"{U.SETS[name]['speaker']} (unheard)"
        for split in ("seen", "unseen"):
            out.append((lang, speaker, split, audio, [(f"{name}:{k}", n, p) for k, n, p, t, _ in rows if t == split]))
        out.append((lang, speaker, "unseen: the core test's prompts", audio,
                    [(f"{name}:{k}", n, p) for k, n, p, _, c in rows if c == "test"]))
    return out


def latin_mask(vocab):
    """True for the tokens Sauti keeps for a Latin-script language: Latin letters and the specials."""
    return np.array([len(t) > 1 or not t.isalpha() or unicodedata.name(t, "").startswith("LATIN") for t in vocab])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "..", "model.onnx"))
    ap.add_argument("--vocab", default=os.path.join(HERE, "..", "vocab.json"))
    ap.add_argument("--out", default=os.path.join(U.OUT, "eval"))
    a = ap.parse_args()
    vj = json.load(open(a.vocab, encoding="utf-8"))
    vocab = [t for t, _ in sorted(vj.items(), key=lambda kv: kv[1])]
    keep = latin_mask(vocab)
    table = groups()
    audio = {}
    for *_, items in table:
        for uid, _, path in items:
            if uid not in audio:
                audio[uid] = U.decode(path)
    # real_data.write drops the near-empty files; the card's ivr5 rows never saw them.
    table = [(*g[:4], [it for it in g[4] if len(audio[it[0]]) > 1600]) for g in table]
    uids = sorted({uid for *_, items in table for uid, _, _ in items})
    # run_onnx names files by id, and keys hold slashes
    out, timing = E.run_onnx(a.model, [(f"u{i}", (audio[u] / 32768.0).astype(np.float32)) for i, u in enumerate(uids)],
                             ["logits"])
    hyp, hyp_latin = {}, {}
    for i, u in enumerate(uids):
        logits = out[f"u{i}"]["logits"]
        hyp[u] = E.greedy_text(logits, vocab)
        hyp_latin[u] = E.greedy_text(np.where(keep, logits, -np.inf), vocab)
    lines = ["| language | voice | text | audio | utterances | minutes | CER | WER | CER, Latin mask |",
             "|---|---|---|---|---|---|---|---|---|"]
    R = dict(model=os.path.basename(a.model), rows=[], utterances={})
    for lang, voice, split, codec, items in table:
        s = E.score([(n, hyp[u]) for u, n, _ in items])
        m = E.score([(n, hyp_latin[u]) for u, n, _ in items])
        minutes = sum(len(audio[u]) for u, _, _ in items) / 16000 / 60
        R["rows"].append(dict(lang=lang, voice=voice, text=split, audio=codec, n=s["n"], minutes=minutes,
                              cer=s["cer"], wer=s["wer"], cer_latin=m["cer"]))
        lines.append(f"| {lang} | {voice} | {split} | {codec} | {s['n']} | {minutes:.1f} | {s['cer']:.1%} | "
                     f"{s['wer']:.1%} | {m['cer']:.1%} |")
        for u, n, _ in items:
            R["utterances"][u] = dict(ref=n, hyp=hyp[u], cer=E.score([(n, hyp[u])])["cer"])
    print("\n".join(lines))
    print(f"RTF {timing['seconds'] / timing['audioSeconds']:.4f}")
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "unheard.json"), "w", encoding="utf-8") as f:
        json.dump(R, f, ensure_ascii=False, indent=1)
    with open(os.path.join(a.out, "unheard.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
