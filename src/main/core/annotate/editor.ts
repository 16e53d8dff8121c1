import type {
  FlagReason,
  Hypothesis,
  LanguageSpan,
  RevisionInfo,
  UtteranceDetail,
  UtteranceStatus,
} from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { checkLanguageSpans } from '../../../shared/text/language-spans'
import { parseWordTimes } from '../../../shared/word-time'
import type { Db } from '../db/connection'
import { utteranceFields, type UtteranceBaseRow } from '../project/queries'
import { appendRevision, type StoredRevision } from '../provenance/revisions'
import { normalizeForStorage, projectRules } from '../language/rules'
import { afterAnnotatorWrite, beforeAnnotatorWrite, visibleHeadId } from '../review/blind'
import { annotationConsent } from './consent'

interface UtteranceRow extends UtteranceBaseRow {
  duration_sec: number
  speaker_id: number | null
  confidence: number | null
  flag_reason: FlagReason | null
  hypothesis_id: number | null
  merged_into: number | null
}

function utteranceRow(db: Db, id: number): UtteranceRow {
  const row = db
    .prepare(
      `SELECT u.id, u.recording_id, r.original_name, r.duration_sec, u.start_sec, u.end_sec, u.speaker_id,
              s.code AS speaker_code, u.language, u.status, u.confidence, u.flag_reason, u.hypothesis_id,
              u.merged_into
       FROM utterance u JOIN recording r ON r.id = u.recording_id LEFT JOIN speaker s ON s.id = u.speaker_id
       WHERE u.id = ?`,
    )
    .get(id) as UtteranceRow | undefined
  if (!row) throw new SautiError('not_found', `no utterance with id ${id}`)
  if (row.merged_into !== null)
    throw new SautiError(
      'not_found',
      `utterance ${id} was merged into utterance ${row.merged_into}`,
      {
        mergedInto: row.merged_into,
      },
    )
  return row
}

/** Only speakers who consented to annotation are served to annotators. */
function requireConsent(db: Db, row: UtteranceRow, now: string): void {
  const state = row.speaker_id === null ? 'none' : annotationConsent(db, row.speaker_id, now)
  if (state === 'granted') return
  const who = row.speaker_code ? `speaker ${row.speaker_code}` : 'its speaker (unknown)'
  throw new SautiError(
    'forbidden',
    `utterance ${row.id} is not served: ${who} has no valid consent to annotation (${state})`,
    { consent: state },
  )
}

function requireAnnotator(db: Db, annotatorId: number): void {
  if (!db.prepare('SELECT 1 FROM annotator WHERE id = ?').get(annotatorId))
    throw new SautiError('not_found', `no annotator profile with id ${annotatorId}`)
}

/** An utterance an annotator may change: it exists, is not merged away, and its speaker consented. */
function editableRow(db: Db, id: number, annotatorId: number, now: string): UtteranceRow {
  const row = utteranceRow(db, id)
  requireConsent(db, row, now)
  requireAnnotator(db, annotatorId)
  return row
}

interface RevisionRow {
  id: number
  text: string
  spans: string
  source_kind: RevisionInfo['sourceKind']
  annotator: string | null
  hypothesis_id: number | null
  draft: number
  created_at: string
}

const revisionSelect = `
  SELECT v.id, v.text, v.spans, v.source_kind, a.name AS annotator, v.hypothesis_id, v.draft, v.created_at
  FROM revision v LEFT JOIN annotator a ON a.id = v.annotator_id`

function toRevisionInfo(r: RevisionRow): RevisionInfo {
  return {
    id: r.id,
    text: r.text,
    spans: JSON.parse(r.spans) as LanguageSpan[],
    sourceKind: r.source_kind,
    annotator: r.annotator,
    hypothesisId: r.hypothesis_id,
    draft: r.draft === 1,
    createdAt: r.created_at,
  }
}

/**
 * The newest revision, as `viewerId` may see it: on an utterance in blind double annotation
 * the other annotator's version is left out (docs/review.md).
 */
