"""Measure the exported starter model as it ships: every number comes from the ONNX file run by
the app's onnxruntime-node (run_onnx.cjs, CPU, 2 threads), greedy CTC decoding, text normalised
as in texts.normalise for both reference and hypothesis. Writes DATA/eval/eval.json and
DATA/eval/eval.md (the tables of MODEL_CARD.md).

1. Zero-shot CER/WER on the held-out real speech (real_data.py's test split): Fish Fillets
   held-out levels (Dutch minor characters never heard in training, the two fish on unseen
   lines; Czech likewise) and each IVR language's held-out prompt groups.
2. Debian's pocketsphinx (en-us acoustic model + its LM) on the same English IVR prompts.
3. The real fixtures (speech-8lang): CER per language.
4. Transfer: an adapter + CTC head like the app's (residual bottleneck 64 + linear head) trained
   on 5, 10, 20 and 30 minutes of a language never in training, on the frozen hidden states
   of this model and of the v1 starter (from git), CER on 100 test utterances.
5. Real-time factor of session.run, and the int8 model's cost (if --int8 is given).

Usage: python3 evaluate.py --model ../model.onnx [--int8 DATA/model.int8.onnx] [--v1 v1.onnx]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import wave

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import texts  # noqa: E402
import textutil as T  # noqa: E402
from data import load_real, load_synth  # noqa: E402
from langs import CHAR_LANGS, DATA  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
torch.backends.mkldnn.enabled = False
FIXTURES = os.environ.get("SAUTI_FIXTURES", os.path.join(HERE, "..", "..", "..", "..", "shared",
                                                          "fixtures", "speech-8lang"))
PS_MODEL = "/usr/share/pocketsphinx/model/en-us"


def edit(a, b):
    return T.edit_distance(a, b)


def score(pairs):
    """pairs of (reference, hypothesis) normalised strings -> CER, WER (errors / ref length)."""
    ce = sum(edit(list(r.replace(" ", "|")), list(h.replace(" ", "|"))) for r, h in pairs)
    cn = sum(len(r) for r, _ in pairs)
    we = sum(edit(r.split(), h.split()) for r, h in pairs)
    wn = sum(len(r.split()) for r, _ in pairs)
    return dict(cer=ce / max(cn, 1), wer=we / max(wn, 1), n=len(pairs))


def run_onnx(model, items, outputs, threads=2):
    """items: [(id, float32 audio)] -> ({id: {output: array}}, timing)."""
    with tempfile.TemporaryDirectory() as d:
        job_items = []
        for uid, audio in items:
            f = os.path.join(d, f"{uid}.in")
            np.asarray(audio, dtype="<f4").tofile(f)
            job_items.append(dict(id=uid, file=f))
        job = dict(model=model, threads=threads, outputs=outputs, outDir=os.path.join(d, "out"), items=job_items)
        jp = os.path.join(d, "job.json")
        with open(jp, "w") as f:
            json.dump(job, f)
        res = subprocess.run(["node", os.path.join(HERE, "run_onnx.cjs"), jp], capture_output=True, text=True)
        if res.returncode:
            raise RuntimeError(res.stderr)
        timing = json.loads(res.stdout.strip().splitlines()[-1])
        shapes = json.load(open(os.path.join(d, "out", "shapes.json")))
        out = {}
        for uid, _ in items:
            out[uid] = {}
            for o in outputs:
                a = np.fromfile(os.path.join(d, "out", f"{uid}.{o}.f32"), dtype="<f4")
                out[uid][o] = a.reshape(shapes[f"{uid}.{o}"])[0]
        return out, timing


def greedy_text(logits, vocab):
    ids = T.ctc_greedy(logits.argmax(-1).tolist())
    s = "".join(vocab[i] for i in ids if vocab[i] not in (T.UNK,))
    return " ".join(s.replace(T.WORD_DELIM, " ").split())


def f32(u):
    return (u["audio"] / 32768.0).astype(np.float32)


OUTPUT = "logits"


def zero_shot(model, vocab, test):
    """CER/WER per held-out group of the real test split."""
    groups = {}
    for u in test:
        if u["lang"] not in CHAR_LANGS:
            continue
        if u["set"] == "fillets":
            who = "fish" if u["speaker"].endswith(("-m", "-v")) else "minor characters"
            key = f"fillets-{u['lang']} ({who})"
        else:
            key = f"ivr5-{u['lang']}"
        groups.setdefault(key, []).append(u)
    items = [(u["id"], f32(u)) for g in groups.values() for u in g]
    out, timing = run_onnx(model, items, [OUTPUT])
    res, examples = {}, {}
    for key, us in sorted(groups.items()):
        pairs = [(u["norm"], greedy_text(out[u["id"]][OUTPUT], vocab)) for u in us]
        res[key] = score(pairs)
        examples[key] = pairs[:3]
    return res, examples, timing, {u["id"]: greedy_text(out[u["id"]][OUTPUT], vocab) for g in groups.values()
                                    for u in g}


def pocketsphinx_en(test):
    from pocketsphinx import Decoder
    cfg = Decoder.default_config()
    cfg.set_string("-hmm", os.path.join(PS_MODEL, "en-us"))
    cfg.set_string("-lm", os.path.join(PS_MODEL, "en-us.lm.bin"))
    cfg.set_string("-dict", os.path.join(PS_MODEL, "cmudict-en-us.dict"))
    cfg.set_string("-logfn", "/dev/null")
    dec = Decoder(cfg)
    pairs = []
    for u in test:
        if u["set"] != "ivr5" or u["lang"] != "en":
            continue
        dec.start_utt()
        dec.process_raw(u["audio"].astype("<i2").tobytes(), False, True)
        dec.end_utt()
        hyp = dec.hyp().hypstr if dec.hyp() else ""
        pairs.append((u["norm"], texts.normalise(hyp, "en") or ""))
    return score(pairs)


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


def fixtures(model, vocab):
    manifest = os.path.join(FIXTURES, "manifest.tsv")
    if not os.path.exists(manifest):
        return []
    rows = [line.rstrip("\n").split("\t") for line in open(manifest, encoding="utf-8")][1:]
    items = [(fn[:-4], read_wav(os.path.join(FIXTURES, fn))) for fn, *_ in rows]
    out, _ = run_onnx(model, items, [OUTPUT])
    res = []
    for fn, lang, _spk, text in rows:
        hyp = greedy_text(out[fn[:-4]][OUTPUT], vocab)
        entry = dict(file=fn, lang=lang, hyp=hyp)
        if lang in CHAR_LANGS:
            entry.update(score([(texts.normalise(text, lang), hyp)]))
        res.append(entry)
    return res


# --- transfer: the app's adapter + head, in PyTorch, on frozen hidden states -----------------

class AdapterHead(nn.Module):
    """As src/main/core/train/adapter-head.ts: h = x + up(relu(down(LN(x)))); logits = head(h)."""

    def __init__(self, dim, vocab, bottleneck=64):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.down = nn.Linear(dim, bottleneck)
        self.up = nn.Linear(bottleneck, dim)
        nn.init.zeros_(self.up.weight)
        nn.init.zeros_(self.up.bias)
        self.head = nn.Linear(dim, vocab)

    def forward(self, x):
        return self.head(x + self.up(F.relu(self.down(self.norm(x)))))


def train_adapter(feats, targets, vocab_size, dev_feats, dev_targets, epochs=60, seed=0):
    torch.manual_seed(seed)
    m = AdapterHead(feats[0].shape[1], vocab_size)
    opt = torch.optim.AdamW(m.parameters(), lr=3e-3, weight_decay=0.01)
    order = np.random.default_rng(seed)
    best, best_state, bad = float("inf"), None, 0
    for _ in range(epochs):
        idx = order.permutation(len(feats))
        for s in range(0, len(idx), 16):
            b = idx[s:s + 16]
            X = nn.utils.rnn.pad_sequence([feats[i] for i in b], batch_first=True)
            lens = torch.tensor([feats[i].shape[0] for i in b])
            lp = m(X).log_softmax(-1).transpose(0, 1)
            tg = torch.tensor([t for i in b for t in targets[i]])
            tl = torch.tensor([len(targets[i]) for i in b])
            loss = F.ctc_loss(lp, tg, lens, tl, zero_infinity=True)
            opt.zero_grad()
            loss.backward()
            opt.step()
        cer = probe_cer(m, dev_feats, dev_targets)
        if cer < best - 1e-4:
            best, best_state, bad = cer, {k: v.clone() for k, v in m.state_dict().items()}, 0
        else:
            bad += 1
            if bad >= 6:
                break
    m.load_state_dict(best_state)
    return m


def probe_cer(m, feats, targets):
    with torch.no_grad():
        e = sum(edit(t, T.ctc_greedy(m(f[None])[0].argmax(-1).tolist())) for f, t in zip(feats, targets))
    return e / max(sum(len(t) for t in targets), 1)


def transfer(models, held, minutes=(5, 10, 20, 30)):
    """{lang: {model name: {minutes: CER}}}; the adaptation set grows by prefixes of one fixed order."""
    res = {}
    for lang, sets in sorted(held.items()):
        adapt, test = sets["adapt"], sets["test"]
        dev, adapt = adapt[:40], adapt[40:]
        # Held-out languages have no character targets in training (data.py); the probe's come
        # from their normalised text.
        for u in adapt + dev + test:
            if u["chars"] is None:
                u["chars"] = texts.chars(u["norm"])
        vocab = T.build_vocab([u["chars"] for u in adapt + dev + test])
        idx = {t: i for i, t in enumerate(vocab)}
        total = sum(len(u["audio"]) for u in adapt) / 16000 / 60
        res[lang] = {}
        for name, path in models.items():
            items = [(f"{lang}-{i}", f32(u)) for i, u in enumerate(adapt + dev + test)]
            out, _ = run_onnx(path, items, ["hidden_states"])
            feats = [torch.from_numpy(out[uid]["hidden_states"].copy()) for uid, _ in items]
            fa, fd, ft = feats[:len(adapt)], feats[len(adapt):len(adapt) + len(dev)], feats[len(adapt) + len(dev):]
            ta = [T.encode(u["chars"], idx) for u in adapt]
            td = [T.encode(u["chars"], idx) for u in dev]
            tt = [T.encode(u["chars"], idx) for u in test]
            curve = {}
            for m in minutes:
                if m > total + 0.5:
                    continue
                n, acc = 0, 0
                while n < len(adapt) and acc < m * 60 * 16000:
                    acc += len(adapt[n]["audio"])
                    n += 1
                head = train_adapter(fa[:n], ta[:n], len(vocab), fd, td)
                curve[m] = probe_cer(head, ft, tt)
                print(f"transfer {lang} {name} {m} min: CER {curve[m]:.3f}", flush=True)
            res[lang][name] = curve
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(HERE, "..", "model.onnx"))
    ap.add_argument("--vocab", default=os.path.join(HERE, "..", "vocab.json"))
    ap.add_argument("--output", default="logits", help="the character head's output (v1: logits_chars)")
    ap.add_argument("--int8", default="")
    ap.add_argument("--v1", default="", help="the v1 starter's model.onnx, for the transfer comparison")
    ap.add_argument("--skip-transfer", action="store_true")
    ap.add_argument("--out", default=os.path.join(DATA, "eval"))
    a = ap.parse_args()
    global OUTPUT
    OUTPUT = a.output
    torch.set_num_threads(2)
    vj = json.load(open(a.vocab, encoding="utf-8"))
    vocab = [t for t, _ in sorted(vj.items(), key=lambda kv: kv[1])]
    real = load_real()
    test = real["test"]
    R = dict(model=os.path.basename(a.model))
    R["zero_shot"], R["examples"], timing, _ = zero_shot(a.model, vocab, test)
    R["rtf"] = timing["seconds"] / timing["audioSeconds"]
    for k, v in R["zero_shot"].items():
        print(f"{k}: CER {v['cer']:.3f} WER {v['wer']:.3f} (n={v['n']})", flush=True)
    print(f"RTF {R['rtf']:.3f}", flush=True)
    R["pocketsphinx_ivr5_en"] = pocketsphinx_en(test)
    print("pocketsphinx", R["pocketsphinx_ivr5_en"], flush=True)
    R["fixtures"] = fixtures(a.model, vocab)
    if a.int8:
        R["int8"], _, t8, _ = zero_shot(a.int8, vocab, test)
        R["int8_rtf"] = t8["seconds"] / t8["audioSeconds"]
        R["int8_size_mb"] = os.path.getsize(a.int8) / 1e6
    R["size_mb"] = os.path.getsize(a.model) / 1e6
    # Written now and again after the transfer curves, so the zero-shot numbers survive a failure.
    os.makedirs(a.out, exist_ok=True)
    write_md(R, a.out)
    if not a.skip_transfer:
        _, _, held = load_synth()
        models = {"v2": a.model}
        if a.v1:
            models["v1"] = a.v1
        R["transfer"] = transfer(models, held)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "eval.json"), "w", encoding="utf-8") as f:
        json.dump(R, f, ensure_ascii=False, indent=1)
    write_md(R, a.out)


def write_md(R, out):
    L = ["| held-out set | utterances | CER | WER |", "|---|---|---|---|"]
    for k, v in R["zero_shot"].items():
        L.append(f"| {k} | {v['n']} | {v['cer']:.1%} | {v['wer']:.1%} |")
    ps = R["pocketsphinx_ivr5_en"]
    L.append(f"| ivr5-en, Debian pocketsphinx (en-us + its LM) | {ps['n']} | {ps['cer']:.1%} | {ps['wer']:.1%} |")
    if "int8" in R:
        L += ["", "| held-out set | float32 CER | int8 CER |", "|---|---|---|"]
        for k, v in R["zero_shot"].items():
            L.append(f"| {k} | {v['cer']:.1%} | {R['int8'][k]['cer']:.1%} |")
        L.append(f"\nfloat32 {R['size_mb']:.1f} MB, RTF {R['rtf']:.3f}; int8 {R['int8_size_mb']:.1f} MB, "
                 f"RTF {R['int8_rtf']:.3f} (session.run, 2 threads)")
    L += ["", "| fixture | lang | CER | hypothesis |", "|---|---|---|---|"]
    for e in R["fixtures"]:
        cer = f"{e['cer']:.1%}" if "cer" in e else "n/a (not a character-head language)"
        L.append(f"| {e['file']} | {e['lang']} | {cer} | `{e['hyp'] or '(empty)'}` |")
    if "transfer" in R:
        L += ["", "| language | model | " + " | ".join(f"{m} min" for m in (5, 10, 20, 30)) + " |",
              "|---|---|---|---|---|---|"]
        for lang, by in R["transfer"].items():
            for name, curve in by.items():
                cells = [f"{curve[m]:.1%}" if m in curve else "" for m in (5, 10, 20, 30)]
                L.append(f"| {lang} | {name} | " + " | ".join(cells) + " |")
    with open(os.path.join(out, "eval.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
