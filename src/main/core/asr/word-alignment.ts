import { join } from 'node:path'
import type { WordTier } from '../../../shared/domain'
import { parseWordTimes, serialiseWordTimes } from '../../../shared/word-time'
import { activeCheckpoint } from '../adapt/checkpoints'
import { fittingWordTimes, wordTierOf } from '../annotate/word-tier'
import type { CallContext } from '../call-context'
import { headRevision } from '../annotate/editor'
import { fitsSpanSql, type Span } from './decoded-span'
import { defaultTranscribeOptions } from './transcribe-options'
import { listModels, type RegisteredModel } from './model-store'
import { scriptsOfLanguage } from './script-mask'

interface RevisionToAlign {
  id: number
  text: string
  utterance_id: number
  start_sec: number
  end_sec: number
  language: string | null
  sha256: string
  word_times: string | null
  aligned: number
  /** The model that labelled the utterance, by its sha256 (null when none did). */
  model_sha256: string | null
}

/**
 * Word times for revisions whose writer set none (docs/tiers.md): after a save, the saved text
 * is aligned to the audio by CTC forced alignment in the inference worker, with the model that
 * labelled the utterance (else the project's last), through its active checkpoint's head when it
 * has one. The times are stored in `word_alignment` beside the revision, never in it: they are
 * the model's reading of a person's text, not the person's.
 */
export class WordAligner {
  /** Alignments under way, by revision: a second ask waits for the first. */
  private readonly running = new Map<number, Promise<boolean>>()
  private readonly unsubscribe: () => void

  constructor(private readonly ctx: CallContext) {
    // A final save aligns its text for exports; the editor asks for its drafts itself.
    this.unsubscribe = ctx.domain.on('utterance.saved', ({ utteranceId }) => {
      const newest = this.newestRevision(utteranceId)
      // In the background: a failure leaves the revision without aligned times, as before.
      if (newest !== null) this.align(newest).catch(() => undefined)
    })
  }

  /** Stops hearing saves and waits for the alignments under way (before the workers close). */
  async close(): Promise<void> {
    this.unsubscribe()
    await Promise.allSettled([...this.running.values()])
  }

  /**
   * Aligns the revision the viewer sees as the utterance's newest (when it needs it) and answers
   * the word tier the editor shows for it.
   */
  async alignHead(utteranceId: number, viewerId: number | null): Promise<WordTier | null> {
    const head = headRevision(this.ctx.db, utteranceId, viewerId)
    if (head) await this.align(head.id)
    const span = this.ctx.db
      .prepare('SELECT start_sec AS startSec, end_sec AS endSec FROM utterance WHERE id = ?')
      .get(utteranceId) as Span
    return wordTierOf(this.ctx.db, headRevision(this.ctx.db, utteranceId, viewerId), [], span)
  }

  private newestRevision(utteranceId: number): number | null {
    const row = this.ctx.db
      .prepare('SELECT max(id) AS id FROM revision WHERE utterance_id = ?')
      .get(utteranceId) as { id: number | null }
    return row.id
  }

  /**
   * Aligns one revision's text unless its writer set times that fit the utterance's span or it
   * was aligned on that span; true when aligned now. The span aligned on is stored with the
   * times, so an alignment made while an edge moved counts as one to other audio.
   */
  align(revisionId: number): Promise<boolean> {
    const running = this.running.get(revisionId)
    if (running) return running
    const task = this.run(revisionId).finally(() => this.running.delete(revisionId))
    this.running.set(revisionId, task)
    return task
  }

  private async run(revisionId: number): Promise<boolean> {
    const { db } = this.ctx
    const r = db
      .prepare(
        `SELECT v.id, v.text, v.utterance_id, u.start_sec, u.end_sec, u.language, rec.sha256, v.word_times,
                EXISTS (SELECT 1 FROM word_alignment wa WHERE wa.revision_id = v.id AND ${fitsSpanSql('wa', 'u')})
                  AS aligned,
                (SELECT m.sha256 FROM hypothesis h JOIN model m ON m.id = h.model_id WHERE h.id = u.hypothesis_id)
                  AS model_sha256
         FROM revision v JOIN utterance u ON u.id = v.utterance_id JOIN recording rec ON rec.id = u.recording_id
         WHERE v.id = ?`,
      )
      .get(revisionId) as RevisionToAlign | undefined
    if (!r || r.aligned || r.text.trim() === '') return false
    const span = { startSec: r.start_sec, endSec: r.end_sec }
    if (r.word_times !== null && fittingWordTimes(r.text, parseWordTimes(r.word_times), span))
      return false
    const model = await this.modelFor(r.model_sha256)
    if (!model) return false
    const modelRow = db
      .prepare('SELECT id FROM model WHERE sha256 = ?')
      .get(model.registration.sha256) as { id: number } | undefined
    if (!modelRow) return false
    const checkpoint = activeCheckpoint(db, modelRow.id)
    const words = await this.ctx.inferenceWorkers.align(
      model.dir,
      model.id,
      {
        utteranceId: r.utterance_id,
        pcmPath: join(this.ctx.paths.pcmDir, `${r.sha256}.f32`),
        startSec: r.start_sec,
        endSec: r.end_sec,
        ...(r.language ? { scripts: scriptsOfLanguage(r.language) } : {}),
      },
      r.text,
      {
        ...defaultTranscribeOptions,
        checkpoint: checkpoint
          ? { id: checkpoint.id, path: checkpoint.path, modelSha256: model.registration.sha256 }
          : null,
      },
    )
    if (words.length === 0) return false
    db.prepare(
      `INSERT INTO word_alignment (revision_id, model_id, word_times, start_sec, end_sec, created_at)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (revision_id) DO UPDATE SET model_id = excluded.model_id, word_times = excluded.word_times,
                                               start_sec = excluded.start_sec, end_sec = excluded.end_sec,
                                               created_at = excluded.created_at`,
    ).run(
      revisionId,
      modelRow.id,
      serialiseWordTimes(words),
      r.start_sec,
      r.end_sec,
      new Date().toISOString(),
    )
    return true
  }

  /** The model that labelled the utterance, else the one that labelled the project last. */
  private async modelFor(sha256: string | null): Promise<RegisteredModel | null> {
    const wanted =
      sha256 ??
      (
        this.ctx.db
          .prepare(
            'SELECT m.sha256 FROM label_run r JOIN model m ON m.id = r.model_id ORDER BY r.id DESC LIMIT 1',
          )
          .get() as { sha256: string } | undefined
      )?.sha256
    if (!wanted) return null
    return (
      (await listModels(this.ctx.dataDir)).find((m) => m.registration.sha256 === wanted) ?? null
    )
  }
}
