import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type {
  ExecutionProviderName,
  InferenceStatus,
  LabelSummary,
  ProviderAttempt,
} from '../../../shared/domain'
import { serialiseWordTimes } from '../../../shared/word-time'
import { hiddenCacheDir } from '../adapt/hidden-cache'
import type { WriteDb, ReadDb } from '../db/connection'
import { readTextFile } from '../formats/text-file'
import type { ProjectPaths } from '../project/paths'
import { confidencesFrom, currentCalibration } from './calibrate'
import { languagesNotWritten, projectLanguages } from './head-output'
import type { InferenceWorkers } from './inference-workers'
import type { RegisteredModel } from './model-store'
import type { SessionSettings } from './providers'
import { defaultVadOptions } from './vad-segments'
import {
  defaultTranscribeOptions,
  type TranscribeOptions,
  type UtteranceResult,
} from './transcribe-options'

export interface LabelContext {
  db: WriteDb
  paths: ProjectPaths
  workers: InferenceWorkers
  model: RegisteredModel
  /** Silero VAD v5 (models/vad), for recordings not yet cut into utterances. */
  vadModel: string
}

/**
 * Cuts every unsegmented recording (one imported whole, longer than a clip) into utterances at
 * the speech the VAD finds. One transaction per recording: it is segmented whole or not at all.
 */
export async function segmentRecordings(
  ctx: LabelContext,
  control: LabelControl = {},
): Promise<{ recordings: number; utterances: number }> {
  const { db } = ctx
  const pending = db
    .prepare(
      'SELECT r.id, r.sha256, r.duration_sec, r.languages, r.speaker_id FROM recording r WHERE NOT EXISTS (SELECT 1 FROM utterance u WHERE u.recording_id = r.id) ORDER BY r.id',
    )
    .all() as {
    id: number
    sha256: string
    duration_sec: number
    languages: string
    speaker_id: number | null
  }[]
  // A long recording's speaker (from the manifest) is every segment's speaker.
  const insert = db.prepare(
    `INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at) VALUES (?, ?, ?, ?, ?, 'new', ?)`,
  )
  let utterances = 0
  for (const [index, recording] of pending.entries()) {
    if (control.signal?.aborted) break
    const segments = await ctx.workers.segment(
      ctx.vadModel,
      join(ctx.paths.pcmDir, `${recording.sha256}.f32`),
      recording.duration_sec,
      defaultVadOptions,
      (f) =>
        control.onProgress?.(
          index + f,
          pending.length,
          `Finding speech in recording ${recording.id}`,
        ),
    )
    const languages = JSON.parse(recording.languages) as string[]
    const language = languages.length === 1 ? languages[0]! : null
    const now = new Date().toISOString()
    db.transaction(() => {
      for (const s of segments)
        insert.run(recording.id, s.startSec, s.endSec, recording.speaker_id, language, now)
    }).immediate()
    utterances += segments.length
  }
  return { recordings: pending.length, utterances }
}

/** What the language model is built from, and how much it weighs. */
export interface LanguageModelRequest {
  weight: number
  wordBonus: number
  /** Text files the user adds (a word list, a Bible translation, a dictionary): one sentence a line. */
  textFiles: string[]
}

/**
 * The sentences of a labelling run's language model: the project's own transcripts (the newest
 * human or imported revision of each utterance) and every line of the user's text files.
 */
export async function languageModelSentences(db: WriteDb, textFiles: string[]): Promise<string[]> {
  const sentences = (
    db
      .prepare(
        `SELECT v.text FROM revision v
         WHERE v.id = (SELECT max(id) FROM revision WHERE utterance_id = v.utterance_id AND source_kind IN ('import', 'annotator') AND draft = 0)`,
      )
      .all() as { text: string }[]
  ).map((r) => r.text)
  for (const file of textFiles) {
    const text = await readTextFile(file, 'the language-model text')
    sentences.push(...text.split(/\r?\n/).filter((l) => l.trim()))
  }
  return sentences
}

