import * as ort from 'onnxruntime-node'
import { normalizeWaveform } from './features'
import { logMel } from './log-mel'
import type { ModelManifest } from './model-package'

/** A batch's inputs, and the share of the batch's time axis that is each utterance's own. */
export interface ModelInput {
  feeds: Record<string, ort.Tensor>
  shares: number[]
}

/**
 * The graph's inputs for a batch of utterances, as the manifest describes the model: 16 kHz
 * samples (normalised if it says so), padded with silence to the longest; or, for a model whose
 * input is features, each utterance's log-mel features padded to the longest, with their valid
 * lengths when the graph takes them.
 */
export function modelInput(manifest: ModelManifest, signals: Float32Array[]): ModelInput {
  const spec = manifest.features
  if (!spec) {
    const length = Math.max(...signals.map((s) => s.length), 400)
    const [only] = signals
    // One utterance that needs neither padding nor normalising is fed as it is, not copied.
    const input =
      signals.length === 1 && only!.length === length && !manifest.normalize
        ? only!
        : new Float32Array(signals.length * length)
    if (input !== only)
      signals.forEach((s, k) =>
        input.set(manifest.normalize ? normalizeWaveform(s) : s, k * length),
      )
    return {
      feeds: { [manifest.input]: new ort.Tensor('float32', input, [signals.length, length]) },
      shares: signals.map((s) => s.length / length),
    }
  }
  const features = signals.map((s) => logMel(s, spec))
  const frames = Math.max(...features.map((f) => f.frames))
  const mels = spec.melBins
  const input = new Float32Array(signals.length * mels * frames)
  features.forEach((f, k) => {
    for (let m = 0; m < mels; m++)
      for (let t = 0; t < f.frames; t++) {
        const at =
          spec.layout === 'channels-first'
            ? k * mels * frames + m * frames + t
            : k * mels * frames + t * mels + m
        input[at] = f.data[m * f.frames + t]!
      }
  })
  const shape =
    spec.layout === 'channels-first'
      ? [signals.length, mels, frames]
      : [signals.length, frames, mels]
  const feeds: Record<string, ort.Tensor> = {
    [manifest.input]: new ort.Tensor('float32', input, shape),
  }
  if (spec.lengthInput)
    feeds[spec.lengthInput] = new ort.Tensor(
      'int64',
      BigInt64Array.from(features.map((f) => BigInt(f.validFrames))),
      [signals.length],
    )
  return { feeds, shares: features.map((f) => f.validFrames / frames) }
}
