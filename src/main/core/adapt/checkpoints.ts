/** A project's adapted checkpoints as labelling and training read them (docs/training.md). */
import type { Vocabulary } from '../asr/vocab'
import type { WriteDb } from '../db/connection'
import type { LanguageModelWeight } from './train-protocol'

export interface CheckpointRow {
  id: number
  parentId: number | null
  path: string
  vocabulary: Vocabulary
  status: 'active' | 'inactive' | 'tainted'
  /** The project language model it decodes with (weight 0: none). */
  lm: LanguageModelWeight
}

/** The checkpoint the project's labelling and rescoring use for `modelId`, if any. */
export function activeCheckpoint(db: WriteDb, modelId: number): CheckpointRow | null {
  const row = db
    .prepare(
      "SELECT id, parent_id, path, vocabulary, status, hyperparameters FROM checkpoint WHERE model_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1",
    )
    .get(modelId) as
    | {
        id: number
        parent_id: number | null
        path: string
        vocabulary: string
        status: 'active'
        hyperparameters: string | null
      }
    | undefined
  return row
    ? {
        id: row.id,
        parentId: row.parent_id,
        path: row.path,
        vocabulary: JSON.parse(row.vocabulary) as Vocabulary,
        status: row.status,
        lm: checkpointLanguageModel(row.hyperparameters),
      }
    : null
}

/** The language-model weight a checkpoint kept (recorded with its hyper-parameters). */
export function checkpointLanguageModel(hyperparameters: string | null): LanguageModelWeight {
  const lm = (JSON.parse(hyperparameters ?? '{}') as { lm?: LanguageModelWeight }).lm
  return lm ?? { weight: 0, wordBonus: 0 }
}

/**
 * The weights the dev check tries for the project's own language model: none, then stronger
 * fusion, each with a word bonus that offsets its cost per word (docs/active-learning.md).
 */
export const LANGUAGE_MODEL_CANDIDATES: LanguageModelWeight[] = [
  { weight: 0, wordBonus: 0 },
  { weight: 0.3, wordBonus: 0.6 },
  { weight: 0.6, wordBonus: 1.2 },
  { weight: 1, wordBonus: 2 },
]