export interface LabelControl {
  lm?: LanguageModelRequest
  /**
   * The project's active adapted checkpoint for this model: its adapter and head decode instead
   * of the model's own, and its hypotheses are stored under it (docs/training.md).
   */
  checkpoint?: { id: number; path: string } | null
  /** The checkpoint's project language model (adapt/features.ts), used when `lm` is not given. */
  checkpointLm?: TranscribeOptions['lm']
  signal?: AbortSignal
  onProgress?: (done: number, total: number, label: string) => void
  options?: Partial<TranscribeOptions>
  settings?: SessionSettings
  /** Utterances per request to the worker: the unit of progress and of cancellation. */
  requestSize?: number
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
 * Stores a worker's results in one transaction: the N-best hypotheses (from the model's own
 * head, or from a checkpoint's), the acquisition measures that rank the queue, and "pseudo" for
 * utterances nobody has transcribed. Revisions are never touched.
 */
export function resultStore(
  db: WriteDb,
  modelId: number,
  checkpointId: number | null,
): (results: UtteranceResult[]) => void {
  const insert = db.prepare(
    `INSERT INTO hypothesis (utterance_id, model_id, checkpoint_id, rank, text, score, confidence, word_confidences, word_times, word_features, calibration_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  // Only an utterance nobody has transcribed becomes "pseudo": one with a human or imported
  // transcript keeps its status, and its revisions are never touched.
  const markPseudo = db.prepare(
    "UPDATE utterance SET status = 'pseudo' WHERE id = ? AND status = 'new' AND NOT EXISTS (SELECT 1 FROM revision WHERE utterance_id = utterance.id)",
  )
  const measure = db.prepare(
    `INSERT INTO acquisition (utterance_id, model_id, checkpoint_id, least_confidence, entropy, margin, disagreement, embedding, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (utterance_id) DO UPDATE SET model_id = excluded.model_id, checkpoint_id = excluded.checkpoint_id,
       least_confidence = excluded.least_confidence, entropy = excluded.entropy, margin = excluded.margin,
       disagreement = excluded.disagreement, embedding = coalesce(excluded.embedding, acquisition.embedding),
       updated_at = excluded.updated_at`,
  )
  return db.transaction((results: UtteranceResult[]) => {
    const now = new Date().toISOString()
    // Confidences as the head's calibration says, when it has one (asr/calibrate.ts).
    const calibration = currentCalibration(db, { modelId, checkpointId })
    for (const r of results) {
      for (const h of r.hypotheses) {
        const calibrated = calibration ? confidencesFrom(h.wordFeatures, calibration.model) : null
        insert.run(
          r.utteranceId,
          modelId,
          checkpointId,
          h.rank,
          h.text,
          h.logProb,
          calibrated ? calibrated.utterance : h.confidence,
          JSON.stringify(calibrated ? calibrated.words : h.words.map((w) => w.confidence ?? null)),
          serialiseWordTimes(h.words),
          JSON.stringify(h.wordFeatures),
          calibration?.id ?? null,
          now,
        )
      }
      const a = r.acquisition
      const embedding = a.embedding
        ? Buffer.from(a.embedding.buffer, a.embedding.byteOffset, a.embedding.byteLength)
        : null
      measure.run(
        r.utteranceId,
        modelId,
        checkpointId,
        a.leastConfidence,
        a.entropy,
        a.margin,
        a.disagreement,
        embedding,
        now,
      )
      markPseudo.run(r.utteranceId)
    }
  }).immediate
}

/**
 * Pseudo-labels every utterance that has no hypothesis from this model yet: inference,
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
  const modelId = ensureModelRow(db, ctx.model)
  const checkpointId = control.checkpoint?.id ?? null
  const pending = db
    .prepare(
      `SELECT u.id, u.start_sec, u.end_sec, r.sha256
       FROM utterance u JOIN recording r ON r.id = u.recording_id
       WHERE u.merged_into IS NULL AND r.purged_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id AND h.model_id = :model AND h.checkpoint_id IS :checkpoint)
         -- With a checkpoint: what nobody has transcribed, and anything the model never saw.
         AND (:checkpoint IS NULL
              OR NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.draft = 0 AND v.source_kind IN ('annotator', 'import'))
              OR NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id AND h.model_id = :model))
       ORDER BY u.recording_id, u.start_sec`,
    )
    .all({ model: modelId, checkpoint: checkpointId }) as {
    id: number
    start_sec: number
    end_sec: number
    sha256: string
  }[]
  const already = (
    db
      .prepare(
        'SELECT count(DISTINCT utterance_id) AS n FROM hypothesis WHERE model_id = ? AND checkpoint_id IS ?',
      )
      .get(modelId, checkpointId) as { n: number }
  ).n
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
  const store = resultStore(db, modelId, checkpointId)
  const size = control.requestSize ?? 16
  const started = performance.now()
  for (let i = 0; i < pending.length; i += size) {
    control.onProgress?.(i, pending.length, ctx.model.manifest.name)
    if (control.signal?.aborted) break
    const slice = pending.slice(i, i + size)
    const items = slice.map((u) => ({
      utteranceId: u.id,
      pcmPath: join(ctx.paths.pcmDir, `${u.sha256}.f32`),
      startSec: u.start_sec,
      endSec: u.end_sec,
    }))
    try {
      const batch = await ctx.workers.transcribe(
        ctx.model.dir,
        ctx.model.id,
        items,
        options,
        control.settings,
      )
      store(batch.results)
      summary.labelled += batch.results.length
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
      lm: lm
        ? {
            weight: lm.weight,
            wordBonus: lm.wordBonus,
            sentences: lm.sentences.length,
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
