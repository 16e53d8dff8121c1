import type { LanguageSpan, VersionAgreement } from '../../../shared/domain'
import { tagAgreement } from '../../../shared/metrics/tag-agreement'
import { defaultLanguage } from '../annotate/annotators'
import type { WriteDb, ReadDb } from '../db/connection'
import { projectRules } from '../language/rules'
import { scoreWithMatrices } from '../language/scoring'
import { annotatorText } from '../provenance/human-text'
import { inSample } from './sample'
import { reviewSettings } from './settings'

/**
 * Blind double annotation (docs/review.md). A sampled utterance is served to two annotators,
 * each without the other's text. Nothing is hidden in the revision table: the queue and the
 * editor consult `double_annotation` and serve each annotator the newest revision up to the
 * base (what both started from), anything not written by an annotator (imports, models), and
 * their own revisions. Once adjudicated, the utterance is ordinary again.
 */
export interface OpenDouble {
  utteranceId: number
  baseRevisionId: number | null
  firstAnnotatorId: number
  secondAnnotatorId: number | null
}

export function openDouble(db: WriteDb, utteranceId: number): OpenDouble | null {
  const row = db
    .prepare(
      `SELECT utterance_id, base_revision_id, first_annotator_id, second_annotator_id
       FROM double_annotation WHERE utterance_id = ? AND adjudicated_revision_id IS NULL`,
    )
    .get(utteranceId) as
    | {
        utterance_id: number
        base_revision_id: number | null
        first_annotator_id: number
        second_annotator_id: number | null
      }
    | undefined
  return row
    ? {
        utteranceId: row.utterance_id,
        baseRevisionId: row.base_revision_id,
        firstAnnotatorId: row.first_annotator_id,
        secondAnnotatorId: row.second_annotator_id,
      }
    : null
}

/**
 * Which revisions `:viewer` may see (a SQL condition over revision alias `x` and the utterance's
 * open double-annotation row `d`, which is NULL for ordinary utterances). Without a viewer
 * (:viewer NULL) no annotator's blind version is shown.
 */
export function visibleTo(x: string, d: string): string {
  return `(${d}.utterance_id IS NULL OR ${x}.id <= coalesce(${d}.base_revision_id, 0)
           OR ${x}.source_kind <> 'annotator' OR ${x}.annotator_id = :viewer)`
}

/** Open double annotations, as a LEFT JOIN onto utterance alias `u`. */
export function openDoubleJoin(u: string, d: string): string {
  return `LEFT JOIN double_annotation ${d} ON ${d}.utterance_id = ${u}.id AND ${d}.adjudicated_revision_id IS NULL`
}

/**
 * Blind utterances `:viewer` has finished their version of: for them the utterance is done,
 * although it waits for the other annotator (its status stays as it was until both are in).
 */
export const finishedByViewer = `
  SELECT d.utterance_id FROM double_annotation d
  WHERE d.adjudicated_revision_id IS NULL AND EXISTS (
    SELECT 1 FROM revision x WHERE x.utterance_id = d.utterance_id AND x.annotator_id = :viewer
      AND ${annotatorText('x')} AND x.id > coalesce(d.base_revision_id, 0))`

/** The newest revision `viewerId` may see; undefined when the utterance is not blind. */
export function visibleHeadId(
  db: WriteDb,
  utteranceId: number,
  viewerId: number | null,
): number | null | undefined {
  return openDouble(db, utteranceId) ? newestVisible(db, utteranceId, viewerId) : undefined
}

/** The newest revision of a blind utterance that `viewerId` may see. */
function newestVisible(db: WriteDb, utteranceId: number, viewerId: number | null): number | null {
  const row = db
    .prepare(
      `SELECT max(x.id) AS id FROM revision x JOIN double_annotation d ON d.utterance_id = x.utterance_id
       WHERE x.utterance_id = :utterance AND ${visibleTo('x', 'd')}`,
    )
    .get({ utterance: utteranceId, viewer: viewerId }) as { id: number | null }
  return row.id
}

function newestRevision(db: WriteDb, utteranceId: number): number | null {
  return (
    db.prepare('SELECT max(id) AS id FROM revision WHERE utterance_id = ?').get(utteranceId) as {
      id: number | null
    }
  ).id
}

/**
 * Where an annotator's write lands: the revision this writer sees as the newest (their own
 * version's base on a blind utterance; the newest revision on any other) and the open double
 * annotation the write is a version of.
 */
export interface WriteSlot {
  utteranceId: number
  headId: number | null
  double: OpenDouble | null
}

/**
 * Before an annotator writes, inside the write's transaction: a sampled utterance that no
 * annotator has finished yet becomes blind, with the newest revision as both annotators' base;
 * the next other annotator to write becomes the second. Returns the slot the write goes in.
 */
export function claimSlot(
  db: WriteDb,
  utteranceId: number,
  annotatorId: number,
  now: string,
): WriteSlot {
  assignAnnotators(db, utteranceId, annotatorId, now)
  const double = openDouble(db, utteranceId)
  const headId = double
    ? newestVisible(db, utteranceId, annotatorId)
    : newestRevision(db, utteranceId)
  return { utteranceId, headId, double }
}

