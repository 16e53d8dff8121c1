import type { ProjectEvaluation } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { evaluateProject, projectModel } from '../asr/evaluate-project'
import type { WriteDb } from '../db/connection'
import { hasHumanText } from '../provenance/human-text'
import { activeCheckpoint, checkpointLanguageModel } from './checkpoints'
import type { LanguageModelWeight } from './train-protocol'
import type { AdaptContext } from './features'
import { decodeWithCheckpoint } from './head-decoding'

export interface EvaluateRequest {
  /** 'active' (the default): the checkpoint in use, or the base model when none is. */
  checkpoint: 'active' | 'base' | number
  split: ProjectEvaluation['split']
}

/**
 * Scores a checkpoint (or the base model) on the project's transcripts with the decoding the
 * annotator sees: the checkpoint's head over cached encoder states, beam search and confidences
 * as rescoring makes them. Nothing is stored; transcribed utterances keep their hypotheses.
 */
export async function evaluateModel(
  db: WriteDb,
  model: string,
  request: EvaluateRequest,
  /** The model's package and workers: needed only to decode with a checkpoint's head. */
  adaptation: () => Promise<AdaptContext>,
): Promise<ProjectEvaluation> {
  const row = projectModel(db, model)
  const checkpoint =
    request.checkpoint === 'base'
      ? null
      : request.checkpoint === 'active'
        ? activeCheckpoint(db, row.id)
        : checkpointById(db, request.checkpoint, row.id)
  if (typeof request.checkpoint === 'number' && !checkpoint)
    throw new SautiError(
      'not_found',
      `checkpoint ${request.checkpoint} does not belong to ${row.name} in this project`,
    )
  if (!checkpoint) return evaluateProject(db, model, { split: request.split })
  const ctx = await adaptation()
  const rows = db
    .prepare(
      `SELECT u.id, u.start_sec, u.end_sec, r.sha256 FROM utterance u
       JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       WHERE u.merged_into IS NULL AND (? = 'all' OR u.split = ?)
         AND ${hasHumanText('u.id')}
       ORDER BY u.id`,
    )
    .all(request.split, request.split) as {
    id: number
    start_sec: number
    end_sec: number
    sha256: string
  }[]
  const spans = rows.map((r) => ({
    utteranceId: r.id,
    recordingSha256: r.sha256,
    startSec: r.start_sec,
    endSec: r.end_sec,
  }))
  const hypotheses = new Map<number, { text: string; wordConfidences: (number | null)[] }>()
  await decodeWithCheckpoint(ctx, checkpoint, spans, (results) => {
    for (const r of results) {
      const best = r.hypotheses[0]
      hypotheses.set(r.utteranceId, {
        text: best?.text ?? '',
        wordConfidences: best?.words.map((w) => w.confidence ?? null) ?? [],
      })
    }
  })
  return evaluateProject(db, model, {
    split: request.split,
    checkpoint: { id: checkpoint.id, hypotheses },
  })
}

function checkpointById(
  db: WriteDb,
  id: number,
  modelId: number,
): { id: number; path: string; lm: LanguageModelWeight } | undefined {
  const row = db
    .prepare('SELECT id, path, hyperparameters FROM checkpoint WHERE id = ? AND model_id = ?')
    .get(id, modelId) as { id: number; path: string; hyperparameters: string | null } | undefined
  return row
    ? { id: row.id, path: row.path, lm: checkpointLanguageModel(row.hyperparameters) }
    : undefined
}
