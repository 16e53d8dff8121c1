import { mkdir, open, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import * as ort from 'onnxruntime-node'
import type { ExecutionProviderName, ProviderAttempt } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { forcedAlign, wordTimings } from './align'
import { frameConfidences, utteranceConfidence, wordConfidences } from './confidence'
import { logSoftmax, prefixBeamSearch, type Posteriors } from './ctc'
import { normalizeWaveform, probeAudio } from './features'
import { readModelPackage, type ModelPackage } from './model-package'
import type {
  TranscribeBatchResult,
  TranscribeItem,
  TranscribeOptions,
  UtteranceResult,
} from './transcribe-options'
import { WordNgram } from './ngram'
import { chooseSession, createCpuSession, type SessionSettings } from './providers'
import { decodeTokens, encodeText } from './vocab'

const SAMPLE_RATE = 16000

/**
 * One model, loaded once in the inference worker: its package and the session on the provider
 * chosen (with CPU parity check) when it was opened.
 */
export class ModelRunner {
  private constructor(
    readonly pkg: ModelPackage,
    private readonly session: ort.InferenceSession,
    readonly provider: ExecutionProviderName,
    readonly providerAttempts: ProviderAttempt[],
    readonly modelKey: string,
  ) {}

  static async open(
    dir: string,
    settings: SessionSettings,
    modelKey: string,
  ): Promise<ModelRunner> {
    const pkg = await readModelPackage(dir)
    const modelPath = join(dir, 'model.onnx')
    const cpu = await createCpuSession(modelPath, settings)
    const audio = probeAudio()
    const feeds = {
      [pkg.manifest.input]: new ort.Tensor('float32', normalizeWaveform(audio), [1, audio.length]),
    }
    const chosen = await chooseSession(
      modelPath,
      cpu,
      async (s) => (await s.run(feeds))[pkg.manifest.outputs.logits]!.data as Float32Array,
      settings,
    )
    if (chosen.session !== cpu) await cpu.release()
    return new ModelRunner(pkg, chosen.session, chosen.provider, chosen.attempts, modelKey)
  }

  async release(): Promise<void> {
    await this.session.release()
  }

  async transcribe(
    items: TranscribeItem[],
    options: TranscribeOptions,
  ): Promise<TranscribeBatchResult> {
    const started = performance.now()
    let inferenceMs = 0
    const audio = await Promise.all(items.map((item) => readSpan(item)))
    const results: UtteranceResult[] = []
    // Similar lengths together, so little of each run is padding.
    const order = items.map((_, i) => i).sort((a, b) => audio[a]!.length - audio[b]!.length)
    const chunkSamples = Math.round(options.chunkSec * SAMPLE_RATE)
    let i = 0
    while (i < order.length) {
      const first = audio[order[i]!]!
      if (first.length > chunkSamples) {
        const t = performance.now()
        const out = await this.runChunked(first, options)
        inferenceMs += performance.now() - t
        results.push(await this.finish(items[order[i]!]!, out.logits, out.hidden, options))
        i++
        continue
      }
      const batch = [order[i]!]
      const maxBatch = this.pkg.manifest.batchable ? options.maxBatch : 1
      while (i + batch.length < order.length && batch.length < maxBatch) {
        const next = audio[order[i + batch.length]!]!
        if (next.length > chunkSamples || next.length > first.length * 1.1) break
        batch.push(order[i + batch.length]!)
      }
      const t = performance.now()
      const outputs = await this.run(batch.map((b) => audio[b]!))
      inferenceMs += performance.now() - t
      for (const [k, b] of batch.entries())
        results.push(await this.finish(items[b]!, outputs[k]!.logits, outputs[k]!.hidden, options))
      i += batch.length
    }
    // Back to the caller's order (batching sorted them by length).
    const position = new Map(items.map((item, i) => [item.utteranceId, i]))
    results.sort((a, b) => position.get(a.utteranceId)! - position.get(b.utteranceId)!)
    return {
      results,
      provider: this.provider,
      providerAttempts: this.providerAttempts,
      inferenceMs,
      totalMs: performance.now() - started,
    }
  }

  /** One session.run over utterances of similar length, padded with silence to the longest. */
  private async run(
    signals: Float32Array[],
  ): Promise<{ logits: Posteriors; hidden: Frames | null }[]> {
    const { manifest } = this.pkg
    const length = Math.max(...signals.map((s) => s.length), 400)
    const input = new Float32Array(signals.length * length)
    signals.forEach((s, k) => input.set(manifest.normalize ? normalizeWaveform(s) : s, k * length))
    const out = await this.session.run({
      [manifest.input]: new ort.Tensor('float32', input, [signals.length, length]),
    })
    const logits = out[manifest.outputs.logits]!
    const [, frames, vocab] = logits.dims as [number, number, number]
    const hiddenTensor = manifest.outputs.hiddenStates
      ? out[manifest.outputs.hiddenStates]
      : undefined
    const hiddenDim = hiddenTensor ? (hiddenTensor.dims as number[])[2]! : 0
    return signals.map((s, k) => {
      // Frames that belong to this utterance, not to the padding after it.
      const own = Math.max(1, Math.min(frames, Math.round((s.length / length) * frames)))
      const raw = (logits.data as Float32Array).subarray(
        k * frames * vocab,
        k * frames * vocab + own * vocab,
      )
      const hidden = hiddenTensor
        ? {
            frames: own,
            dim: hiddenDim,
            data: (hiddenTensor.data as Float32Array).slice(
              k * frames * hiddenDim,
              (k * frames + own) * hiddenDim,
            ),
          }
        : null
      return { logits: logSoftmax(raw, own, vocab), hidden }
    })
  }

  /**
   * A long utterance in chunks of `chunkSec` overlapping by `overlapSec`; each chunk keeps the
   * frames of its middle, so every frame comes from a chunk that saw context on both sides.
   */
  private async runChunked(
    signal: Float32Array,
    options: TranscribeOptions,
  ): Promise<{ logits: Posteriors; hidden: Frames | null }> {
    const chunk = Math.round(options.chunkSec * SAMPLE_RATE)
    const half = Math.round((options.overlapSec / 2) * SAMPLE_RATE)
    const step = chunk - 2 * half
    const pieces: {
      logits: Posteriors
      hidden: Frames | null
      keepFrom: number
      keepTo: number
    }[] = []
    for (let start = 0; start < signal.length; start += step) {
      const end = Math.min(signal.length, start + chunk)
      const [out] = await this.run([signal.subarray(start, end)])
      const perSample = out!.logits.frames / (end - start)
      const keepFrom = start === 0 ? 0 : Math.round(half * perSample)
      const keepTo =
        end === signal.length ? out!.logits.frames : Math.round((end - start - half) * perSample)
      pieces.push({ ...out!, keepFrom, keepTo })
      if (end === signal.length) break
    }
    const vocab = pieces[0]!.logits.vocab
    const frames = pieces.reduce((n, p) => n + p.keepTo - p.keepFrom, 0)
    const logProbs = new Float32Array(frames * vocab)
    const dim = pieces[0]!.hidden?.dim ?? 0
    const hidden = dim ? new Float32Array(frames * dim) : null
    let at = 0
    for (const p of pieces) {
      logProbs.set(p.logits.logProbs.subarray(p.keepFrom * vocab, p.keepTo * vocab), at * vocab)
      if (hidden && p.hidden)
        hidden.set(p.hidden.data.subarray(p.keepFrom * dim, p.keepTo * dim), at * dim)
      at += p.keepTo - p.keepFrom
    }
    return {
      logits: { frames, vocab, logProbs },
      hidden: hidden ? { frames, dim, data: hidden } : null,
    }
  }

  private async finish(
    item: TranscribeItem,
    p: Posteriors,
    hidden: Frames | null,
    options: TranscribeOptions,
  ): Promise<UtteranceResult> {
    const { vocabulary } = this.pkg
    const stride = (item.endSec - item.startSec) / Math.max(1, p.frames)
    const frameConfidence = frameConfidences(p, options.confidence)
    const beams = prefixBeamSearch(p, {
      ...(options.lm && vocabulary.wordDelimiter !== null
        ? {
            lm: {
              model: languageModel(options.lm),
              weight: options.lm.weight,
              wordBonus: options.lm.wordBonus,
              delimiter: vocabulary.wordDelimiter,
              text: (t: number) => vocabulary.tokens[t] ?? '',
            },
          }
        : {}),
      blank: vocabulary.blank,
      beamWidth: Math.max(options.beamWidth, options.nBest),
      nBest: options.nBest,
      tokenPruning: 10,
      maxTokensPerFrame: Math.max(options.beamWidth, options.nBest),
    })
    const hypotheses = beams.map((beam, index) => {
      const text = decodeTokens(beam.tokens, vocabulary)
      const encoded = encodeText(text, vocabulary)
      const alignment = forcedAlign(p, encoded.ids, vocabulary.blank)
      const timings = wordTimings(alignment, encoded.words, encoded.wordOfToken, stride, p.frames)
      const confidences = wordConfidences(
        frameConfidence,
        alignment.tokens,
        encoded.wordOfToken,
        encoded.words.length,
      )
      return {
        rank: index + 1,
        text,
        logProb: beam.logProb,
        confidence: utteranceConfidence(confidences),
        words: timings.map((w, k) => ({
          word: w.word,
          startSec: item.startSec + w.startSec,
          endSec: item.startSec + w.endSec,
          confidence: confidences[k] ?? null,
          alignmentScore: w.score,
        })),
      }
    })
    let hiddenStatesFile: string | null = null
    if (options.hiddenDir && hidden) {
      hiddenStatesFile = join(options.hiddenDir, this.modelKey, `${item.utteranceId}.f16`)
      await writeHidden(hiddenStatesFile, hidden)
    }
    return { utteranceId: item.utteranceId, frames: p.frames, hypotheses, hiddenStatesFile }
  }
}

/** The language model of the current labelling run, built once in the worker. */
let cachedLm: { key: string; model: WordNgram } | null = null

function languageModel(lm: NonNullable<TranscribeOptions['lm']>): WordNgram {
  if (cachedLm?.key !== lm.key) cachedLm = { key: lm.key, model: WordNgram.build(lm.sentences) }
  return cachedLm.model
}

interface Frames {
  frames: number
  dim: number
  data: Float32Array
}

async function readSpan(item: TranscribeItem): Promise<Float32Array> {
  const start = Math.max(0, Math.floor(item.startSec * SAMPLE_RATE))
  const count = Math.max(0, Math.round(item.endSec * SAMPLE_RATE) - start)
  const handle = await open(item.pcmPath, 'r').catch((error: Error) => {
    throw new SautiError(
      'not_found',
      `${item.pcmPath}: the 16 kHz copy of utterance ${item.utteranceId}'s recording is missing (${error.message}); re-import the recording.`,
    )
  })
  try {
    const buffer = new Uint8Array(count * 4)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start * 4)
    return new Float32Array(buffer.buffer, 0, Math.floor(bytesRead / 4))
  } finally {
    await handle.close()
  }
}

