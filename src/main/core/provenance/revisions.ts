import { createHash } from 'node:crypto'
import type { ReadDb, WriteDb } from '../db/connection'
import type { LanguageSpan, RevisionInfo, RevisionSourceKind } from '../../../shared/domain'
import { parseWordTimes, serialiseWordTimes, type WordTime } from '../../../shared/word-time'

/** A language-tagged span of tokens: [start, end) word indices. */
export type TokenSpan = LanguageSpan

export type RevisionSource =
  | {
      kind: 'import'
      ref: string
      /** Machine output to be corrected (schema 19): stored as a draft, never as a person's text. */
      machine?: { system: string | null; importedBy: number | null }
    }
  | { kind: 'annotator'; annotatorId: number }
  | { kind: 'model'; modelId: number; checkpointId: number | null }

export interface NewRevision {
  utteranceId: number
  text: string
  spans?: TokenSpan[]
  source: RevisionSource
  /** The hypothesis the annotator's text started from (an N-best pick). */
  hypothesisId?: number | null
  /** An autosave, not a decision: it leaves the utterance's status alone. */
  draft?: boolean
  /** An adjudication's second parent: the other version it merges (schema 9). */
  mergeParentId?: number | null
  /** Word times the writer set (boundaries moved by hand, or read from a file), schema 18. */
  wordTimes?: WordTime[] | null
  createdAt?: string
}

export interface StoredRevision {
  id: number
  utteranceId: number
  parentId: number | null
  text: string
  spans: TokenSpan[]
  sourceKind: RevisionSourceKind
  annotatorId: number | null
  modelId: number | null
  checkpointId: number | null
  sourceRef: string
  hypothesisId: number | null
  draft: boolean
  createdAt: string
  hash: string
  /** The second parent of an adjudicated revision; null for every other revision. */
  mergeParentId: number | null
  /** Word times the writer set; null when they set none (schema 18). */
  wordTimes: WordTime[] | null
  /** For machine output an import brought: the recogniser, when named (schema 19). */
  machineSystem: string | null
  /** For machine output an import brought: who imported it, when known (schema 19). */
  importedBy: number | null
}

const GENESIS = '0'.repeat(64)

/**
 * The hash of a revision covers its content and its parent's hash, so the revisions of an
 * utterance form a chain: changing any stored revision behind the application's back breaks
 * every hash after it.
 */
export function revisionHash(
  parentHash: string | null,
  r: Omit<
    StoredRevision,
    'id' | 'hash' | 'parentId' | 'mergeParentId' | 'wordTimes' | 'machineSystem' | 'importedBy'
  > & {
    wordTimes?: WordTime[] | null
    machineSystem?: string | null
    importedBy?: number | null
  },
  mergeParentHash: string | null = null,
): string {
  const canonical = JSON.stringify([
    parentHash ?? GENESIS,
    r.utteranceId,
    r.text,
    r.spans.map((s) => [s.start, s.end, s.lang]),
    r.sourceKind,
    r.annotatorId,
    r.modelId,
    r.checkpointId,
    r.sourceRef,
    r.createdAt,
    // Added in schema 6; left out when unset so older revisions keep their hashes.
    ...(r.hypothesisId !== null || r.draft ? [r.hypothesisId, r.draft] : []),
    // Schema 9: an adjudicated revision's second parent, by hash, so relinking it is detected.
    ...(mergeParentHash !== null ? ['merge', mergeParentHash] : []),
    // Schema 18: word times the writer set, when they set any.
    ...(r.wordTimes ? ['words', serialiseWordTimes(r.wordTimes)] : []),
    // Schema 19: which recogniser wrote imported machine output, and who imported it.
    ...(r.machineSystem != null || r.importedBy != null
      ? ['machine', r.machineSystem ?? null, r.importedBy ?? null]
      : []),
  ])
  return createHash('sha256').update(canonical).digest('hex')
}

