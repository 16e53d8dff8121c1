/** Revisions and where they came from: the audit log and the hash chain. */

/** Who or what wrote a revision: an annotator, an imported file, or a model. */
export const revisionSourceKinds = ['annotator', 'import', 'model'] as const
export type RevisionSourceKind = (typeof revisionSourceKinds)[number]

/**
 * The one rule for "a person's transcript": a decision (not a draft) written by an annotator or
 * imported as written by people. Text another recogniser wrote, imported to be corrected, is
 * stored as an `import` draft (docs/formats.md, "Machine output"), so it never passes this rule
 * and nothing counts, trains on or exports it as a person's until someone saves it. The SQL twin
 * is `humanText` in core/provenance/human-text.ts, which every "transcribed" query asks.
 */
export function isHumanText(r: { sourceKind: RevisionSourceKind; draft: boolean }): boolean {
  return !r.draft && (r.sourceKind === 'annotator' || r.sourceKind === 'import')
}

/** A person's transcript an annotator wrote, not imported (SQL twin: `annotatorText`). */
export function isAnnotatorText(r: { sourceKind: RevisionSourceKind; draft: boolean }): boolean {
  return isHumanText(r) && r.sourceKind === 'annotator'
}

/**
 * Whether a revision is machine output brought in by an import, waiting for a person (SQL twin:
 * `machineImport`).
 */
export function isMachineImport(r: { sourceKind: RevisionSourceKind; draft: boolean }): boolean {
  return r.draft && r.sourceKind === 'import'
}

/**
 * A machine-output draft and where it came from: the recogniser that wrote it (as the person importing
 * named it, or null), the file and line or element, who imported it and when.
 */
export interface MachineImportOrigin {
  /** The text as imported, for "accept as is". */
  text: string
  system: string | null
  ref: string
  importedBy: string | null
  importedAt: string
}

/** How an import stores the transcripts it brings (`import.start`, `annotation.import`). */
export interface MachineOutputChoice {
  /** The recogniser that wrote them ("whisper-large-v3"), when the person importing names it. */
  system: string | null
}

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
  /** Machine output an import brought (schema 19): the recogniser and who imported it, if known. */
  machine: { system: string | null; importedBy: string | null } | null
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
