import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type {
  ExecutionProviderName,
  InferenceStatus,
  LabelSummary,
  ProviderAttempt,
} from '../../../shared/domain'
import { asrContract } from '../../../shared/contract/asr'
import { activeCheckpoint } from '../adapt/checkpoints'
import { checkpointLanguageModelOptions } from '../adapt/features'
import { hiddenCacheDir } from '../adapt/hidden-cache'
import type { WriteDb, ReadDb } from '../db/connection'
import { consentedSpeakers } from '../consent/policy'
import { readTextFile } from '../formats/text-file'
import type { WorkControl } from '../jobs'
import { hasHumanText, newestHumanText } from '../provenance/human-text'
import { languagesNotWritten, projectLanguages } from './head-output'
import { scriptsOfLanguage } from './script-mask'
import { defaultLanguage } from '../annotate/annotators'
import type { RegisteredModel } from './model-store'
import type { SessionSettings } from './providers'
import { fitsSpanSql } from './decoded-span'
import { segmentRecordings, type SegmentContext } from './segmentation'
import { resultStore } from './result-store'
import {
  defaultTranscribeOptions,
  type TranscribeBatchResult,
  type TranscribeOptions,
} from './transcribe-options'

export interface LabelContext extends SegmentContext {
  model: RegisteredModel
}

/** What the language model is built from, and how much it weighs. */
export interface LanguageModelRequest {
  weight: number
  wordBonus: number
  /** Text files the user adds (a word list, a Bible translation, a dictionary): one sentence a line. */
  textFiles: string[]
}

/**
 * The sentences of a labelling run's language model: the project's own transcripts (each
 * utterance's newest person's transcript) of speakers whose consent to model training holds, as
 * training asks (an n-gram of their words is a model of them too), and every line of the user's
 * text files. An utterance merged into another is left out: its words are in the merged one's.
 */
export async function languageModelSentences(
  db: ReadDb,
  textFiles: string[],
  now = new Date().toISOString(),
): Promise<string[]> {
  const consent = consentedSpeakers('model_training', now)
  const sentences = (
    db
      .prepare(
        `SELECT v.text FROM utterance u JOIN revision v ON v.id = ${newestHumanText('u.id')}
         WHERE u.merged_into IS NULL AND u.speaker_id IN (${consent.sql})
         ORDER BY u.id`,
      )
      .all(consent.params) as { text: string }[]
  ).map((r) => r.text)
  for (const file of textFiles) {
    const text = await readTextFile(file, 'the language-model text')
    sentences.push(...text.split(/\r?\n/).filter((l) => l.trim()))
  }
  return sentences
}

export interface LabelControl extends WorkControl {
  lm?: LanguageModelRequest
  /**
   * The project's active adapted checkpoint for this model: its adapter and head decode instead
   * of the model's own, and its hypotheses are stored under it (docs/training.md).
   */
  checkpoint?: { id: number; path: string } | null
  /** The checkpoint's project language model (adapt/features.ts), used when `lm` is not given. */
  checkpointLm?: TranscribeOptions['lm']
  options?: Partial<TranscribeOptions>
  settings?: SessionSettings
  /** Utterances per request to the worker: the unit of progress and of cancellation. */
  requestSize?: number
}

/**
 * The scripts the model's own character head may write for an utterance (script-mask.ts): its
 * language's, else the project's default language's; undefined when neither is known.
 */
export function scriptMask(db: ReadDb): (language: string | null) => string[] | undefined {
  const fallbackLanguage = defaultLanguage(db)
  const scripts = new Map<string, string[]>()
  return (language) => {
    const tag = language ?? fallbackLanguage
    if (!tag) return undefined
    if (!scripts.has(tag)) scripts.set(tag, scriptsOfLanguage(tag))
    return scripts.get(tag)
  }
}

/** The project's row for a registered model (hypotheses point at it). */
export function ensureModelRow(db: WriteDb, model: RegisteredModel): number {
  const found = db
    .prepare('SELECT id FROM model WHERE sha256 = ?')
    .get(model.registration.sha256) as { id: number } | undefined
  if (found) return found.id
  return Number(
    db
      .prepare(
        'INSERT INTO model (sha256, name, path, manifest, registered_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(
        model.registration.sha256,
        model.manifest.name,
        model.dir,
        JSON.stringify(model.manifest),
        new Date().toISOString(),
      ).lastInsertRowid,
  )
}

/**
 * The head labelling with this model decodes with: the project's active checkpoint of it when it
 * has one (new audio gets the adapted head's hypotheses), with that checkpoint's own language
 * model; else the model's own head.
 */
export function labellingHead(
  db: WriteDb,
  model: RegisteredModel,
): Pick<LabelControl, 'checkpoint' | 'checkpointLm'> {
  const checkpoint = activeCheckpoint(db, ensureModelRow(db, model))
  return {
    checkpoint: checkpoint ? { id: checkpoint.id, path: checkpoint.path } : null,
    checkpointLm: checkpoint
      ? checkpointLanguageModelOptions(db, checkpoint.id, checkpoint.lm)
      : null,
  }
}

