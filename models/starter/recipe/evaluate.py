"""Honest measurement of the exported checkpoint; writes .data/eval.json and a Markdown
report (.data/eval.md) that goes into MODEL_CARD.md.

1. PER per pre-training language on its held-out synthetic test sentences (clean and
   with the training augmentation chain applied, fixed seed).
2. PER on the held-out languages (phones unseen in pre-training count as errors).
3. Transfer probe per held-out language: a new small CTC character head trained on 50
   utterances on top of the FROZEN encoder's hidden_states vs the identical head on
   plain log-mel features (2 stacked 10 ms frames = same 20 ms rate); CER on 100 test.
4. Real recordings in /work/shared/fixtures/speech-8lang: phone-head output, PER against
   espeak-ng's phonemisation of the transcript, char-head CER for en/es/de.
"""
import argparse
import json
import os
import sys
import wave

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textutil as T  # noqa: E402
from augment import augment  # noqa: E402
from data import splits  # noqa: E402
from export import load  # noqa: E402
from langs import CHAR_LANGS, HELD_OUT, LANGS  # noqa: E402
from model import num_frames  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# Debian's torch 1.13 build computes wrong gradients through its oneDNN (MKL-DNN)
# convolution backward inside our blocks (relative error 5e-2 up to 1e20 against float64;
# see tests/test_recipe.py). The native convolution path is exact, so use it.
torch.backends.mkldnn.enabled = False
FIXTURES = "/work/shared/fixtures/speech-8lang"
FIXTURE_VOICES = {"en": "en-us", "de": "de", "es": "es", "fr": "fr-fr", "it": "it",
                  "ja": "ja", "ko": "ko", "pt": "pt"}


def wav_f32(x):
    return torch.from_numpy((x / 32768.0).astype(np.float32))[None]


@torch.no_grad()
def run(model, x):
    h, lp, lc = model(x)
    return h[0], lp[0], lc[0]


def rate(pairs):
    e = sum(T.edit_distance(r, h) for r, h in pairs)
    n = sum(len(r) for r, _ in pairs)
    return e / max(n, 1)


def per_for(model, utts, pidx, aug_seed=None):
    pairs = []
    rng = np.random.default_rng(aug_seed) if aug_seed is not None else None
    for u in utts:
        a = u["audio"] / 32768.0
        if rng is not None:
            a = augment(a, rng)
        _, lp, _ = run(model, torch.from_numpy(a.astype(np.float32))[None])
        pairs.append((T.encode(u["phones"], pidx), T.ctc_greedy(lp.argmax(-1).tolist())))
    return rate(pairs)


class ProbeHead(nn.Module):
    """Small head used identically on both feature types: two temporal convs (+-3 frames
    = +-60 ms of context in total) and a linear CTC output, ~0.2 M params. Context matters
    for the log-mel baseline; a purely per-frame head would make the comparison unfair."""

    def __init__(self, din, vocab, hid=128):
        super().__init__()
        self.c1 = nn.Conv1d(din, hid, 5, padding=2)
        self.c2 = nn.Conv1d(hid, hid, 3, padding=1)
        self.out = nn.Linear(hid, vocab)
        self.ln = nn.LayerNorm(din)

    def forward(self, f):                       # f [B, T, din]
        x = self.ln(f).transpose(1, 2)
        x = F.gelu(self.c2(F.gelu(self.c1(x))))
        return self.out(x.transpose(1, 2))


def logmel_20ms(model, x):
    """Plain log-mel (same in-graph extractor, untrained by nature) stacked to 20 ms."""
    f = model.feat(x)[0]                        # [T, 80]
    if f.shape[0] % 2:
        f = torch.cat([f, f[-1:]], 0)
    return f.reshape(-1, 160)


def train_probe(feats, targets, vocab_size, steps=300, seed=0):
    torch.manual_seed(seed)
    head = ProbeHead(feats[0].shape[1], vocab_size)
    opt = torch.optim.Adam(head.parameters(), lr=3e-3)
    lens = torch.tensor([f.shape[0] for f in feats])
    X = nn.utils.rnn.pad_sequence(feats, batch_first=True)
    tg = torch.tensor([i for t in targets for i in t])
    tl = torch.tensor([len(t) for t in targets])
    for _ in range(steps):
        lp = head(X).log_softmax(-1).transpose(0, 1)
        loss = F.ctc_loss(lp, tg, lens, tl, zero_infinity=True)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return head, float(loss)


