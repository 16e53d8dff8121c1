import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import type { InferenceWorkers } from '../asr/inference-workers'
import { said } from '../../../shared/messages'
import { fitsSpanSql } from '../asr/decoded-span'
import { resultStore } from '../asr/result-store'
import { readModelPackage } from '../asr/model-package'
import type { RegisteredModel } from '../asr/model-store'
import type { SessionSettings } from '../asr/providers'
import {
  defaultTranscribeOptions,
  type TranscribeItem,
  type TranscribeOptions,
} from '../asr/transcribe-options'
import type { Vocabulary } from '../asr/vocab'
import type { OpenDatabaseOptions, ReadDb, WriteDb } from '../db/connection'
import type { WorkControl } from '../jobs'
import { pcmPath, type ProjectPaths } from '../project/paths'
import { hasHumanText } from '../provenance/human-text'
import { reprioritise } from './acquisition'
import type { LabelledUtterance } from './dataset'
import { hiddenCacheDir, hiddenCacheFile } from './hidden-cache'
import { adaptationSettings } from './settings'
import type { LanguageModelWeight, TrainExampleRef, TrainJobRequest } from './train-protocol'
import type { TrainWorkers } from './train-workers'
import { targetsOf, trainingText } from './vocabulary'

/**
 * The encoder's side of adaptation: which cached hidden states training needs (and running the
 * encoder where they are missing), the base model's own head, and rescoring with a checkpoint.
 * The training run itself is adaptation.ts.
 */

export interface AdaptContext {
  db: WriteDb
  paths: ProjectPaths
  inference: InferenceWorkers
  training: TrainWorkers
  model: RegisteredModel
  settings?: SessionSettings
  /** How the project database is opened (the Electron host's better-sqlite3 build). */
  dbOptions?: OpenDatabaseOptions
}

/** An utterance's place in its recording's 16 kHz copy: what the encoder needs. */
export type SpanOf = Pick<
  LabelledUtterance,
  'utteranceId' | 'recordingSha256' | 'startSec' | 'endSec'
>

const item = (
  u: { utteranceId: number; recordingSha256: string; startSec: number; endSec: number },
  paths: ProjectPaths,
): TranscribeItem => ({
  utteranceId: u.utteranceId,
  pcmPath: pcmPath(paths, u.recordingSha256),
  startSec: u.startSec,
  endSec: u.endSec,
})

/** Runs the encoder over utterances whose hidden states are not cached under their bounds. */
export async function ensureHiddenStates(ctx: AdaptContext, utterances: SpanOf[]): Promise<void> {
  const dir = hiddenCacheDir(ctx.paths)
  const missing = utterances.filter(
    (u) =>
      !existsSync(
        hiddenCacheFile(dir, ctx.model.id, {
          id: u.utteranceId,
          startSec: u.startSec,
          endSec: u.endSec,
        }),
      ),
  )
  for (let i = 0; i < missing.length; i += 16)
    await ctx.inference.transcribe(
      ctx.model.dir,
      ctx.model.id,
      missing.slice(i, i + 16).map((u) => item(u, ctx.paths)),
      {
        ...defaultTranscribeOptions,
        hiddenDir: dir,
        stagingDir: ctx.paths.stagingDir,
        nBest: 1,
        beamWidth: 1,
      },
      ctx.settings,
    )
}

/** The worker's view of labelled utterances: cache file, CTC targets and scoring text. */
export function trainingRefs(
  ctx: AdaptContext,
  vocabulary: Vocabulary,
): (list: (SpanOf & { text: string })[]) => TrainExampleRef[] {
  return (list) =>
    list.map((u) => ({
      utteranceId: u.utteranceId,
      file: hiddenCacheFile(hiddenCacheDir(ctx.paths), ctx.model.id, {
        id: u.utteranceId,
        startSec: u.startSec,
        endSec: u.endSec,
      }),
      targets: targetsOf(u.text, vocabulary),
      text: trainingText(u.text),
    }))
}

/**
 * The base model's own head, recovered by least squares from its outputs on a few utterances
 * (linear-head.ts); null when the model has no hidden states or its head is not linear in them.
 */