export function headRevision(
  db: Db,
  utteranceId: number,
  viewerId: number | null = null,
): RevisionInfo | null {
  const visible = visibleHeadId(db, utteranceId, viewerId)
  if (visible !== undefined) return visible === null ? null : revisionInfo(db, visible)
  const row = db
    .prepare(`${revisionSelect} WHERE v.utterance_id = ? ORDER BY v.id DESC LIMIT 1`)
    .get(utteranceId) as RevisionRow | undefined
  return row ? toRevisionInfo(row) : null
}

function revisionInfo(db: Db, id: number): RevisionInfo {
  return toRevisionInfo(db.prepare(`${revisionSelect} WHERE v.id = ?`).get(id) as RevisionRow)
}

interface HypothesisRow {
  id: number
  rank: number
  text: string
  confidence: number | null
  word_confidences: string
  word_times: string
  model_name: string
}

/** The N-best of the model that made the utterance's current best hypothesis. */
function currentHypotheses(db: Db, hypothesisId: number | null): Hypothesis[] {
  if (hypothesisId === null) return []
  const rows = db
    .prepare(
      `SELECT h.id, h.rank, h.text, h.confidence, h.word_confidences, h.word_times, m.name AS model_name
       FROM hypothesis best
       JOIN hypothesis h ON h.utterance_id = best.utterance_id AND h.model_id = best.model_id
                        AND h.checkpoint_id IS best.checkpoint_id
       JOIN model m ON m.id = h.model_id
       WHERE best.id = ? ORDER BY h.rank`,
    )
    .all(hypothesisId) as HypothesisRow[]
  return rows.map((r) => ({
    id: r.id,
    rank: r.rank,
    text: r.text,
    confidence: r.confidence,
    wordConfidences: JSON.parse(r.word_confidences) as number[],
    wordTimes: parseWordTimes(r.word_times),
    modelName: r.model_name,
  }))
}

function neighbour(db: Db, row: UtteranceRow, direction: 'previous' | 'next'): number | null {
  const sql =
    direction === 'next'
      ? `SELECT id FROM utterance WHERE recording_id = ? AND merged_into IS NULL AND start_sec > ?
         ORDER BY start_sec LIMIT 1`
      : `SELECT id FROM utterance WHERE recording_id = ? AND merged_into IS NULL AND start_sec < ?
         ORDER BY start_sec DESC LIMIT 1`
  const found = db.prepare(sql).get(row.recording_id, row.start_sec) as { id: number } | undefined
  return found?.id ?? null
}

/** Everything the editor shows for one utterance. Refused when its speaker has not consented. */
export function utteranceDetail(
  db: Db,
  id: number,
  now = new Date().toISOString(),
  viewerId: number | null = null,
): UtteranceDetail {
  const row = utteranceRow(db, id)
  requireConsent(db, row, now)
  const head = headRevision(db, id, viewerId)
  const hypotheses = currentHypotheses(db, row.hypothesis_id)
  const revisionCount = (
    db.prepare('SELECT count(*) AS n FROM revision WHERE utterance_id = ?').get(id) as { n: number }
  ).n
  return {
    utterance: {
      ...utteranceFields(row),
      text: head?.text ?? null,
      textSource: head?.sourceKind ?? null,
      confidence: row.confidence,
      flagReason: row.flag_reason,
    },
    recording: {
      id: row.recording_id,
      originalName: row.original_name,
      durationSec: row.duration_sec,
    },
    speaker:
      row.speaker_id === null || row.speaker_code === null
        ? null
        : { code: row.speaker_code, annotationConsent: annotationConsent(db, row.speaker_id, now) },
    hypotheses,
    head,
    revisionCount,
    previousId: neighbour(db, row, 'previous'),
    nextId: neighbour(db, row, 'next'),
  }
}

