import {
  isHumanText,
  type MachineOutputChoice,
  type RevisionSourceKind,
} from '../../../shared/domain'
import { actor } from '../consent/roles'
import type { WordTime } from '../../../shared/word-time'
import type { WriteDb } from '../db/connection'
import { appendRevision, type TokenSpan } from './revisions'

/** What importing a transcript for an utterance did (docs/formats.md, "Importing again"). */
export type ImportedTranscript =
  { outcome: 'added' } | { outcome: 'unchanged' } | { outcome: 'conflict'; message: string }

/** Imported machine output: which recogniser wrote it (when named) and who imports it. */
export interface MachineImport {
  system: string | null
  importedBy: number | null
}

/**
 * How an import call's transcripts are stored: as people's (null), or as machine output from
 * the named recogniser, imported by `actorId` (an unknown profile is refused).
 */
export function machineImport(
  db: WriteDb,
  choice: MachineOutputChoice | undefined,
  actorId: number | undefined,
): MachineImport | null {
  if (!choice) return null
  return { system: choice.system, importedBy: actorId === undefined ? null : actor(db, actorId).id }
}

/**
 * Stores a transcript read from a file as a new `import` revision on top of the utterance's
 * newest one, unless that says the same already. A person's revision (a decision or a draft) is
 * never replaced by a file: the transcript is left out and the conflict is reported, so the
 * annotator or a reviewer decides. Machine output (`machine`) is stored as a draft to correct,
 * and never over a person's transcript, imported or typed. Call inside a transaction.
 */
export function importTranscript(
  db: WriteDb,
  input: {
    utteranceId: number
    text: string
    spans?: TokenSpan[]
    /** The file's word times, one per word of the text (ELAN's and Praat's word tiers). */
    wordTimes?: WordTime[] | null
    ref: string
    createdAt: string
    machine?: MachineImport | null
  },
): ImportedTranscript {
  const head = db
    .prepare(
      `SELECT v.id, v.text, v.source_kind, v.draft, a.name AS annotator
       FROM revision v LEFT JOIN annotator a ON a.id = v.annotator_id
       WHERE v.utterance_id = ? ORDER BY v.id DESC LIMIT 1`,
    )
    .get(input.utteranceId) as
    | {
        id: number
        text: string
        source_kind: RevisionSourceKind
        draft: number
        annotator: string | null
      }
    | undefined
  const spans = input.spans ?? []
  const machine = input.machine ?? null
  if (head && head.text === input.text) return { outcome: 'unchanged' }
  if (!head && !input.text) return { outcome: 'unchanged' }
  if (head?.source_kind === 'annotator')
    return {
      outcome: 'conflict',
      message: `utterance ${input.utteranceId} has ${head.draft ? 'a draft' : 'a transcript'} by ${head.annotator ?? 'an annotator'} (revision ${head.id}); the imported text differs and was not applied, so a person's work is not replaced: compare them in the editor.`,
    }
  if (machine && head && isHumanText({ sourceKind: head.source_kind, draft: head.draft === 1 }))
    return {
      outcome: 'conflict',
      message: `utterance ${input.utteranceId} has an imported transcript written by people (revision ${head.id}); the machine output differs and was not applied, so it does not replace a person's transcript.`,
    }
  appendRevision(db, {
    utteranceId: input.utteranceId,
    text: input.text,
    spans,
    wordTimes: input.wordTimes ?? null,
    source: { kind: 'import', ref: input.ref, ...(machine ? { machine } : {}) },
    createdAt: input.createdAt,
  })
  return { outcome: 'added' }
}
