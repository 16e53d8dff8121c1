import type {
  FlagReason,
  Hypothesis,
  LanguageSpan,
  MachineImportOrigin,
  RevisionInfo,
  UtteranceDetail,
  UtteranceStatus,
} from '../../../shared/domain'
import { isMachineImport } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { said } from '../../../shared/messages'
import { parseWordTimes } from '../../../shared/word-time'
import { leaveRanking } from '../adapt/acquisition'
import { fitsSpanSql } from '../asr/decoded-span'
import { referenceReader } from '../asr/head-output'
import { speakerConsent } from '../consent/policy'
import type { WriteDb } from '../db/connection'
import { storedTranscript } from '../language/rules'
import { utteranceFields, type UtteranceBaseRow } from '../project/queries'
import { humanText, machineImport } from '../provenance/human-text'
import { appendRevision } from '../provenance/revisions'
import { claimSlot, recordVersion, visibleHeadId } from '../review/blind'
import { returnedNote } from '../discuss/returns'
import { startingPoint } from './prefill'
import { appends, requireOwnHypothesis, type SaveInput } from './save-rules'
import { checkedWordTimes, revisionWordTimes, wordTierOf } from './word-tier'

/*
 * What the editor reads of an utterance, its save, and the guard every annotator's write passes
 * first (here and in structure.ts): the utterance exists, its speaker consented, the writer has
 * a profile.
 */

export interface UtteranceRow extends UtteranceBaseRow {
  duration_sec: number
  speaker_id: number | null
  confidence: number | null
  flag_reason: FlagReason | null
  noisy_by: string | null
  noisy_at: string | null
  hypothesis_id: number | null
  merged_into: number | null
}

export function utteranceRow(db: WriteDb, id: number): UtteranceRow {
  const row = db
    .prepare(
      `SELECT u.id, u.recording_id, r.original_name, r.duration_sec, u.start_sec, u.end_sec, u.speaker_id,
              s.code AS speaker_code, u.language, u.status, u.confidence, u.flag_reason, u.hypothesis_id,
              u.merged_into, nm.name AS noisy_by, u.noisy_marked_at AS noisy_at
       FROM utterance u JOIN recording r ON r.id = u.recording_id LEFT JOIN speaker s ON s.id = u.speaker_id
       LEFT JOIN annotator nm ON nm.id = u.noisy_marked_by
       WHERE u.id = ?`,
    )
    .get(id) as UtteranceRow | undefined
  if (!row) throw SautiError.saying('not_found', 'noUtterance', { id })
  if (row.merged_into !== null)
    throw SautiError.saying(
      'not_found',
      'utteranceMerged',
      { id, into: row.merged_into },
      { mergedInto: row.merged_into },
    )
  return row
}

/** Only speakers who consented to annotation are served to annotators. */
function requireConsent(db: WriteDb, row: UtteranceRow, now: string): void {
  const state =
    row.speaker_id === null ? 'none' : speakerConsent(db, row.speaker_id, now).annotation
  if (state === 'granted') return
  const who = row.speaker_code
    ? said('speakerNamed', { code: row.speaker_code })
    : said('speakerUnknown')
  throw SautiError.saying(
    'forbidden',
    'notServed',
    { id: row.id, who, consentState: state },
    { consent: state },
  )
}

/** An utterance as served to anyone on the project: it exists, is not merged away, its speaker consented. */
export function servedRow(db: WriteDb, id: number, now: string): UtteranceRow {
  const row = utteranceRow(db, id)
  requireConsent(db, row, now)
  return row
}

/** The writer's profile name; refused when there is no such profile. */
function annotatorName(db: WriteDb, annotatorId: number): string {
  const row = db.prepare('SELECT name FROM annotator WHERE id = ?').get(annotatorId) as
    { name: string } | undefined
  if (!row) throw SautiError.saying('not_found', 'noProfile', { id: annotatorId })
  return row.name
}

/**
 * An utterance an annotator may change: it exists, is not merged away, its speaker consented,
 * and the writer has a profile (whose name comes back with the row).
 */