/** Appends a revision on top of the utterance's newest one. Call inside a transaction. */
export function appendRevision(db: WriteDb, input: NewRevision): StoredRevision {
  const parent = db
    .prepare('SELECT id, hash FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1')
    .get(input.utteranceId) as { id: number; hash: string } | undefined
  const source = input.source
  const machine = source.kind === 'import' ? (source.machine ?? null) : null
  const content = {
    utteranceId: input.utteranceId,
    text: input.text,
    spans: input.spans ?? [],
    sourceKind: source.kind,
    annotatorId: source.kind === 'annotator' ? source.annotatorId : null,
    modelId: source.kind === 'model' ? source.modelId : null,
    checkpointId: source.kind === 'model' ? source.checkpointId : null,
    sourceRef: source.kind === 'import' ? source.ref : '',
    hypothesisId: input.hypothesisId ?? null,
    // Machine output is always a draft: that is what keeps it out of every person's count.
    draft: machine !== null || (input.draft ?? false),
    createdAt: input.createdAt ?? new Date().toISOString(),
    wordTimes: input.wordTimes ?? null,
    machineSystem: machine?.system ?? null,
    importedBy: machine?.importedBy ?? null,
  }
  const mergeParentId = input.mergeParentId ?? null
  const mergeParent =
    mergeParentId === null
      ? null
      : (db
          .prepare('SELECT hash FROM revision WHERE id = ? AND utterance_id = ?')
          .get(mergeParentId, input.utteranceId) as { hash: string } | undefined)
  if (mergeParent === undefined)
    throw new Error(`revision ${mergeParentId} is not a revision of utterance ${input.utteranceId}`)
  const hash = revisionHash(parent?.hash ?? null, content, mergeParent?.hash ?? null)
  // The columns exist from schemas 9, 18 and 19; only revisions that need them name them.
  const words = content.wordTimes === null ? null : serialiseWordTimes(content.wordTimes)
  const columns: [string, string | number | null][] = [
    ['merge_parent_id', mergeParentId],
    ['word_times', words],
    ['machine_system', content.machineSystem],
    ['imported_by', content.importedBy],
  ]
  const optional = columns.filter(([, value]) => value !== null)
  const info = db
    .prepare(
      `INSERT INTO revision (utterance_id, parent_id, text, spans, source_kind, annotator_id, model_id,
                             checkpoint_id, source_ref, hypothesis_id, draft, created_at, hash
                             ${optional.map(([column]) => `, ${column}`).join('')})
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?${', ?'.repeat(optional.length)})`,
    )
    .run(
      content.utteranceId,
      parent?.id ?? null,
      content.text,
      JSON.stringify(content.spans),
      content.sourceKind,
      content.annotatorId,
      content.modelId,
      content.checkpointId,
      content.sourceRef,
      content.hypothesisId,
      content.draft ? 1 : 0,
      content.createdAt,
      hash,
      ...optional.map(([, value]) => value),
    )
  return {
    id: Number(info.lastInsertRowid),
    parentId: parent?.id ?? null,
    mergeParentId,
    hash,
    ...content,
  }
}

/** A revision row as SQLite returns it. */
export interface RevisionRow {
  id: number
  utterance_id: number
  parent_id: number | null
  text: string
  spans: string
  source_kind: RevisionSourceKind
  annotator_id: number | null
  model_id: number | null
  checkpoint_id: number | null
  source_ref: string
  hypothesis_id: number | null
  draft: number
  created_at: string
  hash: string
  /** Absent before schema 9. */
  merge_parent_id?: number | null
  /** Absent before schema 18. */
  word_times?: string | null
  /** Absent before schema 19. */
  machine_system?: string | null
  imported_by?: number | null
}

/** A stored revision as the contract shows it, under its author's name. */
export function revisionInfo(r: StoredRevision, annotator: string | null): RevisionInfo {
  return {
    id: r.id,
    text: r.text,
    spans: r.spans,
    sourceKind: r.sourceKind,
    annotator,
    hypothesisId: r.hypothesisId,
    draft: r.draft,
    createdAt: r.createdAt,
  }
}

export function revisionsOf(db: ReadDb, utteranceId: number): StoredRevision[] {
  const rows = db
    .prepare('SELECT * FROM revision WHERE utterance_id = ? ORDER BY id')
    .all(utteranceId) as RevisionRow[]
  return rows.map((r) => ({
    id: r.id,
    utteranceId: r.utterance_id,
    parentId: r.parent_id,
    text: r.text,
    spans: JSON.parse(r.spans) as TokenSpan[],
    sourceKind: r.source_kind,
    annotatorId: r.annotator_id,
    modelId: r.model_id,
    checkpointId: r.checkpoint_id,
    sourceRef: r.source_ref,
    hypothesisId: r.hypothesis_id,
    draft: r.draft === 1,
    createdAt: r.created_at,
    hash: r.hash,
    mergeParentId: r.merge_parent_id ?? null,
    wordTimes: r.word_times ? parseWordTimes(r.word_times) : null,
    machineSystem: r.machine_system ?? null,
    importedBy: r.imported_by ?? null,
  }))
}

/** Recomputes an utterance's chain; returns the first revision whose stored hash is wrong. */
export function verifyChain(
  db: ReadDb,
  utteranceId: number,
): { ok: true } | { ok: false; revisionId: number } {
  let parentHash: string | null = null
  let parentId: number | null = null
  const earlier = new Map<number, string>()
  for (const r of revisionsOf(db, utteranceId)) {
    // A second parent must be an earlier revision of the same utterance.
    const mergeHash = r.mergeParentId === null ? null : (earlier.get(r.mergeParentId) ?? '')
    if (r.parentId !== parentId || revisionHash(parentHash, r, mergeHash) !== r.hash)
      return { ok: false, revisionId: r.id }
    parentHash = r.hash
    parentId = r.id
    earlier.set(r.id, r.hash)
  }
  return { ok: true }
}
