import type { ReviewQueueItem, ReviewQueuePage, ReviewReason } from '../../../shared/domain'
import { consentedSpeakers } from '../consent/policy'
import type { WriteDb } from '../db/connection'
import { inSampleSql, sampleThreshold } from './sample'
import { reviewSettings } from './settings'

export interface ReviewQueueQuery {
  reasons: ReviewReason[]
  offset: number
  limit: number
}

/**
 * The reviewer's "needs review" queue as SQL: flagged utterances, double annotations whose two
 * versions disagree more than the project allows, in words or in language tags (until
 * adjudicated), and the deterministic sample of accepted (corrected) work. Each part is a search
 * of its own index (utterance_by_status, double_annotation_apart), so the queue costs what it
 * holds, not what the project holds; the union, which is small, is then sorted. Exported for
 * the query-plan test.
 */
export function reviewQueueSql(
  db: WriteDb,
  reasons: readonly ReviewReason[],
  now: string,
): { sql: string; params: Record<string, unknown> } {
  const settings = reviewSettings(db)
  const consent = consentedSpeakers('annotation', now)
  const consented = `+u.speaker_id IN (${consent.sql})`
  // Versions disagree in their words or in their language tags: the larger figure decides, as
  // the index double_annotation_apart has it.
  const apart = `d.adjudicated_revision_id IS NULL
    AND max(d.agreement_wer, coalesce(d.agreement_tags, 0)) > :lowAgreement`
  const disagreeing = `SELECT d.utterance_id FROM double_annotation d WHERE ${apart}`
  const parts: string[] = []
  if (reasons.includes('flagged'))
    parts.push(`SELECT u.id AS id, 'flagged' AS reason, 0 AS rank, NULL AS agreement, NULL AS tags
      FROM utterance u WHERE u.status = 'flagged' AND u.merged_into IS NULL AND ${consented}`)
  if (reasons.includes('low_agreement'))
    parts.push(`SELECT d.utterance_id AS id, 'low_agreement' AS reason, 1 AS rank,
        d.agreement_wer AS agreement, d.agreement_tags AS tags
      FROM double_annotation d JOIN utterance u ON u.id = d.utterance_id
      WHERE ${apart} AND u.status <> 'flagged' AND u.merged_into IS NULL AND ${consented}`)
  if (reasons.includes('sampled'))
    parts.push(`SELECT u.id AS id, 'sampled' AS reason, 2 AS rank, NULL AS agreement, NULL AS tags
      FROM utterance u WHERE u.status = 'corrected' AND u.merged_into IS NULL
        AND ${inSampleSql('u.id', 'review')} AND u.id NOT IN (${disagreeing}) AND ${consented}`)
  if (parts.length === 0)
    parts.push(
      'SELECT NULL AS id, NULL AS reason, 0 AS rank, NULL AS agreement, NULL AS tags LIMIT 0',
    )
  return {
    sql: parts.join('\nUNION ALL\n'),
    params: {
      ...consent.params,
      lowAgreement: settings.lowAgreementWer,
      seed: settings.seed,
      threshold: sampleThreshold(settings.reviewShare),
    },
  }
}

interface ItemRow {
  id: number
  reason: ReviewReason
  agreement: number | null
  tags: number | null
  status: ReviewQueueItem['status']
  original_name: string
  start_sec: number
  end_sec: number
  speaker_code: string | null
  language: string | null
  flag_reason: ReviewQueueItem['flagReason']
  noisy: number
  revision_id: number | null
  text: string | null
  annotator: string | null
}

export function reviewQueue(
  db: WriteDb,
  q: ReviewQueueQuery,
  now = new Date().toISOString(),
): ReviewQueuePage {
  const queue = reviewQueueSql(db, q.reasons, now)
  // Only the parameters a statement names may be bound.
  const used = (sql: string): Record<string, unknown> =>
    Object.fromEntries(Object.entries(queue.params).filter(([k]) => sql.includes(`:${k}`)))
  const totalSql = `SELECT count(*) AS n FROM (${queue.sql})`
  const total = (db.prepare(totalSql).get(used(totalSql)) as { n: number }).n
  const pageSql = `SELECT q.id, q.reason, q.agreement, q.tags, u.status, r.original_name, u.start_sec, u.end_sec,
            s.code AS speaker_code, u.language, u.flag_reason,
            u.noisy_marked_at IS NOT NULL AS noisy, v.id AS revision_id, v.text, a.name AS annotator
     FROM (SELECT * FROM (${queue.sql}) ORDER BY rank, id LIMIT :limit OFFSET :offset) q
     CROSS JOIN utterance u ON u.id = q.id
     JOIN recording r ON r.id = u.recording_id
     LEFT JOIN speaker s ON s.id = u.speaker_id
     LEFT JOIN revision v ON v.id = (SELECT max(id) FROM revision WHERE utterance_id = u.id)
     LEFT JOIN annotator a ON a.id = v.annotator_id
     ORDER BY q.rank, q.id`
  const rows = db
    .prepare(pageSql)
    .all({ ...used(pageSql), limit: q.limit, offset: q.offset }) as ItemRow[]
  return {
    offset: q.offset,
    total,
    items: rows.map((r) => ({
      utteranceId: r.id,
      reason: r.reason,
      status: r.status,
      recordingName: r.original_name,
      startSec: r.start_sec,
      endSec: r.end_sec,
      speakerCode: r.speaker_code,
      language: r.language,
      flagReason: r.flag_reason,
      noisy: r.noisy === 1,
      revisionId: r.revision_id,
      text: r.text,
      annotator: r.annotator,
      agreementWer: r.agreement,
      agreementTags: r.tags,
    })),
  }
}