export async function recoverBaseHead(
  ctx: AdaptContext,
  utterances: LabelledUtterance[],
): Promise<TrainJobRequest['baseHead']> {
  const fitted = await ctx.inference.fitHead(
    ctx.model.dir,
    ctx.model.id,
    utterances.slice(0, 16).map((u) => item(u, ctx.paths)),
    ctx.settings,
  )
  // A float head fits to ~1e-7; a dynamically quantised one to ~0.4 % (its input is rounded to
  // 8 bits at run time); hidden states that are not the head's input fit nowhere near 2 %.
  if (!fitted || fitted.relativeResidual >= 0.02) return null
  const vocabulary = (await readModelPackage(ctx.model.dir)).vocabulary
  if (fitted.vocab !== vocabulary.tokens.length) return null
  return {
    tokens: vocabulary.tokens,
    blank: vocabulary.blank,
    weight: fitted.weight,
    bias: fitted.bias,
  }
}

/**
 * The decoding options' language model for a checkpoint that kept one: a word n-gram of the
 * transcripts it trained on (its lineage), at the weight its dev check chose; null otherwise.
 */
export function checkpointLanguageModelOptions(
  db: ReadDb,
  checkpointId: number,
  lm: LanguageModelWeight,
): TranscribeOptions['lm'] {
  if (lm.weight <= 0) return null
  const sentences = (
    db
      .prepare(
        'SELECT v.text FROM lineage l JOIN revision v ON v.id = l.revision_id WHERE l.checkpoint_id = ? ORDER BY v.id',
      )
      .all(checkpointId) as { text: string }[]
  ).map((r) => r.text)
  return {
    key: createHash('sha256')
      .update(`checkpoint ${checkpointId}\n${sentences.join('\n')}`)
      .digest('hex'),
    sentences,
    weight: lm.weight,
    wordBonus: lm.wordBonus,
  }
}

/**
 * New hypotheses, confidences and acquisition scores from a checkpoint for every utterance
 * nobody has transcribed that it has not decoded as its span is now (from cached hidden states;
 * the encoder runs only where none are cached under that span), then the queue's priorities
 * under the project's strategy.
 */
export async function rescoreUnlabelled(
  ctx: AdaptContext,
  checkpoint: { id: number; path: string; committee: string[]; lm: LanguageModelWeight },
  modelId: number,
  control: WorkControl = {},
): Promise<number> {
  const { db } = ctx
  const pending = db
    .prepare(
      `SELECT u.id, u.start_sec, u.end_sec, r.sha256 FROM utterance u JOIN recording r ON r.id = u.recording_id
       WHERE u.merged_into IS NULL AND r.purged_at IS NULL
         AND (u.split = 'dev' OR NOT ${hasHumanText('u.id')})
         AND NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id AND h.checkpoint_id = ?
                         AND ${fitsSpanSql('h', 'u')})
       ORDER BY u.id`,
    )
    .all(checkpoint.id) as { id: number; start_sec: number; end_sec: number; sha256: string }[]
  const store = resultStore(db, modelId, checkpoint.id)
  const dir = hiddenCacheDir(ctx.paths)
  const options = {
    ...defaultTranscribeOptions,
    hiddenDir: dir,
    stagingDir: ctx.paths.stagingDir,
    lm: checkpointLanguageModelOptions(db, checkpoint.id, checkpoint.lm),
  }
  let done = 0
  for (let i = 0; i < pending.length; i += 64) {
    if (control.signal?.aborted) break
    control.onProgress?.(80 + Math.round((20 * i) / pending.length), 100, said('rescoring'))
    const items = pending.slice(i, i + 64).map((u) =>
      item(
        {
          utteranceId: u.id,
          recordingSha256: u.sha256,
          startSec: u.start_sec,
          endSec: u.end_sec,
        },
        ctx.paths,
      ),
    )
    const out = await ctx.inference.rescore({
      modelKey: ctx.model.id,
      modelSha256: ctx.model.registration.sha256,
      hiddenDir: dir,
      checkpoint: { id: checkpoint.id, path: checkpoint.path },
      committee: checkpoint.committee,
      items,
      options,
    })
    store(out.results)
    done += out.results.length
    const missing = new Set(out.missing)
    if (missing.size) {
      const batch = await ctx.inference.transcribe(
        ctx.model.dir,
        ctx.model.id,
        items.filter((it) => missing.has(it.utteranceId)),
        {
          ...options,
          checkpoint: {
            id: checkpoint.id,
            path: checkpoint.path,
            modelSha256: ctx.model.registration.sha256,
          },
        },
        ctx.settings,
      )
      store(batch.results)
      done += batch.results.length
    }
  }
  await reprioritise(
    ctx.training,
    db,
    ctx.paths.db,
    ctx.dbOptions ?? {},
    adaptationSettings(db).strategy,
  )
  control.onProgress?.(100, 100, said('rescored'))
  return done
}
