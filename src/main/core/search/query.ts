import type {
  FlagReason,
  RevisionSourceKind,
  SearchFilter,
  SearchHit,
  SearchPage,
} from '../../../shared/domain'
import { consentedSpeakers } from '../consent/policy'
import type { ReadDb } from '../db/connection'
import { normalizeForStorage, projectRules } from '../language/rules'
import { utterancePlace, type UtteranceBaseRow } from '../project/queries'
import { openDoubleJoin, visibleTo } from '../review/blind'
import { markClose, markOpen, matchQuery, piecesOf } from './match'

export interface SearchQuery {
  filter: SearchFilter
  /** The profile asking; null for no one in particular (sees no annotator's blind version). */
  viewer: number | null
  offset: number
  limit: number
}

/** The two indexes over `search_text` (migration 15): the only table names this file puts in SQL. */
const indexes = { exact: 'search_exact', folded: 'search_folded' } as const

interface Where {
  clauses: string[]
  params: Record<string, unknown>
}

/**
 * What every search keeps out (as the queue does): merged utterances, purged recordings and
 * speakers without consent to annotation at `now`; then the person's filters, all bound. A
 * purged recording's text is already gone from the index (migration 15), so a search by words
 * (`indexed`) need not look at recordings for it.
 */
function filterSql(filter: SearchFilter, now: string, indexed: boolean): Where {
  const consent = consentedSpeakers('annotation', now)
  const clauses = [
    'u.merged_into IS NULL',
    ...(indexed
      ? []
      : [
          'NOT EXISTS (SELECT 1 FROM recording pr WHERE pr.id = u.recording_id AND pr.purged_at IS NOT NULL)',
        ]),
    `u.speaker_id IN (${consent.sql})`,
  ]
  const params: Record<string, unknown> = { ...consent.params }
  const list = (name: string, values: readonly unknown[]): string => {
    values.forEach((v, i) => (params[`${name}${i}`] = v))
    return values.map((_, i) => `:${name}${i}`).join(', ')
  }
  if (filter.status?.length) clauses.push(`u.status IN (${list('status', filter.status)})`)
  if (filter.languages?.length)
    clauses.push(`u.language IN (${list('language', filter.languages)})`)
  if (filter.speakers?.length)
    clauses.push(
      `u.speaker_id IN (SELECT id FROM speaker WHERE code IN (${list('speaker', filter.speakers)}))`,
    )
  if (filter.flags?.length) clauses.push(`u.flag_reason IN (${list('flag', filter.flags)})`)
  if (filter.noisy !== undefined)
    clauses.push(`u.noisy_marked_at IS ${filter.noisy ? 'NOT NULL' : 'NULL'}`)
  if (filter.annotators?.length)
    clauses.push(
      `EXISTS (SELECT 1 FROM revision wa WHERE wa.utterance_id = u.id
               AND wa.annotator_id IN (${list('annotator', filter.annotators)}))`,
    )
  if (filter.reviewers?.length)
    clauses.push(
      `EXISTS (SELECT 1 FROM revision wr JOIN review rv ON rv.revision_id = wr.id
               WHERE wr.utterance_id = u.id AND rv.reviewer_id IN (${list('reviewer', filter.reviewers)}))`,
    )
  // The current transcript's day: times are stored as ISO 8601 UTC, so a day is a prefix.
  if (filter.from || filter.to) {
    clauses.push(
      `EXISTS (SELECT 1 FROM search_text wt JOIN revision wd ON wd.id = wt.revision_id
               WHERE wt.utterance_id = u.id AND substr(wd.created_at, 1, 10) BETWEEN :from AND :to)`,
    )
    params.from = filter.from ?? '0000-00-00'
    params.to = filter.to ?? '9999-99-99'
  }
  return { clauses, params }
}

/** Reviewers and leads see every version of a blind utterance; annotators only their own. */
function seesEverything(db: ReadDb, viewer: number | null): boolean {
  if (viewer === null) return false
  const row = db.prepare('SELECT role FROM annotator WHERE id = ?').get(viewer) as
    { role: string } | undefined
  return row !== undefined && row.role !== 'annotator'
}

interface HitRow extends UtteranceBaseRow {
  flag_reason: FlagReason | null
  noisy: number
  marked: string | null
  source_kind: RevisionSourceKind | null
  writer: string | null
  created_at: string | null
}

