/** Revisions and where they came from: the audit log and the hash chain. */

/** Who or what wrote a revision: an annotator, an imported file, or a model. */
export const revisionSourceKinds = ['annotator', 'import', 'model'] as const
export type RevisionSourceKind = (typeof revisionSourceKinds)[number]

/** A language-tagged span of words: [start, end) word indices of the revision's text. */
export interface LanguageSpan {
  start: number
  end: number
  lang: string
}

export interface RevisionInfo {
  id: number
  text: string
  spans: LanguageSpan[]
  sourceKind: RevisionSourceKind
  annotator: string | null
  hypothesisId: number | null
  draft: boolean
  createdAt: string
}

/** Where a revision came from, in words a person can check. */
export interface RevisionSourceInfo {
  kind: RevisionSourceKind
  annotator: string | null
  model: string | null
  checkpointId: number | null
  /** For imports: the file and element or line. */
  ref: string
}

export interface AuditEntry {
  revisionId: number
  utteranceId: number
  parentId: number | null
  createdAt: string
  text: string
  draft: boolean
  source: RevisionSourceInfo
}

/** A word-level difference to the parent revision. */
export interface WordDiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

export interface RevisionHistoryEntry extends AuditEntry {
  spans: LanguageSpan[]
  hash: string
  /** False from the first revision whose stored hash does not match its content. */
  intact: boolean
  /** Words changed from the parent revision (all added for the first one). */
  diff: WordDiffPart[]
}

export interface AuditReport {
  ok: boolean
  utterances: number
  revisions: number
  /** Each utterance whose chain is broken, with the first revision that does not verify. */
  broken: { utteranceId: number; revisionId: number; reason: string }[]
}
