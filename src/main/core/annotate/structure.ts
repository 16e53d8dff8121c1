import type { UtteranceDetail, UtteranceStatus } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { leaveRanking } from '../adapt/acquisition'
import { fitsSpanSql } from '../asr/decoded-span'
import type { WriteDb } from '../db/connection'
import { storedTranscript } from '../language/rules'
import { appendRevision } from '../provenance/revisions'
import {
  editableRow,
  headRevision,
  neighbour,
  requireBase,
  utteranceDetail,
  utteranceRow,
  type UtteranceRow,
} from './editor'

/** The edges an utterance may take: inside its recording, not over its neighbours. */
function checkBounds(
  db: WriteDb,
  row: UtteranceRow,
  startSec: number,
  endSec: number,
  ignore: number[],
): void {
  if (endSec > row.duration_sec + 1e-6)
    throw SautiError.saying('validation', 'endsAfterRecording', {
      end: endSec.toFixed(2),
      duration: row.duration_sec.toFixed(2),
    })
  const overlap = db
    .prepare(
      `SELECT id, start_sec, end_sec FROM utterance
       WHERE recording_id = ? AND merged_into IS NULL AND id NOT IN (SELECT value FROM json_each(?))
         AND start_sec < ? AND end_sec > ? LIMIT 1`,
    )
    .get(row.recording_id, JSON.stringify(ignore), endSec - 1e-6, startSec + 1e-6) as
    { id: number; start_sec: number; end_sec: number } | undefined
  if (overlap)
    throw SautiError.saying('conflict', 'wouldOverlap', {
      id: overlap.id,
      start: overlap.start_sec.toFixed(2),
      end: overlap.end_sec.toFixed(2),
    })
}

/**
 * After an utterance's span changed: what a model decoded from other audio stays as history but
 * no longer shows, ranks or counts as decoded (asr/decoded-span.ts), so the next labelling or
 * rescoring decodes the new span. A best hypothesis decoded from exactly this span (the edges
 * went back where they were) shows again; without one, a model-labelled utterance is new again.
 */
function spanChanged(db: WriteDb, id: number): void {
  const best = db
    .prepare(
      `SELECT h.id, h.confidence FROM utterance u
       JOIN hypothesis h ON h.utterance_id = u.id AND h.rank = 1 AND ${fitsSpanSql('h', 'u')}
       WHERE u.id = ? ORDER BY h.id DESC LIMIT 1`,
    )
    .get(id) as { id: number; confidence: number | null } | undefined
  db.prepare(
    `UPDATE utterance SET hypothesis_id = :hypothesis, confidence = :confidence,
       status = CASE
         WHEN status = 'pseudo' AND :hypothesis IS NULL THEN 'new'
         WHEN status = 'new' AND :hypothesis IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM revision WHERE utterance_id = utterance.id) THEN 'pseudo'
         ELSE status END
     WHERE id = :id`,
  ).run({ id, hypothesis: best?.id ?? null, confidence: best?.confidence ?? null })
  // Its place in the queue was measured on the old audio; labelling ranks it again.
  leaveRanking(db, id)
}

/** Moves an utterance's edges within its recording. */
export function setBounds(
  db: WriteDb,
  input: { id: number; actorId: number; startSec: number; endSec: number },
  now = new Date().toISOString(),
): UtteranceDetail {
  db.transaction(() => {
    const { row } = editableRow(db, input.id, input.actorId, now)
    checkBounds(db, row, input.startSec, input.endSec, [row.id])
    db.prepare('UPDATE utterance SET start_sec = ?, end_sec = ? WHERE id = ?').run(
      input.startSec,
      input.endSec,
      input.id,
    )
    spanChanged(db, input.id)
  }).immediate()
  return utteranceDetail(db, input.id, now)
}

const humanStatuses: UtteranceStatus[] = ['corrected', 'reviewed']

/**
 * Cuts an utterance in two at `atSec`; each half keeps its share of the text, stored as a save
 * stores text. A human status stays human ('corrected'); anything else starts again as new.
 */
export function splitUtterance(
  db: WriteDb,
  input: {
    id: number
    actorId: number
    baseRevisionId: number | null
    atSec: number
    leftText: string
    rightText: string
  },
  now = new Date().toISOString(),
): { left: UtteranceDetail; right: UtteranceDetail } {
  const rightId = db
    .transaction(() => {
      const { row } = editableRow(db, input.id, input.actorId, now)
      if (input.atSec < row.start_sec + 0.05 || input.atSec > row.end_sec - 0.05)
        throw SautiError.saying('validation', 'splitOutside', {
          at: input.atSec.toFixed(2),
          id: row.id,
          start: row.start_sec.toFixed(2),
          end: row.end_sec.toFixed(2),
        })
      const seen = headRevision(db, row.id, input.actorId)
      const head = requireBase(db, row.id, input.baseRevisionId, seen?.id ?? null)
      const status: UtteranceStatus = humanStatuses.includes(row.status) ? 'corrected' : 'new'
      db.prepare('UPDATE utterance SET end_sec = ?, status = ? WHERE id = ?').run(
        input.atSec,
        status,
        row.id,
      )
      spanChanged(db, row.id)
      const right = Number(
        db
          .prepare(
            `INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            row.recording_id,
            input.atSec,
            row.end_sec,
            row.speaker_id,
            row.language,
            status,
            now,
          ).lastInsertRowid,
      )
      const source = { kind: 'annotator' as const, annotatorId: input.actorId }
      const left = storedTranscript(db, input.leftText)
      const rightText = storedTranscript(db, input.rightText)
      if (head !== null || left !== '')
        appendRevision(db, { utteranceId: row.id, text: left, source, createdAt: now })
      if (head !== null || rightText !== '')
        appendRevision(db, { utteranceId: right, text: rightText, source, createdAt: now })
      return right
    })
    .immediate()
  return {
    left: utteranceDetail(db, input.id, now, input.actorId),
    right: utteranceDetail(db, rightId, now, input.actorId),
  }
}

/**
 * Joins an utterance with the next one of its recording. The next one's row stays (merged_into)
 * with its history; the text is stored as a save stores text.
 */
export function mergeUtterances(
  db: WriteDb,
  input: { id: number; nextId: number; actorId: number; text: string },
  now = new Date().toISOString(),
): UtteranceDetail {
  db.transaction(() => {
    const { row } = editableRow(db, input.id, input.actorId, now)
    const next = utteranceRow(db, input.nextId)
    if (neighbour(db, row, 'next') !== next.id)
      throw SautiError.saying('validation', 'notNext', { next: next.id, id: row.id })
    const status: UtteranceStatus =
      humanStatuses.includes(row.status) && humanStatuses.includes(next.status)
        ? 'corrected'
        : 'new'
    db.prepare('UPDATE utterance SET merged_into = ? WHERE id = ?').run(row.id, next.id)
    db.prepare('UPDATE utterance SET end_sec = ?, status = ? WHERE id = ?').run(
      next.end_sec,
      status,
      row.id,
    )
    spanChanged(db, row.id)
    appendRevision(db, {
      utteranceId: row.id,
      text: storedTranscript(db, input.text),
      source: { kind: 'annotator', annotatorId: input.actorId },
      createdAt: now,
    })
  }).immediate()
  return utteranceDetail(db, input.id, now)
}