function sameSpans(a: LanguageSpan[], b: LanguageSpan[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * Refuses a write made on top of a revision that is no longer the newest: another window (or
 * person) saved in between, and silently writing over them would lose their work.
 */
function requireBase(
  db: Db,
  utteranceId: number,
  baseRevisionId: number | null,
  viewerId: number,
): RevisionInfo | null {
  const head = headRevision(db, utteranceId, viewerId)
  if ((head?.id ?? null) !== baseRevisionId) {
    const who = head?.annotator ?? head?.sourceKind ?? 'someone'
    throw new SautiError(
      'conflict',
      `utterance ${utteranceId} was saved elsewhere (by ${who}) since this editor opened it`,
      { head },
    )
  }
  return head
}

export interface SaveInput {
  id: number
  annotatorId: number
  baseRevisionId: number | null
  hypothesisId: number | null
  text: string
  spans: LanguageSpan[]
  draft: boolean
  status: 'corrected' | 'skipped' | 'flagged'
  flagReason?: FlagReason
}

/**
 * Saves the editor in one transaction. A draft (autosave) appends a revision when the text or
 * spans changed and leaves the status alone; a final save also sets the status, and appends a
 * revision unless the newest one is already this annotator's identical decision.
 */
export function saveUtterance(
  db: Db,
  input: SaveInput,
  now = new Date().toISOString(),
): { revision: RevisionInfo | null; status: UtteranceStatus } {
  return db.transaction(() => {
    const row = editableRow(db, input.id, input.annotatorId, now)
    const text = normalizeForStorage(input.text.trim().replace(/\s+/gu, ' '), projectRules(db))
    checkLanguageSpans(text, input.spans)
    if (input.hypothesisId !== null) {
      const ok = db
        .prepare('SELECT 1 FROM hypothesis WHERE id = ? AND utterance_id = ?')
        .get(input.hypothesisId, input.id)
      if (!ok)
        throw new SautiError(
          'validation',
          `hypothesis ${input.hypothesisId} does not belong to utterance ${input.id}`,
        )
    }
    beforeAnnotatorWrite(db, input.id, input.annotatorId, now)
    const head = requireBase(db, input.id, input.baseRevisionId, input.annotatorId)
    const changed = !head || head.text !== text || !sameSpans(head.spans, input.spans)
    const annotatorName = (
      db.prepare('SELECT name FROM annotator WHERE id = ?').get(input.annotatorId) as {
        name: string
      }
    ).name
    const decided =
      head !== null &&
      !head.draft &&
      head.sourceKind === 'annotator' &&
      head.annotator === annotatorName &&
      !changed
    let stored: StoredRevision | null = null
    const append = input.draft
      ? changed
      : input.status === 'corrected'
        ? !decided
        : changed && (text !== '' || head !== null)
    if (append)
      stored = appendRevision(db, {
        utteranceId: input.id,
        text,
        spans: input.spans,
        source: { kind: 'annotator', annotatorId: input.annotatorId },
        hypothesisId: input.hypothesisId,
        draft: input.draft || input.status !== 'corrected',
        createdAt: now,
      })
    let status = row.status
    // Blind double annotation: the first of two versions leaves the status for the second.
    const complete =
      input.draft || input.status !== 'corrected' || afterAnnotatorWrite(db, input.id).complete
    if (!input.draft && complete) {
      status = input.status
      db.prepare('UPDATE utterance SET status = ?, flag_reason = ? WHERE id = ?').run(
        status,
        input.status === 'flagged' ? (input.flagReason ?? null) : null,
        input.id,
      )
    }
    return { revision: stored ? revisionInfo(db, stored.id) : null, status }
  })()
}

/** The edges an utterance may take: inside its recording, not over its neighbours. */
function checkBounds(
  db: Db,
  row: UtteranceRow,
  startSec: number,
  endSec: number,
  ignore: number[],
) {
  if (endSec > row.duration_sec + 1e-6)
    throw new SautiError(
      'validation',
      `the utterance would end at ${endSec.toFixed(2)} s, after the recording (${row.duration_sec.toFixed(2)} s)`,
    )
  const overlap = db
    .prepare(
      `SELECT id, start_sec, end_sec FROM utterance
       WHERE recording_id = ? AND merged_into IS NULL AND id NOT IN (SELECT value FROM json_each(?))
         AND start_sec < ? AND end_sec > ? LIMIT 1`,
    )
    .get(row.recording_id, JSON.stringify(ignore), endSec - 1e-6, startSec + 1e-6) as
    { id: number; start_sec: number; end_sec: number } | undefined
  if (overlap)
    throw new SautiError(
      'conflict',
      `the utterance would overlap utterance ${overlap.id} (${overlap.start_sec.toFixed(2)}–${overlap.end_sec.toFixed(2)} s)`,
    )
}

/** Its hypotheses described other audio: they stay as history but no longer rank or show. */
const setHypothesesAside =
  'UPDATE utterance SET hypothesis_id = NULL, confidence = NULL WHERE id = ?'

export function setBounds(
  db: Db,
  input: { id: number; annotatorId: number; startSec: number; endSec: number },
  now = new Date().toISOString(),
): UtteranceDetail {
  db.transaction(() => {
    const row = editableRow(db, input.id, input.annotatorId, now)
    checkBounds(db, row, input.startSec, input.endSec, [row.id])
    db.prepare('UPDATE utterance SET start_sec = ?, end_sec = ? WHERE id = ?').run(
      input.startSec,
      input.endSec,
      input.id,
    )
    db.prepare(setHypothesesAside).run(input.id)
  })()
  return utteranceDetail(db, input.id, now)
}

const humanStatuses: UtteranceStatus[] = ['corrected', 'reviewed']

export function splitUtterance(
  db: Db,
  input: {
    id: number
    annotatorId: number
    baseRevisionId: number | null
    atSec: number
    leftText: string
    rightText: string
  },
  now = new Date().toISOString(),
): { left: UtteranceDetail; right: UtteranceDetail } {
  const rightId = db.transaction(() => {
    const row = editableRow(db, input.id, input.annotatorId, now)
    if (input.atSec < row.start_sec + 0.05 || input.atSec > row.end_sec - 0.05)
      throw new SautiError(
        'validation',
        `split point ${input.atSec.toFixed(2)} s is not inside utterance ${row.id} (${row.start_sec.toFixed(2)}–${row.end_sec.toFixed(2)} s)`,
      )
    const head = requireBase(db, row.id, input.baseRevisionId, input.annotatorId)
    const status: UtteranceStatus = humanStatuses.includes(row.status) ? 'corrected' : 'new'
    db.prepare('UPDATE utterance SET end_sec = ?, status = ? WHERE id = ?').run(
      input.atSec,
      status,
      row.id,
    )
    db.prepare(setHypothesesAside).run(row.id)
    const right = Number(
      db
        .prepare(
          `INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(row.recording_id, input.atSec, row.end_sec, row.speaker_id, row.language, status, now)
        .lastInsertRowid,
    )
    const source = { kind: 'annotator' as const, annotatorId: input.annotatorId }
    const left = input.leftText.trim().replace(/\s+/gu, ' ')
    const rightText = input.rightText.trim().replace(/\s+/gu, ' ')
    if (head !== null || left !== '')
      appendRevision(db, { utteranceId: row.id, text: left, source, createdAt: now })
    if (head !== null || rightText !== '')
      appendRevision(db, { utteranceId: right, text: rightText, source, createdAt: now })
    return right
  })()
  return {
    left: utteranceDetail(db, input.id, now, input.annotatorId),
    right: utteranceDetail(db, rightId, now, input.annotatorId),
  }
}

export function mergeUtterances(
  db: Db,
  input: { id: number; nextId: number; annotatorId: number; text: string },
  now = new Date().toISOString(),
): UtteranceDetail {
  db.transaction(() => {
    const row = editableRow(db, input.id, input.annotatorId, now)
    const next = utteranceRow(db, input.nextId)
    if (neighbour(db, row, 'next') !== next.id)
      throw new SautiError(
        'validation',
        `utterance ${next.id} is not the one right after utterance ${row.id} in the same recording`,
      )
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
    db.prepare(setHypothesesAside).run(row.id)
    appendRevision(db, {
      utteranceId: row.id,
      text: input.text.trim().replace(/\s+/gu, ' '),
      source: { kind: 'annotator', annotatorId: input.annotatorId },
      createdAt: now,
    })
  })()
  return utteranceDetail(db, input.id, now)
}
