/**
 * The Hugging Face fine-tuning recipe's Python files, written into an export by recipes/index.ts
 * (as strings, so the built app needs no files beside its bundle). `sauti_data.py` needs only
 * the standard library, numpy and torch: CI runs it with Debian's PyTorch on a real export
 * (test/integration/export-recipes.test.ts); the training script needs transformers too.
 */

export const sautiDataPy = String.raw`"""Loads a Sauti export's splits (clips/<split>/metadata.jsonl, Hugging Face audiofolder) for CTC
fine-tuning: audio as 16 kHz float32, transcripts normalised as Sauti normalises them for
training and scoring, encoded with this folder's vocab.json. Standard library, numpy and torch only
(soundfile for FLAC exports)."""
import json
import os
import unicodedata
import wave

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXPORT_ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
PAD, UNK, DELIMITER = "[PAD]", "[UNK]", "|"


def normalise(text):
    """NFC, lower case, punctuation and symbols removed except ' and - inside words (Sauti's scoring rules)."""
    t = unicodedata.normalize("NFC", text).lower().replace("\u2019", "'")
    word = lambda c: unicodedata.category(c)[0] in "LMN"
    out = []
    for i, c in enumerate(t):
        if unicodedata.category(c)[0] in "PS":
            inside = 0 < i < len(t) - 1 and word(t[i - 1]) and word(t[i + 1])
            out.append(c if inside and c in "'-" else " ")
        else:
            out.append(c)
    return " ".join("".join(out).split())


def read_vocab(path=os.path.join(HERE, "vocab.json")):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def encode(text, vocab):
    """Token ids of a transcript: characters, with | between words; unknown characters as [UNK]."""
    return [vocab.get(c, vocab[UNK]) for c in normalise(text).replace(" ", DELIMITER)]


def load_audio(path):
    """16 kHz mono float32 in [-1, 1]: WAV with the standard library, anything else with soundfile."""
    if path.lower().endswith(".wav"):
        with wave.open(path, "rb") as w:
            if w.getframerate() != 16000 or w.getnchannels() != 1 or w.getsampwidth() != 2:
                raise ValueError(f"{path}: expected 16 kHz mono 16-bit WAV (Sauti's export writes it)")
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    import soundfile

    audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
    if rate != 16000:
        raise ValueError(f"{path}: {rate} Hz; expected 16000")
    return audio.mean(axis=1)


def read_split(split, root=EXPORT_ROOT):
    """The rows of one split, with each clip's absolute path; [] when the export has no such split."""
    folder = os.path.join(root, "clips", split)
    manifest = os.path.join(folder, "metadata.jsonl")
    if not os.path.exists(manifest):
        return []
    rows = []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                row["path"] = os.path.join(folder, row["file_name"])
                rows.append(row)
    return rows


class CtcDataset:
    """A split as (input_values, labels) pairs; input_values normalised per utterance like
    Wav2Vec2FeatureExtractor(do_normalize=True)."""

    def __init__(self, split, vocab=None, root=EXPORT_ROOT):
        self.vocab = vocab or read_vocab()
        self.rows = read_split(split, root)

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, i):
        row = self.rows[i]
        audio = load_audio(row["path"])
        audio = (audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)
        return {"input_values": audio, "labels": encode(row["transcription"], self.vocab)}


def collate(items):
    """A padded batch: input_values [B, T] (zeros after each clip), attention_mask, labels [B, L]
    with -100 after each transcript (ignored by the CTC loss)."""
    import torch

    length = max(len(x["input_values"]) for x in items)
    label_length = max(len(x["labels"]) for x in items)
    values = torch.zeros(len(items), length)
    mask = torch.zeros(len(items), length, dtype=torch.long)
    labels = torch.full((len(items), label_length), -100, dtype=torch.long)
    for k, x in enumerate(items):
        n = len(x["input_values"])
        values[k, :n] = torch.from_numpy(x["input_values"])
        mask[k, :n] = 1
        labels[k, : len(x["labels"])] = torch.tensor(x["labels"], dtype=torch.long)
    return {"input_values": values, "attention_mask": mask, "labels": labels}
`

export const checkDataPy = String.raw`"""Checks that every split of this export loads as train_ctc.py will load it: run it before
launching on a cluster. Prints one JSON line: per split, clips, seconds, tokens and [UNK]s."""
import json
import sys

from sauti_data import UNK, CtcDataset, collate, read_vocab

vocab = read_vocab()
report = {"vocabulary": len(vocab), "splits": {}}
for split in ["train", "dev", "test"]:
    data = CtcDataset(split, vocab)
    if len(data) == 0:
        continue
    items = [data[i] for i in range(len(data))]
    batch = collate(items[:8])
    report["splits"][split] = {
        "clips": len(items),
        "seconds": round(sum(len(x["input_values"]) for x in items) / 16000, 2),
        "tokens": sum(len(x["labels"]) for x in items),
        "unknown": sum(x["labels"].count(vocab[UNK]) for x in items),
        "batch": {k: list(v.shape) for k, v in batch.items()},
    }
print(json.dumps(report))
sys.exit(0 if report["splits"].get("train") else 1)
`

