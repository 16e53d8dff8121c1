"""The starter encoder: raw 16 kHz waveform -> log-mel (inside the graph) -> conformer-style
transformer (most blocks at 40 ms) -> character CTC head (main) + phone CTC head.

Everything in forward() uses ops that export to ONNX opset 17 (Conv1d, MatMul,
Softmax, LayerNorm, Log...). The STFT is a fixed Conv1d whose kernels are Hann-windowed
cosines/sines, so no torch.stft/complex tensors are needed in the exported graph.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SR = 16000
N_FFT = 400      # 25 ms window
HOP = 160        # 10 ms hop; the encoder subsamples x2 -> 20 ms output frames
N_MELS = 80
FRAME_STRIDE_S = 2 * HOP / SR


def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + np.asarray(f, dtype=np.float64) / 700.0)


def mel_to_hz(m):
    return 700.0 * (10.0 ** (np.asarray(m, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(n_fft=N_FFT, n_mels=N_MELS, sr=SR, fmin=20.0, fmax=None):
    """HTK-style triangular filters, [n_fft//2+1, n_mels]."""
    fmax = fmax or sr / 2
    bins = np.linspace(0, sr / 2, n_fft // 2 + 1)
    pts = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fb = np.zeros((len(bins), n_mels))
    for m in range(n_mels):
        lo, c, hi = pts[m], pts[m + 1], pts[m + 2]
        up = (bins - lo) / (c - lo)
        down = (hi - bins) / (hi - c)
        fb[:, m] = np.maximum(0.0, np.minimum(up, down))
    return fb.astype(np.float32)


def dft_kernels(n_fft=N_FFT):
    """Conv1d weights [2*(n_fft//2+1), 1, n_fft]: Hann * cos rows, then Hann * -sin rows.
    Periodic Hann to match torch.stft(window=torch.hann_window(n_fft))."""
    n = np.arange(n_fft)
    k = np.arange(n_fft // 2 + 1)[:, None]
    win = 0.5 - 0.5 * np.cos(2 * np.pi * n / n_fft)
    ang = 2 * np.pi * k * n / n_fft
    w = np.concatenate([win * np.cos(ang), -win * np.sin(ang)], 0)
    return torch.tensor(w[:, None, :], dtype=torch.float32)


def num_frames(n_samples):
    """Output frames for a waveform of n_samples (matches the graph exactly)."""
    t = n_samples // HOP + 1          # centred STFT
    return (t - 1) // 2 + 1           # stride-2 conv, kernel 3, padding 1


class LogMel(nn.Module):
    """Per-utterance waveform normalisation + log-mel spectrogram, all fixed buffers."""

    def __init__(self):
        super().__init__()
        self.register_buffer("dft", dft_kernels(), persistent=True)
        self.register_buffer("fb", torch.from_numpy(mel_filterbank()), persistent=True)

    @staticmethod
    def normalise(x, lengths=None):
        # Zero mean / unit variance per utterance, ignoring padding when lengths given.
        # Makes the model indifferent to recording gain (the fixtures vary by 20 dB).
        if lengths is None:
            mean = x.mean(dim=1, keepdim=True)
            var = ((x - mean) ** 2).mean(dim=1, keepdim=True)
            return (x - mean) / torch.sqrt(var + 1e-7)
        mask = (torch.arange(x.shape[1])[None, :] < lengths[:, None]).to(x.dtype)
        n = lengths.to(x.dtype)[:, None]
        mean = (x * mask).sum(1, keepdim=True) / n
        var = (((x - mean) * mask) ** 2).sum(1, keepdim=True) / n
        return (x - mean) / torch.sqrt(var + 1e-7) * mask

    def forward(self, x, lengths=None):
        x = self.normalise(x, lengths)
        # centred frames like torch.stft(center=True) but with zero padding, which
        # exports to a plain Pad (reflect padding needs extra care in ONNX).
        spec = F.conv1d(x.unsqueeze(1), self.dft, stride=HOP, padding=N_FFT // 2)
        half = spec.shape[1] // 2
        power = spec[:, :half] ** 2 + spec[:, half:] ** 2         # [B, 201, T]
        mel = torch.matmul(power.transpose(1, 2), self.fb)         # [B, T, 80]
        return torch.log(mel + 1e-6)


class Block(nn.Module):
    """Pre-LN transformer block with hand-written attention (predictable ONNX graph),
    preceded by a conformer-style depthwise-conv module. The local conv context lets CTC
    leave its all-blank plateau much sooner than attention alone (which starts out as
    uniform averaging over the utterance) - it matters when training on 2 CPU cores."""

    def __init__(self, d, heads, ff, drop, conv_kernel=15):  # noqa: D107
        super().__init__()
        self.h = heads
        self.ln0 = nn.LayerNorm(d)
        self.pw1 = nn.Linear(d, 2 * d)
        self.dw = nn.Conv1d(d, d, conv_kernel, padding=conv_kernel // 2, groups=d)
        self.pw2 = nn.Linear(d, d)
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, ff), nn.GELU(), nn.Dropout(drop), nn.Linear(ff, d))
        self.drop = nn.Dropout(drop)

    def forward(self, x, mask_bias=None, mask=None):
        c = F.glu(self.pw1(self.ln0(x)), dim=-1)
        if mask is not None:
            c = c * mask  # padding must not leak into valid frames through the conv
        c = c.transpose(1, 2).contiguous()
        # .contiguous(): Debian's torch 1.13 computes wrong input gradients for Linear on
        # a transposed (non-contiguous) 3-D tensor; see tests/test_recipe.py.
        x = x + self.pw2(F.gelu(self.dw(c)).transpose(1, 2).contiguous())
        b, t, d = x.shape
        qkv = self.qkv(self.ln1(x)).reshape(b, t, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0].contiguous(), qkv[1].contiguous(), qkv[2].contiguous()
        att = torch.matmul(q, k.transpose(-1, -2).contiguous()) * (1.0 / math.sqrt(d // self.h))
        if mask_bias is not None:
            att = att + mask_bias
        y = torch.matmul(att.softmax(-1), v).transpose(1, 2).contiguous().reshape(b, t, d)
        x = x + self.drop(self.out(y))
        return x + self.drop(self.ff(self.ln2(x)))


def frames_40ms(n20):
    """Frames after the stride-2 reduction in the middle of the encoder."""
    return (n20 - 1) // 2 + 1


def spec_augment(f, lengths, gen, n_freq=2, max_freq=15, n_time=4, max_time_frac=0.05):
    """SpecAugment (Park et al., 2019) on normalised log-mel [B, T, 80]: masked bands and
    spans are set to 0 (the mean after normalisation). Time masks scale with each
    utterance's length so short clips are not wiped out."""
    b, t, m = f.shape
    mask = torch.ones_like(f)
    for i in range(b):
        n = int(lengths[i]) // HOP + 1 if lengths is not None else t
        for _ in range(n_freq):
            w = int(torch.randint(0, max_freq + 1, (1,), generator=gen))
            f0 = int(torch.randint(0, max(1, m - w), (1,), generator=gen))
            mask[i, :, f0:f0 + w] = 0
        max_t = max(1, int(max_time_frac * n))
        for _ in range(n_time):
            w = int(torch.randint(0, max_t + 1, (1,), generator=gen))
            t0 = int(torch.randint(0, max(1, n - w), (1,), generator=gen))
            mask[i, t0:t0 + w, :] = 0
    return f * mask


class StarterEncoder(nn.Module):
    """v2: log-mel -> conv subsampling to 20 ms -> `fast` blocks at 20 ms -> stride-2
    reduction -> `slow` blocks at 40 ms -> upsampled back to 20 ms and added to the 20 ms
    stream -> `out` blocks at 20 ms -> LayerNorm = hidden_states -> character head (main)
    and phone head. Running most blocks at 40 ms (Squeezeformer's temporal U-Net) halves
    their cost; the output stays at 20 ms because characters come faster than 25 a second
    in fast speech (Dutch p99: 19/s, plus a blank between doubled letters)."""

    def __init__(self, n_chars, n_phones, d=256, heads=4, ff=1024, fast=1, slow=6, out=1,
                 drop=0.1, conv_kernel=15):
        super().__init__()
        self.cfg = dict(n_chars=n_chars, n_phones=n_phones, d=d, heads=heads, ff=ff, fast=fast,
                        slow=slow, out=out, drop=drop, conv_kernel=conv_kernel)
        self.feat = LogMel()
        # Global per-band log-mel mean/std, measured on training audio before training
        # (train.py) and frozen. Unlike a per-frame LayerNorm this keeps frame energy,
        # the main cue separating speech from silence, which CTC alignment relies on.
        self.register_buffer("feat_mean", torch.zeros(N_MELS))
        self.register_buffer("feat_std", torch.ones(N_MELS))
        self.sub = nn.Sequential(
            nn.Conv1d(N_MELS, d, 3, padding=1), nn.GELU(),
            nn.Conv1d(d, d, 3, stride=2, padding=1), nn.GELU())
        # Convolutional relative position (as in wav2vec2): no max length baked in.
        self.pos = nn.Conv1d(d, d, 31, padding=15, groups=d)
        mk = lambda: Block(d, heads, ff, drop, conv_kernel)  # noqa: E731
        self.fast = nn.ModuleList(mk() for _ in range(fast))
        self.down = nn.Conv1d(d, d, 3, stride=2, padding=1, groups=d)
        self.slow = nn.ModuleList(mk() for _ in range(slow))
        self.up = nn.Linear(d, d)
        self.out = nn.ModuleList(mk() for _ in range(out))
        self.ln = nn.LayerNorm(d)
        self.drop = nn.Dropout(drop)
        self.char_head = nn.Linear(d, n_chars)
        self.phone_head = nn.Linear(d, n_phones)
        self.spec_gen = None   # a torch.Generator turns SpecAugment on (training only)

    @staticmethod
    def _masks(t, n_valid, dtype):
        valid = torch.arange(t)[None, :] < n_valid[:, None]
        return (~valid).to(dtype)[:, None, None, :] * -1e4, valid.to(dtype)[:, :, None]

    def _run(self, blocks, h, masks):
        bias, mask = masks
        for blk in blocks:
            h = blk(h, bias, mask)
            if mask is not None:
                h = h * mask
        return h

    def encode(self, x, lengths=None):
        f = (self.feat(x, lengths) - self.feat_mean) / self.feat_std   # [B, T, 80]
        if self.training and self.spec_gen is not None:
            f = spec_augment(f, lengths, self.spec_gen)
        m20 = m40 = (None, None)
        if lengths is not None:
            # Every convolution must see zeros past the end of an utterance, as it does
            # when the utterance runs alone (the conv's own zero padding): so padded frames
            # are zeroed before each conv and after every block. Otherwise padding changes
            # the result, and gradients flow into padded frames whose near-constant vectors
            # go through LayerNorm (x 1/sqrt(eps) per layer: CTC never left the plateau).
            t_feat = torch.arange(f.shape[1])[None, :] < (lengths // HOP + 1)[:, None]
            f = f * t_feat[:, :, None].to(f.dtype)
        h = self.sub(f.transpose(1, 2))                           # [B, D, T20]
        b, d, t20 = h.shape
        if lengths is not None:
            n20 = num_frames(lengths)
            m20 = self._masks(t20, n20, h.dtype)
            h = h * m20[1].transpose(1, 2)
        h = (h + F.gelu(self.pos(h))).transpose(1, 2).contiguous()  # [B, T20, D]
        h = self.drop(h)
        if m20[1] is not None:
            h = h * m20[1]
        h = self._run(self.fast, h, m20)
        s = self.down(h.transpose(1, 2)).transpose(1, 2).contiguous()   # [B, T40, D]
        if lengths is not None:
            m40 = self._masks(s.shape[1], frames_40ms(n20), h.dtype)
            s = s * m40[1]
        s = self._run(self.slow, s, m40)
        # Back to 20 ms: each 40 ms frame serves the two 20 ms frames it came from.
        up = s.unsqueeze(2).expand(b, s.shape[1], 2, d).reshape(b, s.shape[1] * 2, d)[:, :t20]
        h = h + self.up(up)
        if m20[1] is not None:
            h = h * m20[1]
        h = self._run(self.out, h, m20)
        return self.ln(h)

    def forward(self, input_values, lengths=None):
        h = self.encode(input_values, lengths)
        return h, self.char_head(h), self.phone_head(h)


def count_params(m):
    return sum(p.numel() for p in m.parameters())
