import FFT from 'fft.js'
import { z } from 'zod'

/**
 * The log-mel front end of models whose input is features rather than samples (NeMo's
 * conformer and citrinet CTC exports leave their AudioToMelSpectrogramPreprocessor out of the
 * ONNX graph). Computed as NeMo's FilterbankFeatures does at inference: pre-emphasis, a centred
 * STFT with zero padding and a symmetric Hann window, power spectrum, Slaney mel filters,
 * log(x + guard), per-mel normalisation over the utterance, padding to a multiple of `padTo`.
 */
export const logMelSchema = z
  .object({
    type: z.literal('log-mel'),
    melBins: z.number().int().min(8).max(256).default(80),
    nFft: z
      .number()
      .int()
      .refine((n) => n >= 64 && n <= 4096 && (n & (n - 1)) === 0, 'a power of two, 64…4096')
      .default(512),
    windowLength: z.number().int().min(16).max(4096).default(400),
    hopLength: z.number().int().min(1).max(4096).default(160),
    window: z.enum(['hann', 'hamming']).default('hann'),
    preemphasis: z.number().min(0).max(1).nullable().default(0.97),
    logGuard: z
      .number()
      .positive()
      .default(2 ** -24),
    normalize: z.enum(['per_feature', 'none']).default('per_feature'),
    padTo: z.number().int().min(1).max(256).default(16),
    /** [batch, mels, frames] (NeMo) or [batch, frames, mels]. */
    layout: z.enum(['channels-first', 'channels-last']).default('channels-first'),
    /** The int64 [batch] input that carries each utterance's valid frames, if the graph has one. */
    lengthInput: z.string().min(1).max(200).nullable().default('length'),
  })
  .strict()

export type LogMelSpec = z.infer<typeof logMelSchema>

/** One utterance's features, [mels × frames] row-major, and how many frames are real. */
export interface LogMel {
  mels: number
  frames: number
  validFrames: number
  data: Float32Array
}

const filterbanks = new Map<string, Float32Array>()

export function logMel(signal: Float32Array, spec: LogMelSpec, sampleRate = 16000): LogMel {
  const { nFft, hopLength, melBins } = spec
  const x = new Float64Array(signal.length)
  const a = spec.preemphasis ?? 0
  for (let i = 0; i < signal.length; i++)
    x[i] = i === 0 || a === 0 ? signal[i]! : signal[i]! - a * signal[i - 1]!
  const validFrames = Math.floor(signal.length / hopLength) + 1
  const frames = Math.ceil(validFrames / spec.padTo) * spec.padTo
  const window = analysisWindow(spec)
  const bank = melFilterbank(spec, sampleRate)
  const bins = nFft / 2 + 1
  const fft = new FFT(nFft)
  const frame = new Float64Array(nFft)
  const spectrum = new Float64Array(nFft * 2)
  const power = new Float64Array(bins)
  const data = new Float32Array(melBins * frames)
  const half = nFft / 2
  for (let t = 0; t < validFrames; t++) {
    const start = t * hopLength - half
    for (let n = 0; n < nFft; n++) {
      const at = start + n
      frame[n] = at >= 0 && at < x.length ? x[at]! * window[n]! : 0
    }
    fft.realTransform(spectrum, frame)
    for (let k = 0; k < bins; k++) power[k] = spectrum[2 * k]! ** 2 + spectrum[2 * k + 1]! ** 2
    for (let m = 0; m < melBins; m++) {
      let sum = 0
      for (let k = 0; k < bins; k++) sum += bank[m * bins + k]! * power[k]!
      data[m * frames + t] = Math.log(sum + spec.logGuard)
    }
  }
  if (spec.normalize === 'per_feature')
    for (let m = 0; m < melBins; m++) {
      const row = data.subarray(m * frames, m * frames + validFrames)
      let mean = 0
      for (const v of row) mean += v
      mean /= validFrames
      let ss = 0
      for (const v of row) ss += (v - mean) ** 2
      const std = Math.sqrt(ss / Math.max(1, validFrames - 1)) + 1e-5
      for (let t = 0; t < validFrames; t++) row[t] = (row[t]! - mean) / std
    }
  return { mels: melBins, frames, validFrames, data }
}

/** The window of `windowLength` samples, symmetric, centred in nFft zeros (as torch.stft pads it). */
function analysisWindow(spec: LogMelSpec): Float64Array {
  const { nFft, windowLength: w } = spec
  const window = new Float64Array(nFft)
  const offset = Math.floor((nFft - w) / 2)
  const [a0, a1] = spec.window === 'hann' ? [0.5, 0.5] : [0.54, 0.46]
  for (let n = 0; n < w; n++) window[offset + n] = a0 - a1 * Math.cos((2 * Math.PI * n) / (w - 1))
  return window
}

const hzToMel = (f: number): number =>
  f >= 1000 ? 15 + Math.log(f / 1000) / (Math.log(6.4) / 27) : f / (200 / 3)
const melToHz = (m: number): number =>
  m >= 15 ? 1000 * Math.exp((Math.log(6.4) / 27) * (m - 15)) : m * (200 / 3)

/** librosa.filters.mel with its defaults (Slaney scale, area normalised): NeMo's filters. */
function melFilterbank(spec: LogMelSpec, sampleRate: number): Float32Array {
  const key = `${spec.nFft}/${spec.melBins}/${sampleRate}`
  const cached = filterbanks.get(key)
  if (cached) return cached
  const bins = spec.nFft / 2 + 1
  const top = hzToMel(sampleRate / 2)
  const edges = Array.from({ length: spec.melBins + 2 }, (_, i) =>
    melToHz((top * i) / (spec.melBins + 1)),
  )
  const bank = new Float32Array(spec.melBins * bins)
  for (let m = 0; m < spec.melBins; m++) {
    const [lo, mid, hi] = [edges[m]!, edges[m + 1]!, edges[m + 2]!]
    const norm = 2 / (hi - lo)
    for (let k = 0; k < bins; k++) {
      const f = (k * sampleRate) / spec.nFft
      const w = Math.max(0, Math.min((f - lo) / (mid - lo), (hi - f) / (hi - mid)))
      bank[m * bins + k] = w * norm
    }
  }
  filterbanks.set(key, bank)
  return bank
}
