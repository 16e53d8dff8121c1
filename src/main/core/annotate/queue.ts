import type {
  PriorityReason,
  QueueFacets,
  QueueFilter,
  QueueItem,
  QueueOrder,
  QueuePage,
  RevisionSourceKind,
} from '../../../shared/domain'
import { isMachineImport } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'
import { utteranceFields, type UtteranceBaseRow } from '../project/queries'
import { finishedByViewer, openDoubleJoin, visibleTo } from '../review/blind'
import { referenceReader } from '../asr/head-output'
import { heldByOthers } from './claims'
import { consentedSpeakers } from '../consent/policy'

export interface QueueQuery {
  order: QueueOrder
  descending: boolean
  filter: QueueFilter
  offset: number
  limit: number
  /** Count the whole filtered queue too (the first page of a snapshot). */
  counts: boolean
  /** The annotator asking: blind double annotation serves them their own version only. */
  viewer?: number | null
  /** Utterances the list keeps above the open one (left out of the ranking and the counts). */
  exclude?: number[]
}

/**
 * Each order is one index (see migration 6), so the first page of 100,000 utterances is an
 * index walk, not a sort. Utterances without a hypothesis rank after every labelled one.
 */
const orders: Record<QueueOrder, string[]> = {
  priority: ['coalesce(u.priority, 1e300)', 'u.id'],
  confidence: ['coalesce(u.confidence, 2)', 'u.id'],
  file: ['u.recording_id', 'u.start_sec'],
  duration: ['(u.end_sec - u.start_sec)', 'u.id'],
  speaker: ['u.speaker_id', 'u.recording_id', 'u.start_sec'],
}

interface Where {
  sql: string
  params: Record<string, unknown>
}

/**
 * The filter as SQL with named, bound parameters only. For ranking, every filter column is
 * written with a unary `+` (`+u.status`), which keeps SQLite from using its index: the only
 * index left is the order's, so the page is an index walk that stops after the page. Otherwise
 * it takes the status or speaker index and sorts every utterance to do (100 ms a page at
 * 100,000 utterances, 260 ms half-way down).
 */
function filterSql(
  filter: QueueFilter,
  now: string,
  ranking = false,
  viewer: number | null = null,
  exclude: readonly number[] = [],
): Where {
  const col = (name: string): string => `${ranking ? '+' : ''}u.${name}`
  // A purged recording's audio is gone (docs/consent.md): nothing of it can be annotated.
  const clauses = [
    'u.merged_into IS NULL',
    'NOT EXISTS (SELECT 1 FROM recording pr WHERE pr.id = u.recording_id AND pr.purged_at IS NOT NULL)',
  ]
  const params: Record<string, unknown> = {}
  // A blind utterance whose version the viewer has finished is done for them, though its
  // status waits for the second annotator (docs/review.md).
  if (viewer !== null && filter.status?.length && !filter.status.includes('corrected')) {
    clauses.push(`u.id NOT IN (${finishedByViewer})`)
    params.viewer = viewer
  }
  // What someone else is working on is not served to the viewer (docs/team-server.md).
  if (viewer !== null) {
    clauses.push(`u.id NOT IN (${heldByOthers})`)
    params.viewer = viewer
    params.claimNow = now
  }
  const list = (name: string, values: readonly unknown[]): string => {
    values.forEach((v, i) => (params[`${name}${i}`] = v))
    return values.map((_, i) => `:${name}${i}`).join(', ')
  }
  if (filter.status?.length) clauses.push(`${col('status')} IN (${list('status', filter.status)})`)
  if (filter.languages?.length)
    clauses.push(`${col('language')} IN (${list('language', filter.languages)})`)
  if (filter.speakers?.length)
    clauses.push(
      `${col('speaker_id')} IN (SELECT id FROM speaker WHERE code IN (${list('speaker', filter.speakers)}))`,
    )
  if (filter.minConfidence !== undefined) {
    clauses.push('u.confidence >= :minConfidence')
    params.minConfidence = filter.minConfidence
  }
  if (filter.maxConfidence !== undefined) {
    clauses.push('u.confidence <= :maxConfidence')
    params.maxConfidence = filter.maxConfidence
  }
  // One bound parameter however many: the ids as a JSON array.
  if (exclude.length) {
    clauses.push(`${col('id')} NOT IN (SELECT value FROM json_each(:exclude))`)
    params.exclude = JSON.stringify(exclude)
  }
  if (filter.hasHypothesis !== undefined)
    clauses.push(filter.hasHypothesis ? 'u.hypothesis_id IS NOT NULL' : 'u.hypothesis_id IS NULL')
  return { sql: clauses.join(' AND '), params }
}