export function editableRow(
  db: WriteDb,
  id: number,
  annotatorId: number,
  now: string,
): { row: UtteranceRow; annotator: string } {
  return { row: servedRow(db, id, now), annotator: annotatorName(db, annotatorId) }
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
  db: WriteDb,
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

function revisionInfo(db: WriteDb, id: number): RevisionInfo {
  return toRevisionInfo(db.prepare(`${revisionSelect} WHERE v.id = ?`).get(id) as RevisionRow)
}

interface HypothesisRow {
  id: number
  rank: number
  text: string
  confidence: number | null
  word_confidences: string
  word_times: string
  calibration_id: number | null
  model_id: number
  checkpoint_id: number | null
  language: string | null
  model_name: string
}

/**
 * The N-best that the utterance's current best hypothesis belongs to (its model and head, decoded
 * from the utterance's span as it is now), each saying whether it is a transcript or only a
 * reference (asr/head-output.ts). None when nothing was decoded from this span yet.
 */
function currentHypotheses(db: WriteDb, hypothesisId: number | null): Hypothesis[] {
  if (hypothesisId === null) return []
  const rows = db
    .prepare(
      `SELECT h.id, h.rank, h.text, h.confidence, h.word_confidences, h.word_times, h.calibration_id,
              h.model_id, h.checkpoint_id, u.language, m.name AS model_name
       FROM hypothesis best
       JOIN utterance u ON u.id = best.utterance_id AND ${fitsSpanSql('best', 'u')}
       JOIN hypothesis h ON h.utterance_id = best.utterance_id AND h.model_id = best.model_id
                        AND h.checkpoint_id IS best.checkpoint_id AND ${fitsSpanSql('h', 'u')}
       JOIN model m ON m.id = h.model_id
       WHERE best.id = ? ORDER BY h.rank`,
    )
    .all(hypothesisId) as HypothesisRow[]
  const reference = referenceReader(db)
  return rows.map((r) => ({
    id: r.id,
    rank: r.rank,
    text: r.text,
    confidence: r.confidence,
    wordConfidences: JSON.parse(r.word_confidences) as number[],
    calibrated: r.calibration_id !== null,
    wordTimes: parseWordTimes(r.word_times),
    modelName: r.model_name,
    reference: reference({
      modelId: r.model_id,
      checkpointId: r.checkpoint_id,
      language: r.language,
    }),
  }))
}

export function neighbour(
  db: WriteDb,
  row: UtteranceRow,
  direction: 'previous' | 'next',
): number | null {
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
  db: WriteDb,
  id: number,
  now = new Date().toISOString(),
  viewerId: number | null = null,
): UtteranceDetail {
  const row = servedRow(db, id, now)
  const head = headRevision(db, id, viewerId)
  const hypotheses = currentHypotheses(db, row.hypothesis_id)
  const revisionCount = (
    db.prepare('SELECT count(*) AS n FROM revision WHERE utterance_id = ?').get(id) as { n: number }
  ).n
  const machineImport = machineImportOf(db, id)
  return {
    utterance: {
      ...utteranceFields(row),
      text: head?.text ?? null,
      textSource: head?.sourceKind ?? null,
      // The newest revision is the newest import draft, which machineImport describes.
      machineOutput:
        head && isMachineImport(head) ? { system: machineImport?.system ?? null } : null,
      confidence: row.confidence,
      flagReason: row.flag_reason,
      noisy:
        row.noisy_by !== null && row.noisy_at !== null
          ? { by: row.noisy_by, at: row.noisy_at }
          : null,
    },
    recording: {
      id: row.recording_id,
      originalName: row.original_name,
      durationSec: row.duration_sec,
    },
    speaker:
      row.speaker_id === null || row.speaker_code === null
        ? null
        : {
            code: row.speaker_code,
            annotationConsent: speakerConsent(db, row.speaker_id, now).annotation,
          },
    hypotheses,
    head,
    revisionCount,
    returned: returnedNote(db, id),
    previousId: neighbour(db, row, 'previous'),
    nextId: neighbour(db, row, 'next'),
    wordTier: wordTierOf(db, head, hypotheses, { startSec: row.start_sec, endSec: row.end_sec }),
    machineImport,
    start: startingPoint(db, hypotheses, head),
  }
}

/**
 * The newest machine output an import brought for the utterance, unless a person's transcript
 * (a decision, not a draft) came after it: then the text is theirs, whatever it started from.
 */
function machineImportOf(db: WriteDb, utteranceId: number): MachineImportOrigin | null {
  const row = db
    .prepare(
      `SELECT mi.text, mi.machine_system, mi.source_ref, a.name AS imported_by, mi.created_at
       FROM revision mi LEFT JOIN annotator a ON a.id = mi.imported_by
       WHERE mi.id = (SELECT max(m.id) FROM revision m WHERE m.utterance_id = ? AND ${machineImport('m')})
         AND NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = mi.utterance_id AND v.id > mi.id
                           AND ${humanText('v')})`,
    )
    .get(utteranceId) as
    | {
        text: string
        machine_system: string | null
        source_ref: string
        imported_by: string | null
        created_at: string
      }
    | undefined
  return row
    ? {
        text: row.text,
        system: row.machine_system,
        ref: row.source_ref,
        importedBy: row.imported_by,
        importedAt: row.created_at,
      }
    : null
}

/**
 * The revision a write sits on, `headId` (the newest the writer sees), refusing a write made on
 * top of another one: another window (or person) saved in between, and silently writing over
 * them would lose their work.
 */
export function requireBase(
  db: WriteDb,
  utteranceId: number,
  baseRevisionId: number | null,
  headId: number | null,
): RevisionInfo | null {
  const head = headId === null ? null : revisionInfo(db, headId)
  if (headId === baseRevisionId) return head
  const who = head?.annotator ?? head?.sourceKind ?? 'someone'
  throw SautiError.saying('conflict', 'savedElsewhere', { id: utteranceId, who }, { head })
}

/**
 * Saves the editor in one transaction, in three steps: blind double annotation says which
 * revision this writer's version sits on (review/blind.ts), the save appends its revision, and
 * blind double annotation records what the version means for the pair. A draft leaves the
 * status alone; a final save sets it (unless it is the first of two blind versions) and takes
 * the utterance out of the "most useful first" order.
 */
export function saveUtterance(
  db: WriteDb,
  input: SaveInput,
  now = new Date().toISOString(),
): { revision: RevisionInfo | null; status: UtteranceStatus } {
  return db
    .transaction(() => {
      const { row, annotator } = editableRow(db, input.id, input.actorId, now)
      const text = storedTranscript(db, input.text, input.spans)
      requireOwnHypothesis(db, input, text)

      const slot = claimSlot(db, input.id, input.actorId, now)
      const head = requireBase(db, input.id, input.baseRevisionId, slot.headId)
      const times = {
        mine: input.wordTimes
          ? checkedWordTimes(text, input.wordTimes, {
              startSec: row.start_sec,
              endSec: row.end_sec,
            })
          : null,
        theirs: head ? revisionWordTimes(db, head.id) : null,
      }

      const stored = appends(input, text, head, annotator, times)
        ? appendRevision(db, {
            utteranceId: input.id,
            text,
            spans: input.spans,
            wordTimes: times.mine,
            source: { kind: 'annotator', annotatorId: input.actorId },
            hypothesisId: input.hypothesisId,
            draft: input.draft || input.status !== 'corrected',
            createdAt: now,
          })
        : null
      const revision = stored ? revisionInfo(db, stored.id) : null

      if (input.draft) return { revision, status: row.status }
      const complete = input.status !== 'corrected' || recordVersion(db, slot).complete
      leaveRanking(db, input.id)
      if (!complete) return { revision, status: row.status }
      db.prepare('UPDATE utterance SET status = ?, flag_reason = ? WHERE id = ?').run(
        input.status,
        input.status === 'flagged' ? (input.flagReason ?? null) : null,
        input.id,
      )
      return { revision, status: input.status }
    })
    .immediate()
}