function assignAnnotators(
  db: WriteDb,
  utteranceId: number,
  annotatorId: number,
  now: string,
): void {
  const existing = db
    .prepare(
      'SELECT first_annotator_id, second_annotator_id FROM double_annotation WHERE utterance_id = ?',
    )
    .get(utteranceId) as
    { first_annotator_id: number; second_annotator_id: number | null } | undefined
  if (existing) {
    if (existing.second_annotator_id === null && existing.first_annotator_id !== annotatorId)
      db.prepare(
        'UPDATE double_annotation SET second_annotator_id = ? WHERE utterance_id = ? AND adjudicated_revision_id IS NULL',
      ).run(annotatorId, utteranceId)
    return
  }
  const settings = reviewSettings(db)
  if (!inSample(utteranceId, settings.doubleAnnotationShare, settings.seed, 'double')) return
  const finished = db
    .prepare(`SELECT 1 FROM revision v WHERE v.utterance_id = ? AND ${annotatorText('v')} LIMIT 1`)
    .get(utteranceId)
  if (finished) return
  db.prepare(
    'INSERT INTO double_annotation (utterance_id, base_revision_id, first_annotator_id, assigned_at) VALUES (?, ?, ?, ?)',
  ).run(utteranceId, newestRevision(db, utteranceId), annotatorId, now)
}

export interface BlindVersion {
  revisionId: number
  annotatorId: number
  annotator: string
  text: string
  spans: LanguageSpan[]
}

/**
 * Each annotator's newest finished version after the base (and before `before`, for an
 * adjudicated utterance: the versions that were adjudicated), first annotator first.
 */
export function blindVersions(
  db: ReadDb,
  double: OpenDouble,
  before = Number.MAX_SAFE_INTEGER,
): BlindVersion[] {
  const versionOf = db.prepare(
    `SELECT v.id, v.annotator_id, a.name, v.text, v.spans FROM revision v JOIN annotator a ON a.id = v.annotator_id
     WHERE v.utterance_id = ? AND v.annotator_id = ? AND ${annotatorText('v')} AND v.id > ? AND v.id < ?
     ORDER BY v.id DESC LIMIT 1`,
  )
  const out: BlindVersion[] = []
  for (const annotatorId of [double.firstAnnotatorId, double.secondAnnotatorId]) {
    if (annotatorId === null) continue
    const row = versionOf.get(
      double.utteranceId,
      annotatorId,
      double.baseRevisionId ?? 0,
      before,
    ) as { id: number; annotator_id: number; name: string; text: string; spans: string } | undefined
    if (row)
      out.push({
        revisionId: row.id,
        annotatorId: row.annotator_id,
        annotator: row.name,
        text: row.text,
        spans: JSON.parse(row.spans) as LanguageSpan[],
      })
  }
  return out
}

/** The matrix language of an utterance: its own, else the project's default. */
export function matrixOf(db: ReadDb, utteranceId: number): string {
  const row = db.prepare('SELECT language FROM utterance WHERE id = ?').get(utteranceId) as
    { language: string | null } | undefined
  return row?.language ?? defaultLanguage(db) ?? 'und'
}

/**
 * WER and CER between two versions, the lower annotator id's as the reference (so a pair's
 * figures always read the same way round), and the share of their common words they tagged
 * with different languages, under the project's rules.
 */
export function versionAgreement(
  db: WriteDb,
  utteranceId: number,
  pair: [BlindVersion, BlindVersion],
): VersionAgreement {
  const [ref, other] = [...pair].sort((a, b) => a.annotatorId - b.annotatorId) as [
    BlindVersion,
    BlindVersion,
  ]
  const rules = projectRules(db)
  const matrix = matrixOf(db, utteranceId)
  const scores = scoreWithMatrices(
    [
      {
        id: String(utteranceId),
        reference: ref.text,
        hypothesis: other.text,
        spans: ref.spans,
        matrix,
      },
    ],
    { rules },
  )
  return {
    wer: scores.wer.rate,
    cer: scores.cer.rate,
    tags: tagAgreement(ref, other, matrix, rules).rate,
  }
}

/**
 * After an annotator's write, inside its transaction: on a blind utterance, stores the pair's
 * agreement once both versions are in (and again whenever either changes, until adjudicated).
 * Returns whether the write completes the utterance; the first version alone leaves its status
 * as it was, so it stays in the other annotators' queues.
 */
export function recordVersion(db: WriteDb, slot: WriteSlot): { complete: boolean } {
  const double = slot.double
  if (!double) return { complete: true }
  const [a, b] = blindVersions(db, double)
  if (!a || !b) return { complete: false }
  const agreement = versionAgreement(db, slot.utteranceId, [a, b])
  // Versions that agree within the project's threshold, in their words and in their language
  // tags, settle the utterance by themselves: the newer one stands as the result (no merge
  // revision) and the utterance is ordinary again. The same words tagged with other languages
  // are a disagreement a reviewer settles.
  const threshold = reviewSettings(db).lowAgreementWer
  const settled = agreement.wer <= threshold && agreement.tags <= threshold
  db.prepare(
    `UPDATE double_annotation SET agreement_wer = ?, agreement_cer = ?, agreement_tags = ?,
       adjudicated_revision_id = ?
     WHERE utterance_id = ?`,
  ).run(
    finite(agreement.wer),
    finite(agreement.cer),
    agreement.tags,
    settled ? Math.max(a.revisionId, b.revisionId) : null,
    slot.utteranceId,
  )
  return { complete: true }
}

/** An empty reference against words has an infinite rate; stored as a large number. */
function finite(x: number): number {
  return Number.isFinite(x) ? x : 1e9
}
