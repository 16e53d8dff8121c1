import type { ReferenceReason } from '../../../shared/domain'
import type { ReadDb } from '../db/connection'
import { defaultLanguage } from '../annotate/annotators'

/**
 * Whether a head's output is a transcript of the project's language or only a reference to read
 * beside it (docs/models.md, "Transcripts and references"). A model's own head writes what its
 * manifest says: its unit (characters, phones, subwords) and its languages. An adapted
 * checkpoint's head was trained on the project's transcripts, so it writes their characters.
 */

export interface HeadOutput {
  unit: 'char' | 'phone' | 'subword'
  /** The languages it writes; empty when the manifest does not say. */
  languages: readonly string[]
}

/** The main head of a stored manifest (`model.manifest`), with the manifest schema's defaults. */
export function mainHead(manifestJson: string): HeadOutput {
  const m = JSON.parse(manifestJson) as { unit?: HeadOutput['unit']; languages?: string[] }
  return { unit: m.unit ?? 'char', languages: m.languages ?? [] }
}

/**
 * Whether `languages` include `language`: the tag itself, or its first subtag ("nl" covers
 * "nl-BE"; a code-switched "hi-en" counts as its matrix language, "hi").
 */
export function writesLanguage(languages: readonly string[], language: string): boolean {
  const tag = language.toLowerCase()
  const primary = tag.split('-')[0]!
  return languages.some((l) => {
    const own = l.toLowerCase()
    return own === tag || own === primary
  })
}

/**
 * Why a hypothesis of a model's own head is only a reference for an utterance in `language`:
 * the head writes phones, or its manifest lists languages and this is not one of them. Null
 * when it is a transcript (a manifest that names no languages is taken at its word: it writes
 * whatever it is used on). Checkpoints' hypotheses are transcripts: do not ask for them.
 */
export function referenceReason(head: HeadOutput, language: string | null): ReferenceReason | null {
  if (head.unit === 'phone') return 'phones'
  if (language && head.languages.length > 0 && !writesLanguage(head.languages, language))
    return 'language'
  return null
}

/** The project's languages the head does not write (all of them for a phone head). */
export function languagesNotWritten(
  head: HeadOutput,
  projectLanguages: readonly string[],
): string[] {
  return projectLanguages.filter((l) => referenceReason(head, l) !== null)
}

/**
 * The languages of the project: every utterance's and recording's language, and the default
 * language a lead chose (project_meta), sorted. What the label dialog and `sauti label` check a
 * model against.
 */
export function projectLanguages(db: ReadDb): string[] {
  const rows = db
    .prepare(
      `SELECT DISTINCT value FROM (
         SELECT language AS value FROM utterance WHERE language IS NOT NULL AND merged_into IS NULL
         UNION SELECT j.value FROM recording, json_each(recording.languages) j)
       ORDER BY value`,
    )
    .all() as { value: string }[]
  const set = new Set(rows.map((r) => r.value))
  const chosen = defaultLanguage(db)
  if (chosen) set.add(chosen)
  return [...set].sort()
}

/**
 * A reader of hypothesis rows' reasons: the utterance's language (else the project's default)
 * against the head that wrote it. Model manifests are read once per model.
 */
export function referenceReader(
  db: ReadDb,
): (row: {
  modelId: number
  checkpointId: number | null
  language: string | null
}) => ReferenceReason | null {
  const heads = new Map<number, HeadOutput>()
  const fallback = defaultLanguage(db)
  const manifest = db.prepare('SELECT manifest FROM model WHERE id = ?')
  return ({ modelId, checkpointId, language }) => {
    if (checkpointId !== null) return null
    let head = heads.get(modelId)
    if (!head) {
      const row = manifest.get(modelId) as { manifest: string } | undefined
      head = row ? mainHead(row.manifest) : { unit: 'char', languages: [] }
      heads.set(modelId, head)
    }
    return referenceReason(head, language ?? fallback)
  }
}

/** The label dialog's warning, in the CLI's words; null when the model writes every language. */
export function notWrittenWarning(
  unit: HeadOutput['unit'],
  notWritten: readonly string[],
): string | null {
  if (notWritten.length === 0) return null
  const kind = unit === 'phone' ? 'a phonetic reference' : 'a reference'
  return `this model does not write ${notWritten.join(', ')}${unit === 'phone' ? ' (it writes phones)' : ''}: its output will be shown as ${kind}, never as the transcript, until an adapted checkpoint writes the project's characters.`
}