/**
 * What the project's newest labelling with this model was asked for (its job's recorded input:
 * N-best, beam, language model), or `label.start`'s defaults when none was recorded.
 */
export function labellingRequest(
  db: ReadDb,
  model: RegisteredModel,
): Pick<LabelControl, 'options' | 'lm'> {
  const row = db
    .prepare(
      "SELECT input FROM job_run WHERE kind = 'label' AND input ->> 'model' = ? ORDER BY id DESC LIMIT 1",
    )
    .get(model.id) as { input: string } | undefined
  const schema = asrContract['label.start'].input
  const recorded = row ? schema.safeParse(JSON.parse(row.input)) : null
  const { nBest, beamWidth, lm } = recorded?.success
    ? recorded.data
    : schema.parse({ model: model.id })
  return { options: { nBest, beamWidth }, ...(lm ? { lm } : {}) }
}

/** An utterance a labelling run decodes: its place in its recording and its language. */
export interface PendingUtterance {
  id: number
  start_sec: number
  end_sec: number
  sha256: string
  language: string | null
}

/**
 * One head's labelling (the model's own, or its active checkpoint's): the utterances it has not
 * decoded as they are now, the options the worker decodes them with, and `decode`, which
 * decodes a slice in the inference worker and stores what it read. A labelling job and an
 * annotator's re-decode after moving an edge (span-decoder.ts) both decode through here.
 */
export interface LabellingRun {
  modelId: number
  checkpointId: number | null
  options: TranscribeOptions
  /** Every utterance waiting for this head, or only `only` when it waits. */
  pending: (only?: number) => PendingUtterance[]
  /** Decodes and stores a slice; throws what the worker threw. */
  decode: (slice: PendingUtterance[]) => Promise<{ batch: TranscribeBatchResult; stored: number }>
}

export async function labellingRun(
  ctx: Omit<LabelContext, 'vadModel'>,
  control: LabelControl,
): Promise<LabellingRun> {
  const { db } = ctx
  const modelId = ensureModelRow(db, ctx.model)
  const checkpointId = control.checkpoint?.id ?? null
  // One utterance is found by its key: an OR with the whole project's filter would scan it.
  const waiting = (one: boolean) =>
    db.prepare(
      `SELECT u.id, u.start_sec, u.end_sec, r.sha256, u.language
       FROM utterance u JOIN recording r ON r.id = u.recording_id
       WHERE ${one ? 'u.id = :only AND' : ''} u.merged_into IS NULL AND r.purged_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id AND h.model_id = :model
                         AND h.checkpoint_id IS :checkpoint AND ${fitsSpanSql('h', 'u')})
         -- With a checkpoint: what nobody has transcribed, and anything the model never read
         -- as it is now (new audio, or edges moved since).
         AND (:checkpoint IS NULL
              OR NOT ${hasHumanText('u.id')}
              OR NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id AND h.model_id = :model
                             AND ${fitsSpanSql('h', 'u')}))
       ORDER BY u.recording_id, u.start_sec`,
    )
  const decodedAlready = db.prepare(
    `SELECT 1 FROM hypothesis
     WHERE utterance_id = ? AND model_id = ? AND checkpoint_id IS ? AND start_sec = ? AND end_sec = ?`,
  )
  const lmSentences = control.lm ? await languageModelSentences(db, control.lm.textFiles) : null
  // A language model asked for wins; else the active checkpoint's own, if it kept one.
  const lm =
    control.lm && lmSentences
      ? {
          key: createHash('sha256').update(lmSentences.join('\n')).digest('hex'),
          sentences: lmSentences,
          weight: control.lm.weight,
          wordBonus: control.lm.wordBonus,
        }
      : (control.checkpointLm ?? null)
  const options: TranscribeOptions = {
    ...defaultTranscribeOptions,
    hiddenDir: hiddenCacheDir(ctx.paths),
    stagingDir: ctx.paths.stagingDir,
    ...control.options,
    lm,
    checkpoint: control.checkpoint
      ? { ...control.checkpoint, modelSha256: ctx.model.registration.sha256 }
      : null,
  }
  const scriptsOf = scriptMask(db)
  const store = resultStore(db, modelId, checkpointId)
  return {
    modelId,
    checkpointId,
    options,
    pending: (only) =>
      (only === undefined
        ? waiting(false).all({ model: modelId, checkpoint: checkpointId })
        : waiting(true).all({
            model: modelId,
            checkpoint: checkpointId,
            only,
          })) as PendingUtterance[],
    decode: async (slice) => {
      const batch = await ctx.workers.transcribe(
        ctx.model.dir,
        ctx.model.id,
        slice.map((u) => ({
          utteranceId: u.id,
          pcmPath: join(ctx.paths.pcmDir, `${u.sha256}.f32`),
          startSec: u.start_sec,
          endSec: u.end_sec,
          scripts: scriptsOf(u.language),
        })),
        options,
        control.settings,
      )
      // A labelling job and an annotator's re-decode may read the same span at once: the
      // first stored is kept, so the editor never shows one N-best twice.
      const fresh = batch.results.filter(
        (r) => !decodedAlready.get(r.utteranceId, modelId, checkpointId, r.startSec, r.endSec),
      )
      store(fresh)
      return { batch, stored: fresh.length }
    },
  }
}

