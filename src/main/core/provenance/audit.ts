import { diffWords } from 'diff'
import type {
  AuditEntry,
  AuditReport,
  LanguageSpan,
  Page,
  RevisionHistoryEntry,
  WordDiffPart,
} from '../../../shared/domain'
import { isMachineImport } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { ReadDb, WriteDb } from '../db/connection'
import { decision } from './human-text'
import { revisionHash, revisionsOf, verifyChain, type RevisionRow } from './revisions'

/**
 * Re-verifies every utterance's hash chain (`verifyChain`, the same check the editor relies on)
 * and names the first revision of each broken chain: a row edited, inserted or deleted behind
 * the application's back. Spans that are no longer JSON are reported the same way.
 */
export function verifyProject(db: ReadDb): AuditReport {
  const report: AuditReport = { ok: true, utterances: 0, revisions: 0, broken: [] }
  // Every utterance with revisions, or one that had some (its recorded head says so).
  const rows = db
    .prepare(
      `SELECT u.id, u.revision_head AS head, count(v.id) AS n, max(v.id) AS last
       FROM utterance u LEFT JOIN revision v ON v.utterance_id = u.id
       GROUP BY u.id HAVING count(v.id) > 0 OR u.revision_head IS NOT NULL ORDER BY u.id`,
    )
    .all() as { id: number; head: string | null; n: number; last: number | null }[]
  const hashOf = db.prepare('SELECT hash FROM revision WHERE id = ?')
  for (const { id: utteranceId, head, n, last } of rows) {
    report.utterances++
    report.revisions += n
    let revisionId: number | null = null
    let reason =
      'its content or its place in the chain does not match its hash (changed outside Sauti)'
    try {
      const result = verifyChain(db, utteranceId)
      if (!result.ok) revisionId = result.revisionId
    } catch {
      revisionId = firstUnreadable(db, utteranceId)
    }
    const newest = last === null ? null : (hashOf.get(last) as { hash: string }).hash
    if (revisionId === null && head !== null && newest !== head) {
      // A valid chain that ends early: its newest revisions were deleted.
      revisionId = last ?? 0
      reason = `its newest revision is missing: the chain ends ${last === null ? 'before it starts' : `at revision ${last}`} but the utterance recorded a later one (deleted outside Sauti)`
    }
    if (revisionId !== null) {
      report.ok = false
      report.broken.push({ utteranceId, revisionId, reason })
    }
  }
  return report
}

/** The first revision of an utterance whose stored spans no longer parse. */
function firstUnreadable(db: ReadDb, utteranceId: number): number {
  const rows = db
    .prepare('SELECT id, spans FROM revision WHERE utterance_id = ? ORDER BY id')
    .all(utteranceId) as { id: number; spans: string }[]
  for (const r of rows) {
    try {
      JSON.parse(r.spans)
    } catch {
      return r.id
    }
  }
  return rows[0]?.id ?? 0
}

interface LogRow extends RevisionRow {
  annotator: string | null
  model: string | null
  importer: string | null
}

const logQuery = `
  SELECT v.*, a.name AS annotator, m.name AS model, i.name AS importer FROM revision v
  LEFT JOIN annotator a ON a.id = v.annotator_id
  LEFT JOIN model m ON m.id = v.model_id
  LEFT JOIN annotator i ON i.id = v.imported_by`

const entry = (r: LogRow): AuditEntry => ({
  revisionId: r.id,
  utteranceId: r.utterance_id,
  parentId: r.parent_id,
  createdAt: r.created_at,
  text: r.text,
  draft: r.draft === 1,
  source: {
    kind: r.source_kind,
    annotator: r.annotator,
    model: r.model,
    checkpointId: r.checkpoint_id,
    ref: r.source_ref,
    machine: isMachineImport({ sourceKind: r.source_kind, draft: r.draft === 1 })
      ? { system: r.machine_system ?? null, importedBy: r.importer }
      : null,
  },
})

/** The project's revision history, oldest first: who or what wrote each label, from what, when. */
export function auditLog(
  db: WriteDb,
  options: { offset: number; limit: number; utteranceId?: number; includeDrafts: boolean },
): Page<AuditEntry> {
  const where = `WHERE (:utterance IS NULL OR v.utterance_id = :utterance) AND (:drafts = 1 OR ${decision('v')})`
  const params = {
    utterance: options.utteranceId ?? null,
    drafts: options.includeDrafts ? 1 : 0,
  }
  const total = (
    db.prepare(`SELECT count(*) AS n FROM revision v ${where}`).get(params) as { n: number }
  ).n
  const rows = db
    .prepare(`${logQuery} ${where} ORDER BY v.id LIMIT :limit OFFSET :offset`)
    .all({ ...params, limit: options.limit, offset: options.offset }) as LogRow[]
  return { total, offset: options.offset, items: rows.map(entry) }
}

/** Words added and removed from one text to the next, whitespace kept with its words. */
export function wordDiff(before: string, after: string): WordDiffPart[] {
  return diffWords(before, after).map((c) => ({
    kind: c.added ? 'added' : c.removed ? 'removed' : 'same',
    text: c.value,
  }))
}

/**
 * An utterance's revisions for the history view, oldest first, each with its source, a word
 * diff to its parent and whether the chain still verifies up to it.
 */
export function revisionHistory(db: WriteDb, utteranceId: number): RevisionHistoryEntry[] {
  if (!db.prepare('SELECT 1 FROM utterance WHERE id = ?').get(utteranceId))
    throw SautiError.saying('not_found', 'noUtterance', { id: utteranceId })
  const rows = db
    .prepare(`${logQuery} WHERE v.utterance_id = ? ORDER BY v.id`)
    .all(utteranceId) as LogRow[]
  const revisions = new Map(revisionsOf(db, utteranceId).map((r) => [r.id, r]))
  const texts = new Map(rows.map((r) => [r.id, r.text]))
  // The same walk as verifyChain, remembering where the chain stops holding.
  const hashes = new Map<number, string>()
  let intact = true
  let parentHash: string | null = null
  let previousId: number | null = null
  return rows.map((r) => {
    const s = revisions.get(r.id)!
    const mergeHash = s.mergeParentId === null ? null : (hashes.get(s.mergeParentId) ?? '')
    intact =
      intact && s.parentId === previousId && revisionHash(parentHash, s, mergeHash) === s.hash
    parentHash = s.hash
    previousId = s.id
    hashes.set(s.id, s.hash)
    return {
      ...entry(r),
      spans: s.spans as LanguageSpan[],
      hash: r.hash,
      intact,
      diff: wordDiff(r.parent_id === null ? '' : (texts.get(r.parent_id) ?? ''), r.text),
    }
  })
}