def probe_cer(head, feats, targets):
    pairs = []
    with torch.no_grad():
        for f, t in zip(feats, targets):
            pairs.append((t, T.ctc_greedy(head(f[None])[0].argmax(-1).tolist())))
    return rate(pairs)


def read_wav(path):
    with wave.open(path) as w:
        sr, ch, sw = w.getframerate(), w.getnchannels(), w.getsampwidth()
        raw = w.readframes(w.getnframes())
    x = np.frombuffer(raw, dtype={2: "<i2", 4: "<i4"}[sw]).astype(np.float64)
    x = x.reshape(-1, ch).mean(1) / (2 ** (8 * sw - 1))
    if sr != 16000:
        from gen_data import resample
        x = resample(x, sr, 16000)
    return x.astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, ".data", "run", "last.pt"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="smoke test: tiny subsets")
    ap.add_argument("--probe-steps", type=int, default=300)
    ap.add_argument("--reuse-pretrain-log", default="",
                    help="take clean/augmented PER from a previous evaluate.py log (saves ~3 min)")
    ap.add_argument("--out", default=os.path.join(HERE, ".data"))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, ck = load(a.ckpt)
    pvocab, cvocab = ck["pvocab"], ck["cvocab"]
    pidx = {t: i for i, t in enumerate(pvocab)}
    cidx = {t: i for i, t in enumerate(cvocab)}
    _, test, heldout = splits()
    probe_steps = a.probe_steps
    reused = {}
    if a.reuse_pretrain_log:
        for line in open(a.reuse_pretrain_log, encoding="utf-8"):
            p = line.split()
            if len(p) == 3 and p[0] in test:
                reused[p[0]] = (float(p[1]), float(p[2]))
    if a.quick:
        test = {k: v[:2] for k, v in list(test.items())[:3]}
        heldout = {k: dict(adapt=v["adapt"][:3], test=v["test"][:2]) for k, v in heldout.items()}
        probe_steps = 3
    R = {"probe_steps": a.probe_steps, "step": ck["step"], "pretrain_per": {}, "pretrain_per_aug": {}, "char_cer": {},
         "heldout_per": {}, "heldout_oov": {}, "transfer": {}, "fixtures": []}

    # 1. pre-training languages
    for lang, utts in test.items():
        if lang in reused:
            R["pretrain_per"][lang], R["pretrain_per_aug"][lang] = reused[lang]
        else:
            R["pretrain_per"][lang] = per_for(model, utts, pidx)
            R["pretrain_per_aug"][lang] = per_for(model, utts, pidx, aug_seed=99)
        if lang in CHAR_LANGS:
            pairs = []
            for u in utts:
                _, _, lc = run(model, wav_f32(u["audio"]))
                pairs.append((T.encode(u["chars"], cidx), T.ctc_greedy(lc.argmax(-1).tolist())))
            R["char_cer"][lang] = rate(pairs)
        print(lang, round(R["pretrain_per"][lang], 3), round(R["pretrain_per_aug"][lang], 3), flush=True)

    # 2 + 3. held-out languages
    for lang in HELD_OUT:
        hd = heldout[lang]
        R["heldout_per"][lang] = per_for(model, hd["test"], pidx)
        toks = [t for u in hd["test"] for t in u["phones"]]
        R["heldout_oov"][lang] = sum(t not in pidx for t in toks) / len(toks)
        lv = T.build_vocab([u["chars"] for u in hd["adapt"]])
        li = {t: i for i, t in enumerate(lv)}
        res = {}
        for kind in ("encoder", "logmel"):
            def feats(utts):
                out = []
                for u in utts:
                    x = wav_f32(u["audio"])
                    with torch.no_grad():
                        f = run(model, x)[0] if kind == "encoder" else logmel_20ms(model, x)
                    out.append(f[: num_frames(x.shape[1])])
                return out
            ftr, fte = feats(hd["adapt"]), feats(hd["test"])
            ttr = [T.encode(u["chars"], li) for u in hd["adapt"]]
            tte = [T.encode(u["chars"], li) for u in hd["test"]]
            head, final_loss = train_probe(ftr, ttr, len(lv), steps=probe_steps)
            res[kind] = dict(test_cer=probe_cer(head, fte, tte), train_cer=probe_cer(head, ftr, ttr),
                             final_train_loss=final_loss)
        R["transfer"][lang] = res
        print(lang, "PER", round(R["heldout_per"][lang], 3), res, flush=True)

    # 4. real recordings
    manifest = os.path.join(FIXTURES, "manifest.tsv")
    if os.path.exists(manifest):
        rows = [l.rstrip("\n").split("\t") for l in open(manifest, encoding="utf-8")][1:]
        for fn, lang, _spk, text in rows:
            x = torch.from_numpy(read_wav(os.path.join(FIXTURES, fn)))[None]
            _, lp, lc = run(model, x)
            hyp = T.ctc_greedy(lp.argmax(-1).tolist())
            ref_ph = T.phones_with_delims(T.espeak_ipa(text, FIXTURE_VOICES[lang]))
            entry = dict(file=fn, lang=lang, seconds=round(x.shape[1] / 16000, 2),
                         phone_hyp=" ".join(pvocab[i] for i in hyp),
                         phone_ref=" ".join(ref_ph),
                         per=rate([(T.encode(ref_ph, pidx), hyp)]))
            if lang in ("en", "es", "de"):
                ch = T.ctc_greedy(lc.argmax(-1).tolist())
                entry["char_hyp"] = "".join(cvocab[i] for i in ch).replace("|", " ")
                entry["cer"] = rate([(T.encode(T.text_to_chars(text), cidx), ch)])
            R["fixtures"].append(entry)
            print(fn, round(entry["per"], 3), entry.get("cer"), flush=True)

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "eval.json"), "w", encoding="utf-8") as f:
        json.dump(R, f, ensure_ascii=False, indent=1)
    write_md(R, a.out)


