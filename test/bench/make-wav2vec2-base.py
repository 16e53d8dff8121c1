#!/usr/bin/python3
"""A wav2vec2-base-sized CTC model with random weights, for timing only (not committed), exported
twice: with a hidden_states output (Sauti's native layout) and logits only (optimum's).

Run with Debian's python3-torch: /usr/bin/python3 test/bench/make-wav2vec2-base.py OUTDIR
Same shapes as facebook/wav2vec2-base fine-tuned for CTC: a 7-layer convolutional feature
encoder (512 channels, strides 5,2,2,2,2,2,2: 20 ms frames), a 768-d projection, a
convolutional positional embedding, 12 transformer layers (12 heads, 3072 feed-forward) and a
32-token CTC head: about 95 M parameters. Writes a Hugging Face-style export folder.
"""
import json
import os
import sys

import torch
from torch import nn

VOCAB = ["<pad>", "<s>", "</s>", "<unk>", "|"] + list("etaoinshrdlucmfwgypbvk'xjqz")


class FeatureEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        specs = [(10, 5)] + [(3, 2)] * 4 + [(2, 2)] * 2
        layers, channels = [], 1
        for i, (kernel, stride) in enumerate(specs):
            layers.append(nn.Conv1d(channels, 512, kernel, stride, bias=False))
            layers.append(nn.GroupNorm(512, 512) if i == 0 else nn.Identity())
            layers.append(nn.GELU())
            channels = 512
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.unsqueeze(1)).transpose(1, 2)


class Wav2Vec2Ctc(nn.Module):
    def __init__(self, dim=768, layers=12, heads=12, ffn=3072, vocab=len(VOCAB)):
        super().__init__()
        self.features = FeatureEncoder()
        self.norm = nn.LayerNorm(512)
        self.projection = nn.Linear(512, dim)
        self.position = nn.Conv1d(dim, dim, 128, padding=64, groups=16)
        layer = nn.TransformerEncoderLayer(dim, heads, ffn, dropout=0.0, activation="gelu", batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.head = nn.Linear(dim, vocab)

    def forward(self, input_values):
        x = self.projection(self.norm(self.features(input_values)))
        position = self.position(x.transpose(1, 2))[:, :, :-1].transpose(1, 2)
        hidden = self.encoder(x + nn.functional.gelu(position))
        return self.head(hidden), hidden


class LogitsOnly(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_values):
        return self.model(input_values)[0]


def main(out: str) -> None:
    torch.manual_seed(0)
    # Train mode with dropout 0 computes the same function as eval mode, but keeps PyTorch 1.13
    # off its fused transformer fast path, which has no ONNX export.
    model = Wav2Vec2Ctc().train()
    # nn.TransformerEncoder copies one layer twelve times, so they start identical and the ONNX
    # exporter would store one shared set of weights: give every parameter its own values.
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.02)
    params = sum(p.numel() for p in model.parameters())
    os.makedirs(out, exist_ok=True)
    if True:  # no torch.no_grad(): with gradients off, PyTorch 1.13 takes the fast path anyway
        torch.onnx.export(
            model,
            torch.randn(1, 16000),
            os.path.join(out, "model.onnx"),
            input_names=["input_values"],
            output_names=["logits", "hidden_states"],
            dynamic_axes={"input_values": {0: "batch", 1: "samples"}, "logits": {0: "batch", 1: "frames"}, "hidden_states": {0: "batch", 1: "frames"}},
            opset_version=14,
        )
        # The same weights as optimum-cli exports a CTC model: logits only. Sauti exposes the
        # hidden states at import; the benchmark runs both side by side.
        logits_only = out + "-logits"
        os.makedirs(logits_only, exist_ok=True)
        torch.onnx.export(
            LogitsOnly(model),
            torch.randn(1, 16000),
            os.path.join(logits_only, "model.onnx"),
            input_names=["input_values"],
            output_names=["logits"],
            dynamic_axes={"input_values": {0: "batch_size", 1: "sequence_length"}, "logits": {0: "batch_size", 1: "sequence_length"}},
            opset_version=14,
        )
    for folder, name in [(out, "wav2vec2-base-sized-random"), (out + "-logits", "wav2vec2-base-sized-random-logits-only")]:
        with open(os.path.join(folder, "vocab.json"), "w") as f:
            json.dump({t: i for i, t in enumerate(VOCAB)}, f)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump({"model_type": "wav2vec2", "pad_token_id": 0, "vocab_size": len(VOCAB), "conv_stride": [5, 2, 2, 2, 2, 2, 2], "_name_or_path": name}, f)
        with open(os.path.join(folder, "preprocessor_config.json"), "w") as f:
            json.dump({"sampling_rate": 16000, "do_normalize": True}, f)
    print(f"{params / 1e6:.1f} M parameters -> {out} (logits and hidden_states) and {out}-logits (logits only)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../.bench-data/wav2vec2-base-random"))