export const trainCtcPy = String.raw`"""Fine-tunes a wav2vec2 / XLS-R / HuBERT / MMS CTC model on this Sauti export with the
Hugging Face Trainer. Launch with torchrun (one process per GPU; see README.md):

  torchrun --nproc_per_node=4 train_ctc.py --model facebook/wav2vec2-xls-r-300m --output out
  torchrun --nproc_per_node=4 train_ctc.py --model facebook/mms-1b-all --target-lang swh --adapter-only --output out
"""
import argparse
import json
import os

import numpy as np
import torch
from transformers import (
    Trainer,
    TrainingArguments,
    Wav2Vec2CTCTokenizer,
    Wav2Vec2FeatureExtractor,
    Wav2Vec2ForCTC,
    Wav2Vec2Processor,
)

from sauti_data import DELIMITER, PAD, UNK, CtcDataset, collate, read_vocab


def word_error_rate(references, hypotheses):
    errors = words = 0
    for ref, hyp in zip(references, hypotheses):
        r, h = ref.split(), hyp.split()
        row = list(range(len(h) + 1))
        for i in range(1, len(r) + 1):
            previous, row[0] = row[0], i
            for j in range(1, len(h) + 1):
                previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r[i - 1] != h[j - 1]))
        errors += row[len(h)]
        words += len(r)
    return errors / max(1, words)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, help="a Wav2Vec2ForCTC-compatible checkpoint (hub id or folder)")
    parser.add_argument("--output", default="out")
    parser.add_argument("--target-lang", help="MMS: the adapter's language code (ISO 639-3)")
    parser.add_argument("--adapter-only", action="store_true", help="MMS: train only the language adapter and head")
    parser.add_argument("--epochs", type=float, default=30)
    parser.add_argument("--batch-size", type=int, default=8, help="per device")
    parser.add_argument("--learning-rate", type=float, default=None, help="default 1e-3 for adapters, 1e-4 otherwise")
    args = parser.parse_args()

    vocab = read_vocab()
    vocab_file = os.path.join(args.output, "vocab.json")
    os.makedirs(args.output, exist_ok=True)
    with open(vocab_file, "w", encoding="utf-8") as f:
        json.dump({args.target_lang: vocab} if args.target_lang else vocab, f, ensure_ascii=False)
    tokenizer = Wav2Vec2CTCTokenizer(vocab_file, unk_token=UNK, pad_token=PAD, word_delimiter_token=DELIMITER, target_lang=args.target_lang)
    extractor = Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=True, return_attention_mask=True)
    processor = Wav2Vec2Processor(feature_extractor=extractor, tokenizer=tokenizer)

    model = Wav2Vec2ForCTC.from_pretrained(
        args.model,
        vocab_size=len(vocab),
        pad_token_id=vocab[PAD],
        ctc_loss_reduction="mean",
        ignore_mismatched_sizes=True,
        **({"target_lang": args.target_lang} if args.target_lang and not args.adapter_only else {}),
    )
    if args.adapter_only:
        # MMS: fresh adapter layers for the language, everything else frozen except the head.
        model.init_adapter_layers()
        model.freeze_base_model()
        for parameter in model._get_adapters().values():
            parameter.requires_grad = True
    else:
        model.freeze_feature_encoder()

    train, dev = CtcDataset("train", vocab), CtcDataset("dev", vocab)
    inverse = {i: t for t, i in vocab.items()}

    def metrics(prediction):
        ids = np.argmax(prediction.predictions, axis=-1)
        labels = np.where(prediction.label_ids == -100, vocab[PAD], prediction.label_ids)
        hyps = processor.batch_decode(ids)
        refs = ["".join(inverse[i] for i in row if i != vocab[PAD]).replace(DELIMITER, " ").strip() for row in labels]
        return {"wer": word_error_rate(refs, hyps)}

    training = TrainingArguments(
        output_dir=args.output,
        per_device_train_batch_size=args.batch_size,
        per_device_eval_batch_size=args.batch_size,
        num_train_epochs=args.epochs,
        learning_rate=args.learning_rate or (1e-3 if args.adapter_only else 1e-4),
        warmup_ratio=0.1,
        eval_strategy="epoch" if len(dev) else "no",
        save_strategy="epoch",
        save_total_limit=2,
        fp16=torch.cuda.is_available(),
        gradient_checkpointing=not args.adapter_only,
        group_by_length=False,
        remove_unused_columns=False,
        ddp_find_unused_parameters=args.adapter_only,
        report_to=[],
    )
    trainer = Trainer(
        model=model,
        args=training,
        data_collator=collate,
        train_dataset=train,
        eval_dataset=dev if len(dev) else None,
        compute_metrics=metrics,
    )
    trainer.train()
    final = os.path.join(args.output, "final")
    trainer.save_model(final)
    processor.save_pretrained(final)
    if trainer.is_world_process_zero():
        print(f"saved {final}; export it for Sauti with: optimum-cli export onnx --model {final} --task automatic-speech-recognition {final}-onnx")


if __name__ == "__main__":
    main()
`
