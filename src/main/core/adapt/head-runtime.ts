import { readFile } from 'node:fs/promises'
import { SautiError } from '../../../shared/errors'
import type { Posteriors } from '../asr/ctc'
import type { Vocabulary } from '../asr/vocab'
import { posteriors, type AdapterHeadParams } from '../train/adapter-head'
import { decodeCheckpoint } from '../train/checkpoint-file'

/** What Sauti writes into a checkpoint file's metadata (docs/training.md). */
// A type, not an interface: it must fit the checkpoint file's Record<string, unknown> metadata.
export type CheckpointMeta = {
  format: 'sauti-checkpoint/1'
  /** The base model's sha256: the adapter only fits that encoder's hidden states. */
  modelSha256: string
  vocabulary: Vocabulary
  hyperparameters: Record<string, unknown>
}

/**
 * An adapted checkpoint at inference: the adapter and CTC head over the frozen encoder's hidden
 * states, with its own vocabulary.
 */
export class AdaptedHead {
  private constructor(
    readonly file: string,
    readonly meta: CheckpointMeta,
    private readonly params: AdapterHeadParams,
  ) {}

  get vocabulary(): Vocabulary {
    return this.meta.vocabulary
  }

  static async load(file: string, modelSha256: string): Promise<AdaptedHead> {
    let bytes: Buffer
    try {
      bytes = await readFile(file)
    } catch (error) {
      throw new SautiError(
        'not_found',
        `${file}: the checkpoint file cannot be read (${(error as Error).message}).`,
        { file },
      )
    }
    const { params, meta } = decodeCheckpoint(bytes, file)
    const m = meta as Partial<CheckpointMeta>
    if (m.format !== 'sauti-checkpoint/1' || !m.vocabulary || !Array.isArray(m.vocabulary.tokens))
      throw new SautiError('bad_input', `${file}: not a Sauti checkpoint (no vocabulary).`, {
        file,
      })
    if (m.modelSha256 !== modelSha256)
      throw new SautiError(
        'bad_input',
        `${file}: this checkpoint adapts another model (${String(m.modelSha256).slice(0, 12)}), not ${modelSha256.slice(0, 12)}.`,
        { file },
      )
    if (params.shape.vocab !== m.vocabulary.tokens.length)
      throw new SautiError(
        'bad_input',
        `${file}: the head has ${params.shape.vocab} outputs for ${m.vocabulary.tokens.length} tokens.`,
        { file },
      )
    return new AdaptedHead(file, m as CheckpointMeta, params)
  }

  posteriors(hidden: Float32Array, frames: number): Posteriors {
    if (hidden.length !== frames * this.params.shape.dim)
      throw new SautiError(
        'bad_input',
        `${this.file}: hidden states of width ${hidden.length / Math.max(1, frames)} for an adapter of width ${this.params.shape.dim}.`,
      )
    return posteriors(this.params, hidden, frames)
  }
}
