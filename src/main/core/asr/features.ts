/** Zero mean, unit variance over the utterance, as wav2vec2's feature extractor does (do_normalize). */
export function normalizeWaveform(samples: Float32Array): Float32Array {
  let mean = 0
  for (let i = 0; i < samples.length; i++) mean += samples[i]!
  mean /= Math.max(1, samples.length)
  let variance = 0
  for (let i = 0; i < samples.length; i++) variance += (samples[i]! - mean) ** 2
  variance /= Math.max(1, samples.length)
  const scale = 1 / Math.sqrt(variance + 1e-7)
  const out = new Float32Array(samples.length)
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i]! - mean) * scale
  return out
}

/** Quiet, deterministic noise: the probe input that checks a model runs and what it outputs. */
export function probeAudio(seconds = 1, sampleRate = 16000): Float32Array {
  let state = 12345
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return (state / 2 ** 32 - 0.5) * 0.02
  })
}