/**
 * Pseudo-labels every utterance that has no hypothesis from this model for its span yet
 * (decoded-span.ts: after an edge moves it is decoded again): inference,
 * N-best decoding, confidence and word times in the inference worker, then the hypotheses are
 * stored here, one transaction per request. Revisions are never touched: a human's transcript
 * is never overwritten by a model. Resumable: a second run skips what the first stored.
 */
export async function labelProject(
  ctx: LabelContext,
  control: LabelControl = {},
): Promise<LabelSummary> {
  const { db } = ctx
  const startedAt = new Date().toISOString()
  const segmented = await segmentRecordings(ctx, control)
  const run = await labellingRun(ctx, control)
  const { modelId, checkpointId, options } = run
  const pending = run.pending()
  const already = (
    db
      .prepare(
        `SELECT count(DISTINCT h.utterance_id) AS n FROM hypothesis h JOIN utterance u ON u.id = h.utterance_id
         WHERE h.model_id = ? AND h.checkpoint_id IS ? AND ${fitsSpanSql('h', 'u')}`,
      )
      .get(modelId, checkpointId) as { n: number }
  ).n
  const summary: LabelSummary = {
    modelId: ctx.model.id,
    // An adapted checkpoint writes the project's characters; the model's own head may not.
    unit: control.checkpoint ? 'char' : ctx.model.manifest.unit,
    notWritten: control.checkpoint
      ? []
      : languagesNotWritten(ctx.model.manifest, projectLanguages(db)),
    segmented,
    labelled: 0,
    skipped: already,
    failed: [],
    provider: null,
    providerAttempts: [],
    audioSec: 0,
    inferenceMs: 0,
    workerMs: 0,
    totalMs: 0,
  }
  const size = control.requestSize ?? 16
  const started = performance.now()
  for (let i = 0; i < pending.length; i += size) {
    control.onProgress?.(i, pending.length, ctx.model.manifest.name)
    if (control.signal?.aborted) break
    const slice = pending.slice(i, i + size)
    try {
      const { batch, stored } = await run.decode(slice)
      summary.labelled += stored
      summary.provider = batch.provider
      summary.providerAttempts = batch.providerAttempts
      summary.inferenceMs += batch.inferenceMs
      summary.workerMs += batch.totalMs
      summary.audioSec += slice.reduce((s, u) => s + u.end_sec - u.start_sec, 0)
    } catch (error) {
      for (const u of slice)
        summary.failed.push({ utteranceId: u.id, message: (error as Error).message })
    }
  }
  summary.totalMs = performance.now() - started
  db.prepare(
    `INSERT INTO label_run (model_id, provider, provider_attempts, settings, status, utterances, failed_utterances,
                            segmented_utterances, audio_sec, inference_ms, total_ms, started_at, finished_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    modelId,
    summary.provider,
    JSON.stringify(summary.providerAttempts),
    JSON.stringify({
      ...control.settings,
      nBest: options.nBest,
      beamWidth: options.beamWidth,
      confidence: options.confidence,
      lm: options.lm
        ? {
            weight: options.lm.weight,
            wordBonus: options.lm.wordBonus,
            sentences: options.lm.sentences.length,
            textFiles: control.lm?.textFiles ?? [],
          }
        : null,
    }),
    control.signal?.aborted ? 'cancelled' : 'done',
    summary.labelled,
    summary.failed.length,
    segmented.utterances,
    summary.audioSec,
    summary.inferenceMs,
    summary.totalMs,
    startedAt,
    new Date().toISOString(),
  )
  control.onProgress?.(pending.length, pending.length, ctx.model.manifest.name)
  return summary
}

/** Where the project's latest labelling run ran, and why not elsewhere; null before the first. */
export function latestInference(db: ReadDb): InferenceStatus | null {
  const run = db
    .prepare(
      `SELECT m.name, r.provider, r.provider_attempts, r.finished_at FROM label_run r JOIN model m ON m.id = r.model_id
       ORDER BY r.id DESC LIMIT 1`,
    )
    .get() as
    | {
        name: string
        provider: ExecutionProviderName | null
        provider_attempts: string
        finished_at: string
      }
    | undefined
  if (!run) return null
  return {
    model: run.name,
    provider: run.provider,
    attempts: JSON.parse(run.provider_attempts) as ProviderAttempt[],
    finishedAt: run.finished_at,
  }
}