interface QueueRow extends UtteranceBaseRow {
  confidence: number | null
  revision_text: string | null
  revision_draft: number | null
  revision_source: RevisionSourceKind | null
  hypothesis_text: string | null
  hypothesis_model: number | null
  hypothesis_checkpoint: number | null
  priority: number | null
  priority_reason: string | null
  returned_review_id: number | null
}

/** The columns of a page's rows, joined for the page's ids only (`inner` selects them, ordered). */
function pageSelect(inner: string, orderBy: string): string {
  return `SELECT u.id, u.recording_id, r.original_name, u.start_sec, u.end_sec, s.code AS speaker_code,
                 u.language, u.status, u.confidence, v.text AS revision_text, v.draft AS revision_draft,
                 v.source_kind AS revision_source,
                 h.text AS hypothesis_text, h.model_id AS hypothesis_model,
                 h.checkpoint_id AS hypothesis_checkpoint, u.priority, u.priority_reason,
                 u.returned_review_id
          FROM (${inner}) page
          CROSS JOIN utterance u ON u.id = page.id
          JOIN recording r ON r.id = u.recording_id
          LEFT JOIN speaker s ON s.id = u.speaker_id
          LEFT JOIN hypothesis h ON h.id = u.hypothesis_id
          ${openDoubleJoin('u', 'd')}
          LEFT JOIN revision v ON v.id = (SELECT max(x.id) FROM revision x
                                          WHERE x.utterance_id = u.id AND ${visibleTo('x', 'd')})
          ORDER BY ${orderBy}`
}

/**
 * The SQL of one page: exported so a test can read its query plan. `CROSS JOIN` makes SQLite
 * start from the page's ids (it would otherwise walk every utterance to satisfy the outer sort).
 * What a reviewer returned to the viewer is left out here: it comes first (`returnedQuery`).
 */
export function pageQuery(
  q: QueueQuery,
  now: string,
): { sql: string; params: Record<string, unknown> } {
  const consent = consentedSpeakers('annotation', now)
  const direction = q.descending ? ' DESC' : ''
  const orderBy = orders[q.order].map((term) => term + direction).join(', ')
  const ranked = filterSql(q.filter, now, true, q.viewer ?? null, q.exclude)
  const notReturned = q.viewer ? ' AND (+u.returned_to IS NULL OR +u.returned_to <> :viewer)' : ''
  return {
    sql: pageSelect(
      `SELECT u.id FROM utterance u WHERE ${ranked.sql} AND +u.speaker_id IN (${consent.sql})${notReturned}
       ORDER BY ${orderBy} LIMIT :limit OFFSET :offset`,
      orderBy,
    ),
    params: {
      ...ranked.params,
      ...consent.params,
      viewer: q.viewer ?? null,
      limit: q.limit,
      offset: q.offset,
    },
  }
}

/**
 * What reviewers sent back to the viewer, oldest rejection first, under the same filter: it heads
 * their queue whatever the order, since they are the one who knows what they wrote. Few rows, by
 * the partial index on `returned_to`.
 */
function returnedQuery(
  q: QueueQuery,
  viewer: number,
  now: string,
): { sql: string; params: Record<string, unknown> } {
  const consent = consentedSpeakers('annotation', now)
  const where = filterSql(q.filter, now, false, viewer)
  return {
    sql: pageSelect(
      `SELECT u.id FROM utterance u
       WHERE u.returned_to = :viewer AND ${where.sql} AND u.speaker_id IN (${consent.sql})
       ORDER BY u.returned_review_id`,
      'u.returned_review_id',
    ),
    params: { ...where.params, ...consent.params, viewer },
  }
}

