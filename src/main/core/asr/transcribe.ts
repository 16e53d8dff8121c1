import { open } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type * as ort from 'onnxruntime-node'
import type { ExecutionProviderName, ProviderAttempt } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { AdaptedHead } from '../adapt/head-runtime'
import { hiddenCacheFile, writeHiddenStates } from '../adapt/hidden-cache'
import { LinearHeadFit, type LinearHead } from '../adapt/linear-head'
import type { WordTime } from '../../../shared/word-time'
import { alignText } from './align'
import type { ConfidenceMethod, FrameStatistics } from './confidence'
import type { Logits, Posteriors } from './ctc'
import { decodeUtterance, meanPool } from './decode-utterance'
import { MODEL_SAMPLE_RATE } from '../../../shared/domain/audio'
import { spanSamples } from './decoded-span'
import { keptTokens, normaliseLogits } from './normalise'
import { allowedTokens } from './script-mask'
import { probeAudio } from './features'
import { modelInput } from './model-input'
import { readModelPackage, type ModelPackage } from './model-package'
import type {
  TranscribeBatchResult,
  TranscribeItem,
  TranscribeOptions,
  UtteranceResult,
} from './transcribe-options'
import { chooseSession, createCpuSession, type SessionSettings } from './providers'
import { encodeText } from './vocab'

/**
 * One model, loaded once in the inference worker: its package and the session on the provider
 * chosen (with CPU parity check) when it was opened.
 */
