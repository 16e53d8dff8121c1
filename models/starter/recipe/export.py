"""Export a checkpoint to the Sauti model package (models/starter/):
model.onnx, model.json, vocab.json, vocab-phones.json, plus the reference tensors that
check_onnx.js compares onnxruntime-node against.

Usage: python3 export.py [--ckpt .data/run/last.pt] [--out ../]
"""
import argparse
import datetime
import hashlib
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import textutil as T  # noqa: E402
from langs import CHAR_LANGS, DATA, HELD_OUT, LANGS, TRAIN_LANGS  # noqa: E402
from model import FRAME_STRIDE_S, SR, StarterEncoder, count_params  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUTPUTS = ["hidden_states", "logits", "logits_phones"]
VERSION = "0.4.0"


class Exported(torch.nn.Module):
    """Only input_values in; no lengths (one utterance or equal-length batch)."""

    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_values):
        return self.m(input_values)


def load(ckpt):
    ck = torch.load(ckpt, map_location="cpu")
    m = StarterEncoder(**ck["cfg"])
    m.load_state_dict(ck["model"])
    m.eval()
    return m, ck


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for blk in iter(lambda: f.read(1 << 20), b""):
            h.update(blk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(DATA, "run-v2", "last.pt"))
    ap.add_argument("--out", default=os.path.dirname(HERE))
    ap.add_argument("--ref-dir", default=os.path.join(DATA, "onnx_check"),
                    help="where the reference tensors for check_onnx.cjs go")
    a = ap.parse_args()
    m, ck = load(a.ckpt)
    wrapped = Exported(m).eval()

    onnx_path = os.path.join(a.out, "model.onnx")
    dummy = torch.randn(1, 16000)
    torch.onnx.export(
        wrapped, (dummy,), onnx_path, opset_version=17,
        input_names=["input_values"], output_names=OUTPUTS,
        dynamic_axes={"input_values": {0: "batch", 1: "samples"},
                      **{o: {0: "batch", 1: "frames"} for o in OUTPUTS}},
        do_constant_folding=True)
    import onnx
    onnx.checker.check_model(onnx.load(onnx_path))

    # HF/wav2vec2-style vocab files ({token: id}) so the same loader reads big models.
    with open(os.path.join(a.out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump({t: i for i, t in enumerate(ck["cvocab"])}, f, ensure_ascii=False, indent=0)
    with open(os.path.join(a.out, "vocab-phones.json"), "w", encoding="utf-8") as f:
        json.dump({t: i for i, t in enumerate(ck["pvocab"])}, f, ensure_ascii=False, indent=0)
    stale = os.path.join(a.out, "vocab-chars.json")   # v1's name for the character head
    if os.path.exists(stale):
        os.remove(stale)

    def lang_entry(code):
        voice, srcs, fam, script = LANGS[code]
        return dict(code=code, espeak_voice=voice, family=fam, script=script)

    manifest = {
        "name": "sauti-starter-multilingual-ctc",
        "version": VERSION,
        "architecture": ("log-mel (in-graph) + conv subsampling + %d conformer-style blocks, d=%d "
                         "(%d at 20 ms, %d at 40 ms, %d at 20 ms)"
                         % (m.cfg["fast"] + m.cfg["slow"] + m.cfg["out"], m.cfg["d"], m.cfg["fast"],
                            m.cfg["slow"], m.cfg["out"])),
        "sample_rate": SR,
        "frame_stride_s": FRAME_STRIDE_S,
        "input": {"name": "input_values", "dtype": "float32", "shape": ["batch", "samples"],
                  "channels": 1},
        "normalisation": {"type": "per_utterance_zero_mean_unit_variance", "in_graph": True,
                          "note": "computed over the whole input tensor row; pass unpadded "
                                  "audio (batch of one, or equal-length rows)"},
        "outputs": {
            "hidden_states": {"shape": ["batch", "frames", m.cfg["d"]]},
            "logits": {"shape": ["batch", "frames", len(ck["cvocab"])], "head": "chars"},
            "logits_phones": {"shape": ["batch", "frames", len(ck["pvocab"])], "head": "phones"},
        },
        "frames_formula": "frames = floor((floor(samples / 160) + 1 - 1) / 2) + 1",
        "heads": {
            "chars": {"output": "logits", "vocabulary": "vocab.json",
                      "unit_type": "char", "casing": "lowercase NFC, numbers in words, no punctuation",
                      "blank_token": T.BLANK, "blank_index": 0,
                      "word_delimiter_token": T.WORD_DELIM,
                      "unk_token": T.UNK, "languages": CHAR_LANGS},
            "phones": {"output": "logits_phones", "vocabulary": "vocab-phones.json", "unit_type": "phone",
                       "inventory": "espeak-ng IPA (--ipa --sep=_), stress marks removed, "
                                    "length mark kept on the phone",
                       "blank_token": T.BLANK, "blank_index": 0,
                       "word_delimiter_token": T.WORD_DELIM,
                       "unk_token": T.UNK, "languages": TRAIN_LANGS},
        },
        "decoding": "greedy CTC (argmax, collapse repeats, drop blank)",
        "languages_trained": [lang_entry(c) for c in TRAIN_LANGS],
        "languages_held_out": [lang_entry(c) for c in HELD_OUT],
        "training_data": ("real: Fish Fillets NG dubs (nl, cs, en) and Asterisk IVR prompts (en, es, fr, it, "
                          "ru) outside held-out levels/prompt groups; synthetic: espeak-ng, Festival and "
                          "Flite; see MODEL_CARD.md"),
        "license": "Apache-2.0",
        "training_text_licences": "see MODEL_CARD.md (per word list)",
        "provenance": {
            "recipe": "models/starter/recipe/run.sh",
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d"),
            "seed": ck["config"]["seed"],
            "training_config_sha256": ck["config_sha256"],
            "training_config": ck["config"],
            "training_steps": ck["step"],
            "training_minutes": round(ck["train_seconds"] / 60, 1),
            "training_hours_of_audio": ck.get("data"),
            "torch": torch.__version__,
        },
        "parameters": count_params(m),
        "model_sha256": sha256(onnx_path),
    }
    with open(os.path.join(a.out, "model.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, ensure_ascii=False, indent=2)

    # Reference tensors for check_onnx.js: random audio of two lengths, batch 2 and 1.
    g = torch.Generator().manual_seed(0)
    ref_dir = a.ref_dir
    os.makedirs(ref_dir, exist_ok=True)
    cases = []
    for k, (b, n) in enumerate([(2, 24000), (1, 40123)]):
        x = torch.randn(b, n, generator=g) * 0.1
        with torch.no_grad():
            outs = wrapped(x)
        entry = {"input": f"in{k}.f32", "shape": [b, n], "outputs": {}}
        x.numpy().astype("<f4").tofile(os.path.join(ref_dir, entry["input"]))
        for name, t in zip(OUTPUTS, outs):
            fn = f"out{k}_{name}.f32"
            t.numpy().astype("<f4").tofile(os.path.join(ref_dir, fn))
            entry["outputs"][name] = {"file": fn, "shape": list(t.shape)}
        cases.append(entry)
    with open(os.path.join(ref_dir, "cases.json"), "w") as f:
        json.dump(cases, f)
    print(f"exported {onnx_path} ({os.path.getsize(onnx_path) / 1e6:.2f} MB), "
          f"{count_params(m)} params, step {ck['step']}")


if __name__ == "__main__":
    main()