def write_md(R, out):
    L = []
    L.append("| lang | family | script | PER clean | PER augmented | char CER |")
    L.append("|---|---|---|---|---|---|")
    for lang, v in R["pretrain_per"].items():
        _, _, fam, script = LANGS[lang]
        cc = R["char_cer"].get(lang)
        L.append(f"| {lang} | {fam} | {script} | {v:.1%} | {R['pretrain_per_aug'][lang]:.1%} | "
                 f"{'' if cc is None else f'{cc:.1%}'} |")
    m = np.mean(list(R["pretrain_per"].values()))
    ma = np.mean(list(R["pretrain_per_aug"].values()))
    L.append(f"| **mean** | | | **{m:.1%}** | **{ma:.1%}** | |")
    L.append("")
    L.append("Held-out languages (never seen in pre-training):")
    L.append("")
    L.append("| lang | family | PER (phone head) | ref phones outside inventory | probe CER: frozen encoder | probe CER: log-mel | (train CER enc / log-mel) |")
    L.append("|---|---|---|---|---|---|---|")
    for lang in R["heldout_per"]:
        t = R["transfer"][lang]
        L.append(f"| {lang} | {LANGS[lang][2]} | {R['heldout_per'][lang]:.1%} | {R['heldout_oov'][lang]:.1%} | "
                 f"{t['encoder']['test_cer']:.1%} | {t['logmel']['test_cer']:.1%} | "
                 f"{t['encoder']['train_cer']:.1%} / {t['logmel']['train_cer']:.1%} |")
    L.append("")
    L.append("Real recordings (`/work/shared/fixtures/speech-8lang`):")
    L.append("")
    L.append("| file | lang | PER vs espeak-ng phonemisation | char CER | phone head output (first 60 units) |")
    L.append("|---|---|---|---|---|")
    for e in R["fixtures"]:
        cer = f"{e['cer']:.1%}" if "cer" in e else "n/a"
        hyp = " ".join(e["phone_hyp"].split()[:60]) or "(empty)"
        L.append(f"| {e['file']} | {e['lang']} | {e['per']:.1%} | {cer} | `{hyp}` |")
    for e in R["fixtures"]:
        if "char_hyp" in e:
            L.append(f"\n- {e['file']} char head: `{e['char_hyp'] or '(empty)'}`")
    with open(os.path.join(out, "eval.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