export class ModelRunner {
  /** The adapted checkpoint in use, if any: its head replaces the model's own. */
  private head: AdaptedHead | null = null

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
    const { feeds } = modelInput(pkg.manifest, [probeAudio()])
    const chosen = await chooseSession(
      modelPath,
      cpu,
      async (s) => (await s.run(feeds))[pkg.manifest.outputs.logits]!.data as Float32Array,
      settings,
    )
    if (chosen.session !== cpu) await cpu.release()
    return new ModelRunner(pkg, chosen.session, chosen.provider, chosen.attempts, modelKey)
  }

  /** Loads (once) the checkpoint whose head decodes, or goes back to the model's own head. */
  async useCheckpoint(checkpoint: TranscribeOptions['checkpoint']): Promise<void> {
    if (!checkpoint) {
      this.head = null
      return
    }
    if (this.head?.file === checkpoint.path) return
    if (!this.pkg.manifest.outputs.hiddenStates)
      throw new SautiError(
        'bad_input',
        `${this.pkg.dir}: the model has no hidden_states output, so checkpoint ${checkpoint.id} cannot run on it.`,
      )
    this.head = await AdaptedHead.load(checkpoint.path, checkpoint.modelSha256)
  }

  /**
   * The model's own head, recovered from its outputs on a few utterances (adapt/linear-head.ts),
   * so an adapted head can start from it instead of from random weights.
   */
  async fitLinearHead(items: TranscribeItem[]): Promise<LinearHead | null> {
    const { manifest } = this.pkg
    if (!manifest.outputs.hiddenStates) return null
    let fit: LinearHeadFit | null = null
    for (const item of items) {
      const signal = await readSpan(item)
      if (signal.length < 1600) continue
      const out = await this.session.run(modelInput(manifest, [signal]).feeds)
      const logits = out[manifest.outputs.logits]!
      const hidden = out[manifest.outputs.hiddenStates]!
      const [, frames, vocab] = logits.dims as [number, number, number]
      const dim = (hidden.dims as number[])[2]!
      fit ??= new LinearHeadFit(dim, vocab)
      fit.add(hidden.data as Float32Array, logits.data as Float32Array, frames)
    }
    return fit?.solve() ?? null
  }

  async release(): Promise<void> {
    await this.session.release()
  }

  async transcribe(
    items: TranscribeItem[],
    options: TranscribeOptions,
  ): Promise<TranscribeBatchResult> {
    const started = performance.now()
    await this.useCheckpoint(options.checkpoint)
    let inferenceMs = 0
    const audio = await Promise.all(items.map((item) => readSpan(item)))
    const results: UtteranceResult[] = []
    // Similar lengths together, so little of each run is padding.
    const order = items.map((_, i) => i).sort((a, b) => audio[a]!.length - audio[b]!.length)
    const chunkSamples = Math.round(options.chunkSec * MODEL_SAMPLE_RATE)
    // Hidden-state cache files are written while the next utterances run and decode; awaiting
    // each write in turn left the worker idle on the file system for as long as it decoded.
    const writes: Promise<void>[] = []
    try {
      let i = 0
      while (i < order.length) {
        const first = audio[order[i]!]!
        if (first.length > chunkSamples) {
          const t = performance.now()
          const out = await this.runChunked(first, options)
          inferenceMs += performance.now() - t
          results.push(this.finish(items[order[i]!]!, out.logits, out.hidden, options, writes))
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
          results.push(
            this.finish(items[b]!, outputs[k]!.logits, outputs[k]!.hidden, options, writes),
          )
        i += batch.length
      }
    } finally {
      // Every write is on disk (or has failed) before the batch answers, whatever happened.
      await Promise.allSettled(writes)
    }
    // A failed write fails the batch, as it did when each was awaited.
    await Promise.all(writes)
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

  /**
   * Where the words of `text` lie in the utterance (docs/tiers.md): CTC forced alignment of the
   * text, spelled in the head's characters, on the posteriors of the head that labels (the
   * checkpoint's, else the model's own). A word it cannot spell gets the gap between its
   * neighbours (align.ts); a text it cannot spell at all gets no times.
   */
  async align(item: TranscribeItem, text: string, options: TranscribeOptions): Promise<WordTime[]> {
    await this.useCheckpoint(options.checkpoint)
    const signal = await readSpan(item)
    const out =
      signal.length > Math.round(options.chunkSec * MODEL_SAMPLE_RATE)
        ? await this.runChunked(signal, options)
        : (await this.run([signal]))[0]!
    const vocabulary = this.head?.vocabulary ?? this.pkg.vocabulary
    const p =
      this.head && out.hidden
        ? this.head.posteriors(out.hidden.data, out.hidden.frames)
        : this.posteriorsOf(out.logits, item.scripts, options.confidence).posteriors
    const encoded = encodeText(text, vocabulary)
    if (encoded.ids.length === 0) return []
    return alignText(p, encoded, vocabulary.blank, item).words.map((w): WordTime => ({
      word: w.word,
      start: w.start,
      end: w.end,
      score: w.score,
    }))
  }

  /** One session.run over utterances of similar length, padded with silence to the longest. */
  private async run(signals: Float32Array[]): Promise<{ logits: Logits; hidden: Frames | null }[]> {
    const { manifest } = this.pkg
    const { feeds, shares } = modelInput(manifest, signals)
    // Only what decoding reads: a model's other outputs (the starter's phone head) would be
    // copied out for nothing.
    const { logits: logitsName, hiddenStates } = manifest.outputs
    const out = await this.session.run(
      feeds,
      hiddenStates ? [logitsName, hiddenStates] : [logitsName],
    )
    const logits = out[logitsName]!
    const [, frames, vocab] = logits.dims as [number, number, number]
    const hiddenTensor = hiddenStates ? out[hiddenStates] : undefined
    const hiddenDim = hiddenTensor ? (hiddenTensor.dims as number[])[2]! : 0
    return signals.map((_, k) => {
      // Frames that belong to this utterance, not to the padding after it.
      const own = Math.max(1, Math.min(frames, Math.round(shares[k]! * frames)))
      const raw = (logits.data as Float32Array).subarray(
        k * frames * vocab,
        k * frames * vocab + own * vocab,
      )
      const hidden = hiddenTensor
        ? {
            frames: own,
            dim: hiddenDim,
            data: (hiddenTensor.data as Float32Array).subarray(
              k * frames * hiddenDim,
              (k * frames + own) * hiddenDim,
            ),
          }
        : null
      // Normalised later, once, for the head and scripts that decode (`posteriorsOf`).
      return { logits: { frames: own, vocab, values: raw }, hidden }
    })
  }

  /**
   * A long utterance in chunks of `chunkSec` overlapping by `overlapSec`; each chunk keeps the
   * frames of its middle, so every frame comes from a chunk that saw context on both sides.
   */
  private async runChunked(
    signal: Float32Array,
    options: TranscribeOptions,
  ): Promise<{ logits: Logits; hidden: Frames | null }> {
    const chunk = Math.round(options.chunkSec * MODEL_SAMPLE_RATE)
    const half = Math.round((options.overlapSec / 2) * MODEL_SAMPLE_RATE)
    const step = chunk - 2 * half
    const pieces: {
      logits: Logits
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
    const values = new Float32Array(frames * vocab)
    const dim = pieces[0]!.hidden?.dim ?? 0
    const hidden = dim ? new Float32Array(frames * dim) : null
    let at = 0
    for (const p of pieces) {
      values.set(p.logits.values.subarray(p.keepFrom * vocab, p.keepTo * vocab), at * vocab)
      if (hidden && p.hidden)
        hidden.set(p.hidden.data.subarray(p.keepFrom * dim, p.keepTo * dim), at * dim)
      at += p.keepTo - p.keepFrom
    }
    return {
      logits: { frames, vocab, values },
      hidden: hidden ? { frames, dim, data: hidden } : null,
    }
  }

  /** Tokens the model's own character head may write, per set of scripts (script-mask.ts). */
  private readonly scriptMasks = new Map<string, Int32Array | null>()

  /**
   * The log-posteriors of the utterance being decoded, reused from one to the next: nothing
   * decoded keeps them, and a fresh array per utterance was a large part of the worker's garbage.
   * Normalising and what reads the result run without a pause between, so two requests never
   * share it. An utterance longer than a minute gets its own.
   */
  private posteriorBuffer = new Float32Array(0)

  /**
   * The model's own head's posteriors and frame statistics; a character head's kept to the
   * utterance language's scripts, normalised over them in the same pass (normalise.ts).
   */
  private posteriorsOf(
    logits: Logits,
    scripts: string[] | undefined,
    confidence: ConfidenceMethod,
  ): { posteriors: Posteriors; statistics: FrameStatistics } {
    let kept: Int32Array | null = null
    if (scripts && this.pkg.manifest.unit === 'char') {
      const key = scripts.join(',')
      if (!this.scriptMasks.has(key)) {
        const allowed = allowedTokens(this.pkg.vocabulary, scripts)
        this.scriptMasks.set(key, allowed && keptTokens(allowed))
      }
      kept = this.scriptMasks.get(key)!
    }
    // Grown by doubling: a request's utterances come shortest first.
    const size = logits.frames * logits.vocab
    if (size > this.posteriorBuffer.length && size <= REUSED_POSTERIORS)
      this.posteriorBuffer = new Float32Array(
        Math.min(REUSED_POSTERIORS, Math.max(size, 2 * this.posteriorBuffer.length)),
      )
    return normaliseLogits(logits, kept, confidence, this.posteriorBuffer)
  }

  /** One utterance's result; its hidden-state cache write, if any, is added to `writes`. */
  private finish(
    item: TranscribeItem,
    logits: Logits,
    hidden: Frames | null,
    options: TranscribeOptions,
    writes: Promise<void>[],
  ): UtteranceResult {
    const vocabulary = this.head?.vocabulary ?? this.pkg.vocabulary
    const own =
      this.head && hidden
        ? { posteriors: this.head.posteriors(hidden.data, hidden.frames), statistics: undefined }
        : this.posteriorsOf(logits, item.scripts, options.confidence)
    const decoded = decodeUtterance(vocabulary, item, own.posteriors, options, own.statistics)
    let hiddenStatesFile: string | null = null
    if (options.hiddenDir && hidden) {
      hiddenStatesFile = hiddenCacheFile(options.hiddenDir, this.modelKey, {
        id: item.utteranceId,
        startSec: item.startSec,
        endSec: item.endSec,
      })
      writes.push(
        writeHiddenStates(
          hiddenStatesFile,
          hidden,
          options.stagingDir ?? dirname(hiddenStatesFile),
        ),
      )
    }
    return {
      utteranceId: item.utteranceId,
      startSec: item.startSec,
      endSec: item.endSec,
      frames: own.posteriors.frames,
      hypotheses: decoded.hypotheses,
      acquisition: {
        ...decoded.acquisition,
        disagreement: null,
        embedding: hidden ? meanPool(hidden.data, hidden.frames, hidden.dim) : null,
      },
      hiddenStatesFile,
    }
  }
}

/** 60 s of a 333-token head at 50 frames a second: longer utterances' posteriors are not kept. */
const REUSED_POSTERIORS = 1 << 20

interface Frames {
  frames: number
  dim: number
  data: Float32Array
}

async function readSpan(item: TranscribeItem): Promise<Float32Array> {
  const { start, end } = spanSamples(item)
  const count = end - start
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