const hitColumns = `u.id, u.recording_id, r.original_name, u.start_sec, u.end_sec, s.code AS speaker_code,
  u.language, u.status, u.flag_reason, u.noisy_marked_at IS NOT NULL AS noisy, v.source_kind, w.name AS writer, v.created_at`

function toHit(r: HitRow): SearchHit {
  return {
    utteranceId: r.id,
    ...utterancePlace(r),
    flagReason: r.flag_reason,
    noisy: r.noisy === 1,
    pieces: r.marked === null ? [] : piecesOf(r.marked),
    source: r.source_kind,
    writer: r.writer,
    writtenAt: r.created_at,
  }
}

/**
 * The SQL of a search (exported so a test can read its plan). Results come in utterance order
 * (a recording's utterances together, in time), which the index yields as it walks, so a page
 * stops after its rows; ranking by relevance would score every match first, and transcripts a
 * few words long differ little in relevance. With words, another annotator's blind version is
 * not searched; without, utterances are listed with the newest transcript their viewer may see.
 */
export function searchSql(
  db: ReadDb,
  q: SearchQuery,
  now: string,
): { page: string; count: string; params: Record<string, unknown> } {
  const typed = q.filter.text ? normalizeForStorage(q.filter.text, projectRules(db)) : ''
  const match = matchQuery(typed)
  const where = filterSql(q.filter, now, match !== null)
  const params: Record<string, unknown> = {
    ...where.params,
    viewer: q.viewer,
    everything: seesEverything(db, q.viewer) ? 1 : 0,
    limit: q.limit,
    offset: q.offset,
  }
  if (match === null) {
    const inner = `SELECT u.id FROM utterance u WHERE ${where.clauses.join(' AND ')}`
    return {
      page: `SELECT ${hitColumns}, v.text AS marked
             FROM (${inner} ORDER BY u.id LIMIT :limit OFFSET :offset) page
             CROSS JOIN utterance u ON u.id = page.id
             JOIN recording r ON r.id = u.recording_id
             LEFT JOIN speaker s ON s.id = u.speaker_id
             ${openDoubleJoin('u', 'd')}
             LEFT JOIN revision v ON v.id = (SELECT max(x.id) FROM revision x
               WHERE x.utterance_id = u.id AND (:everything = 1 OR ${visibleTo('x', 'd')}))
             LEFT JOIN annotator w ON w.id = v.annotator_id
             ORDER BY u.id`,
      count: `SELECT count(*) AS n FROM (${inner})`,
      params,
    }
  }
  const fts = q.filter.exactDiacritics ? indexes.exact : indexes.folded
  params.match = match
  // The index's rowid is the utterance's id. Only a blind utterance needs its transcript's
  // revision to say whether the viewer may search it; counting thousands of matches then costs
  // one lookup of the utterance each.
  const matching = `${fts} CROSS JOIN utterance u ON u.id = ${fts}.rowid ${openDoubleJoin('u', 'd')}`
  const condition = `${fts} MATCH :match
    AND (d.utterance_id IS NULL OR :everything = 1 OR EXISTS (
      SELECT 1 FROM search_text bt JOIN revision bv ON bv.id = bt.revision_id
      WHERE bt.utterance_id = u.id AND ${visibleTo('bv', 'd')}))
    AND ${where.clauses.join(' AND ')}`
  return {
    page: `SELECT ${hitColumns}, highlight(${fts}, 0, :markOpen, :markClose) AS marked
           FROM ${matching}
           JOIN search_text t ON t.utterance_id = u.id
           LEFT JOIN revision v ON v.id = t.revision_id
           JOIN recording r ON r.id = u.recording_id
           LEFT JOIN speaker s ON s.id = u.speaker_id
           LEFT JOIN annotator w ON w.id = v.annotator_id
           WHERE ${condition}
           ORDER BY ${fts}.rowid LIMIT :limit OFFSET :offset`,
    count: `SELECT count(*) AS n FROM ${matching} WHERE ${condition}`,
    params: { ...params, markOpen, markClose },
  }
}

/** One page of utterances matching a search, with the number of all that match. */
export function searchUtterances(
  db: ReadDb,
  q: SearchQuery,
  now = new Date().toISOString(),
): SearchPage {
  const { page, count, params } = searchSql(db, q, now)
  const rows = db.prepare(page).all(params) as HitRow[]
  const { n } = db.prepare(count).get(params) as { n: number }
  return { total: n, offset: q.offset, items: rows.map(toHit) }
}
