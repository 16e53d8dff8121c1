/**
 * The NeMo fine-tuning recipe's Python files (see huggingface-python.ts for why they are
 * strings). `check_data.py` reads the manifests as NeMo's ASR datasets do and needs only the
 * standard library; `export_onnx.py` needs NeMo.
 */

export const nemoCheckDataPy = String.raw`"""Checks that this export's NeMo manifests load as NeMo's char-based ASR datasets read them
(one JSON object a line; audio_filepath relative to the manifest; offset and duration in
seconds; every character of the text in the labels of finetune_ctc.yaml). Run it before
launching on a cluster. Prints one JSON line: per split, utterances, seconds and unknown characters."""
import json
import os
import re
import sys
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
MANIFESTS = os.path.normpath(os.path.join(HERE, "..", "..", "nemo"))


def labels():
    """The labels list of finetune_ctc.yaml (written there as one JSON list on its own line)."""
    with open(os.path.join(HERE, "finetune_ctc.yaml"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*labels: (\[.*\])\s*$", line)
            if m:
                return json.loads(m.group(1))
    raise SystemExit("finetune_ctc.yaml has no labels line")


def seconds(path):
    if path.lower().endswith(".wav"):
        with wave.open(path, "rb") as w:
            return w.getnframes() / w.getframerate()
    return None


known = set(labels())
report = {"labels": len(known), "splits": {}}
for split in ["train", "dev", "test"]:
    manifest = os.path.join(MANIFESTS, f"{split}_manifest.jsonl")
    if not os.path.exists(manifest):
        continue
    count, total, unknown = 0, 0.0, {}
    with open(manifest, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            audio = row["audio_filepath"]
            path = audio if os.path.isabs(audio) else os.path.join(os.path.dirname(manifest), audio)
            if not os.path.exists(path):
                raise SystemExit(f"{manifest}:{number}: {audio} does not exist")
            length = seconds(path)
            end = row.get("offset", 0) + row["duration"]
            if length is not None and end > length + 0.01:
                raise SystemExit(f"{manifest}:{number}: ends at {end:.3f} s, after the audio ({length:.3f} s)")
            for c in row["text"]:
                if c not in known:
                    unknown[c] = unknown.get(c, 0) + 1
            count += 1
            total += row["duration"]
    report["splits"][split] = {"utterances": count, "seconds": round(total, 2), "unknown": unknown}
print(json.dumps(report, ensure_ascii=False))
sys.exit(0 if report["splits"].get("train") else 1)
`

export const nemoExportPy = String.raw`"""Exports a fine-tuned NeMo CTC model to ONNX for Sauti: model.onnx (audio_signal, length ->
logprobs), vocab.json (the labels, then the blank) and model.json, whose "features" tell Sauti
how to compute the log-mel input the graph expects (NeMo leaves its preprocessor out of the export).

  python export_onnx.py exp/sauti-finetune/<run>/checkpoints/sauti-finetune.nemo onnx-out
  sauti model import onnx-out
"""
import json
import os
import sys

import nemo.collections.asr as nemo_asr

source, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
model = nemo_asr.models.ASRModel.restore_from(source, map_location="cpu")
model.eval()
model.export(os.path.join(out, "model.onnx"))
pre = model.cfg.preprocessor
labels = list(model.decoder.vocabulary)
with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
    json.dump(labels + ["<blank>"], f, ensure_ascii=False)
rate = int(pre.get("sample_rate", 16000))
if rate != 16000:
    raise SystemExit(f"the model runs at {rate} Hz; Sauti runs models at 16000 Hz")
manifest = {
    "format": "sauti-model/1",
    "name": os.path.basename(source).removesuffix(".nemo"),
    "sampleRate": 16000,
    "input": "audio_signal",
    "normalize": False,
    "features": {
        "type": "log-mel",
        "melBins": int(pre.get("features", 80)),
        "nFft": int(pre.get("n_fft", 512)),
        "windowLength": round(float(pre.get("window_size", 0.025)) * rate),
        "hopLength": round(float(pre.get("window_stride", 0.01)) * rate),
        "window": pre.get("window", "hann"),
        "preemphasis": 0.97,
        "logGuard": 2.0**-24,
        "normalize": "per_feature" if pre.get("normalize", "per_feature") == "per_feature" else "none",
        "padTo": int(pre.get("pad_to", 16)) or 1,
        "layout": "channels-first",
        "lengthInput": "length",
    },
    "outputs": {"logits": "logprobs", "hiddenStates": "hidden_states"},
    "vocabulary": "vocab.json",
    "blank": "<blank>",
    "wordDelimiter": " ",
    "unit": "char",
    "provenance": {"exportedFrom": os.path.abspath(source), "by": "export_onnx.py of a Sauti export"},
}
with open(os.path.join(out, "model.json"), "w", encoding="utf-8") as f:
    json.dump(manifest, f, ensure_ascii=False, indent=1)
print(f"wrote {out}: model.onnx, vocab.json, model.json; now: sauti model import {out}")
`