/**
 * A page of the annotation queue, ranked and filtered by the store: the page's ids come from an
 * index walk, and only those rows are joined with their recording, speaker and texts. Counting
 * the whole filtered queue costs more than the page; the list asks for it once per snapshot.
 */
export function queuePage(db: WriteDb, q: QueueQuery, now = new Date().toISOString()): QueuePage {
  const consent = consentedSpeakers('annotation', now)
  const consented = `u.speaker_id IN (${consent.sql})`
  const returned = q.viewer ? returnedQuery(q, q.viewer, now) : null
  const first = returned ? (db.prepare(returned.sql).all(returned.params) as QueueRow[]) : []
  const shown = first.slice(q.offset, q.offset + q.limit)
  const page = pageQuery(
    { ...q, offset: Math.max(0, q.offset - first.length), limit: q.limit - shown.length },
    now,
  )
  const rows =
    shown.length < q.limit
      ? [...shown, ...(db.prepare(page.sql).all(page.params) as QueueRow[])]
      : shown
  let counts: { total: number; without: number } | null = null
  if (q.counts) {
    const where = filterSql(q.filter, now, false, q.viewer ?? null, q.exclude)
    counts = db
      .prepare(
        `SELECT count(*) FILTER (WHERE ${consented}) AS total,
                count(*) FILTER (WHERE u.speaker_id IS NULL OR u.speaker_id NOT IN (${consent.sql})) AS without
         FROM utterance u WHERE ${where.sql}`,
      )
      .get({ ...where.params, ...consent.params }) as { total: number; without: number }
  }
  const referenceOf = referenceReader(db)
  // A model's reference (phones, another language) is no transcript to preview.
  const machineText = (r: QueueRow): string | null =>
    r.hypothesis_model !== null &&
    referenceOf({
      modelId: r.hypothesis_model,
      checkpointId: r.hypothesis_checkpoint,
      language: r.language,
    })
      ? null
      : r.hypothesis_text
  return {
    total: counts?.total ?? null,
    offset: q.offset,
    withoutConsent: counts?.without ?? null,
    items: rows.map((r): QueueItem => ({
      ...utteranceFields(r),
      confidence: r.confidence,
      text: r.revision_text ?? machineText(r),
      draft: r.revision_draft === 1,
      machineImport:
        r.revision_source !== null &&
        isMachineImport({ sourceKind: r.revision_source, draft: r.revision_draft === 1 }),
      priority: r.priority,
      priorityReason: r.priority_reason ? (JSON.parse(r.priority_reason) as PriorityReason) : null,
      returned: r.returned_review_id !== null,
    })),
  }
}

/** The values the queue can be filtered by, counted over consented, unmerged utterances. */
export function queueFacets(db: WriteDb, now = new Date().toISOString()): QueueFacets {
  const consent = consentedSpeakers('annotation', now)
  const base = `FROM utterance u WHERE u.merged_into IS NULL AND u.speaker_id IN (${consent.sql})`
  const statuses = db
    .prepare(
      `SELECT u.status AS status, count(*) AS count ${base} GROUP BY u.status ORDER BY u.status`,
    )
    .all(consent.params) as QueueFacets['statuses']
  const speakers = db
    .prepare(
      `SELECT s.code AS code, count(*) AS count FROM utterance u JOIN speaker s ON s.id = u.speaker_id
       WHERE u.merged_into IS NULL AND u.speaker_id IN (${consent.sql})
       GROUP BY s.code ORDER BY s.code`,
    )
    .all(consent.params) as QueueFacets['speakers']
  const languages = db
    .prepare(
      `SELECT u.language AS language, count(*) AS count ${base} AND u.language IS NOT NULL
       GROUP BY u.language ORDER BY u.language`,
    )
    .all(consent.params) as QueueFacets['languages']
  return { statuses, speakers, languages }
}