/** Layout: u32 frames, u32 dim, then frames × dim IEEE half floats, little-endian. */
async function writeHidden(file: string, hidden: Frames): Promise<void> {
  const bytes = new Uint8Array(8 + hidden.data.length * 2)
  const view = new DataView(bytes.buffer)
  view.setUint32(0, hidden.frames, true)
  view.setUint32(4, hidden.dim, true)
  for (let i = 0; i < hidden.data.length; i++)
    view.setUint16(8 + i * 2, toHalf(hidden.data[i]!), true)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, bytes)
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

/** float32 → IEEE 754 half (round to nearest; overflow to infinity). */
export function toHalf(value: number): number {
  f32[0] = value
  const x = u32[0]!
  const sign = (x >>> 16) & 0x8000
  const exponent = ((x >>> 23) & 0xff) - 127 + 15
  const mantissa = x & 0x7fffff
  if (exponent >= 31) return sign | 0x7c00 | ((x & 0x7fffffff) > 0x7f800000 ? 0x200 : 0)
  if (exponent <= 0) {
    if (exponent < -10) return sign
    const m = (mantissa | 0x800000) >> (1 - exponent)
    return sign | ((m + 0x1000) >> 13)
  }
  // + not |: a mantissa that rounds up carries into the exponent.
  return sign | ((exponent << 10) + ((mantissa + 0x1000) >> 13))
}
