"""Online waveform augmentation (numpy, float32, 16 kHz).

espeak-ng is one formant synthesiser; without channel/speaker perturbation the encoder
would latch onto its exact spectral signature. Each transform except `speed` keeps the
length and sample rate unchanged so CTC targets stay valid trivially (speed changes
length, which CTC handles because targets are unaligned).
"""
import numpy as np

SR = 16000


def speed(x, rng, lo=0.85, hi=1.15):
    """Tempo+pitch change by resampling (linear interpolation is plenty at these ratios)."""
    f = rng.uniform(lo, hi)
    n = max(1, int(round(len(x) / f)))
    return np.interp(np.linspace(0, len(x) - 1, n), np.arange(len(x)), x).astype(np.float32)


def gain(x, rng, lo_db=-20.0, hi_db=6.0):
    return (x * 10 ** (rng.uniform(lo_db, hi_db) / 20)).astype(np.float32)


def coloured_noise(n, rng, exponent):
    """1/f^exponent noise: 0 white, 1 pink, 2 brown."""
    spec = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    f = np.arange(n // 2 + 1, dtype=np.float64)
    f[0] = 1.0
    y = np.fft.irfft(spec / f ** (exponent / 2), n=n)
    return (y / (np.std(y) + 1e-9)).astype(np.float32)


def add_noise(x, rng, snr_lo=5.0, snr_hi=35.0):
    p = float(np.mean(x ** 2)) + 1e-9
    snr = rng.uniform(snr_lo, snr_hi)
    noise = coloured_noise(len(x), rng, rng.choice([0.0, 1.0, 2.0]))
    return (x + noise * np.sqrt(p / 10 ** (snr / 10))).astype(np.float32)


def reverb(x, rng, rt60_lo=0.1, rt60_hi=0.8):
    """Convolve with a synthetic room impulse response (exponentially decaying noise).
    Output is truncated to the input length so alignment of the start is preserved."""
    rt60 = rng.uniform(rt60_lo, rt60_hi)
    n = int(SR * rt60)
    t = np.arange(n) / SR
    rir = rng.standard_normal(n) * np.exp(-6.9 * t / rt60)   # -60 dB at rt60
    rir[0] = 1.0                                               # direct path
    rir /= np.sqrt(np.sum(rir ** 2))
    m = len(x) + n - 1
    size = 1 << (m - 1).bit_length()
    y = np.fft.irfft(np.fft.rfft(x, size) * np.fft.rfft(rir, size), size)[: len(x)]
    return y.astype(np.float32)


def telephone(x, rng):
    """300-3400 Hz band (narrow-band telephone) plus 8-bit mu-law quantisation."""
    X = np.fft.rfft(x)
    f = np.fft.rfftfreq(len(x), 1 / SR)
    lo, hi = rng.uniform(200, 400), rng.uniform(3000, 3600)
    X[(f < lo) | (f > hi)] = 0
    y = np.fft.irfft(X, n=len(x))
    peak = np.max(np.abs(y)) + 1e-9
    y = y / peak
    mu = 255.0
    q = np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu)
    q = np.round(q * 127) / 127
    y = np.sign(q) * ((1 + mu) ** np.abs(q) - 1) / mu
    return (y * peak).astype(np.float32)


def augment(x, rng):
    """Random chain; probabilities chosen so ~15% of utterances stay clean."""
    x = x.astype(np.float32)
    if rng.random() < 0.6:
        x = speed(x, rng)
    if rng.random() < 0.35:
        x = reverb(x, rng)
    if rng.random() < 0.2:
        x = telephone(x, rng)
    if rng.random() < 0.5:
        x = add_noise(x, rng)
    if rng.random() < 0.5:
        x = gain(x, rng)
    return x
