import type { UtteranceDetail } from '../../../shared/domain'
import { servedRow, utteranceDetail } from '../annotate/editor'
import type { CallContext } from '../call-context'
import { labellingHead, labellingRequest, labellingRun } from './labeller'
import { listModels, type RegisteredModel } from './model-store'

/** What `utterance.decode` answers. */
export interface SpanDecoding {
  /** True when this call decoded and stored hypotheses for the span. */
  decoded: boolean
  /** The model that labels the utterance; null when no model ever labelled the project. */
  model: string | null
  detail: UtteranceDetail
}

/**
 * An utterance decoded again for the span it has now, right after an annotator moved an edge,
 * split or merged it (decoded-span.ts: the old hypotheses no longer show). It is one step of a
 * labelling job for one utterance: the same head (the model that labelled it, through its
 * active checkpoint), the same request (N-best, beam, language model), the same worker and the
 * same store (labeller.ts `labellingRun`), so the result is what `label.start` would store.
 */
export class SpanDecoder {
  /** The decode under way per utterance: a second ask for it waits for the first. */
  private readonly running = new Map<number, Promise<unknown>>()

  constructor(private readonly ctx: CallContext) {}

  /** Waits for the decodes under way (before the workers and the database close). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.running.values()])
  }

  /**
   * Decodes the utterance's span unless its labelling head has decoded that span already, and
   * answers the utterance as the viewer's editor shows it. Asks for one utterance run one after
   * another, so an edge moved again while a decode runs is decoded next, for the span it has then.
   */
  async decode(id: number, viewerId: number | null): Promise<SpanDecoding> {
    const before = this.running.get(id) ?? Promise.resolve()
    const task = before.catch(() => undefined).then(() => this.run(id))
    this.running.set(id, task)
    try {
      const outcome = await task
      return { ...outcome, detail: utteranceDetail(this.ctx.db, id, undefined, viewerId) }
    } finally {
      if (this.running.get(id) === task) this.running.delete(id)
    }
  }

  private async run(id: number): Promise<Omit<SpanDecoding, 'detail'>> {
    const { db, paths } = this.ctx
    // Only an utterance the editor may show: not merged away, its speaker consented.
    servedRow(db, id, new Date().toISOString())
    const model = await this.labellingModel(id)
    if (!model) return { decoded: false, model: null }
    const run = await labellingRun(
      { db, paths, workers: this.ctx.inferenceWorkers, model },
      {
        ...labellingHead(db, model),
        ...labellingRequest(db, model),
        settings: this.ctx.sessionSettings,
      },
    )
    const pending = run.pending(id)
    if (pending.length === 0) return { decoded: false, model: model.manifest.name }
    const { stored } = await run.decode(pending)
    if (stored > 0) this.ctx.changed([id])
    return { decoded: stored > 0, model: model.manifest.name }
  }

  /**
   * The model whose guess the utterance lost: the one that decoded its newest hypothesis (any
   * span), else, after a merge, that of a part merged into it; else (the right half of a split,
   * a new row) the model of the project's newest labelling. Null when it is not registered.
   */
  private async labellingModel(id: number): Promise<RegisteredModel | null> {
    const { db } = this.ctx
    const newest = (sql: string, ...params: number[]): string | undefined =>
      (db.prepare(sql).get(...params) as { sha256: string } | undefined)?.sha256
    const sha256 =
      newest(
        `SELECT m.sha256 FROM hypothesis h JOIN model m ON m.id = h.model_id
         WHERE h.utterance_id = ? ORDER BY h.id DESC LIMIT 1`,
        id,
      ) ??
      newest(
        `SELECT m.sha256 FROM utterance part JOIN hypothesis h ON h.utterance_id = part.id
         JOIN model m ON m.id = h.model_id WHERE part.merged_into = ? ORDER BY h.id DESC LIMIT 1`,
        id,
      ) ??
      newest(
        'SELECT m.sha256 FROM label_run r JOIN model m ON m.id = r.model_id ORDER BY r.id DESC LIMIT 1',
      )
    if (!sha256) return null
    return (
      (await listModels(this.ctx.dataDir)).find((m) => m.registration.sha256 === sha256) ?? null
    )
  }
}
