import {
  normalizationRulesSchema,
  scoringDefaults,
  type NormalizationRules,
} from '../../../shared/text/normalize'
import type { LanguageSpan } from '../../../shared/domain'
import { checkLanguageSpans } from '../../../shared/text/language-spans'
import { unifyNukta } from '../../../shared/text/letter-variants'
import type { WriteDb, ReadDb } from '../db/connection'

const KEY = 'normalization'

/**
 * The project's normalisation rules (docs/metrics.md), kept in project_meta as JSON and read
 * through the shared schema: a missing rule takes its scoring default. A value that no longer
 * parses (written by a newer Sauti) falls back to the defaults rather than breaking scoring.
 */
export function projectRules(db: ReadDb): NormalizationRules {
  const row = db.prepare('SELECT value FROM project_meta WHERE key = ?').get(KEY) as
    { value: string } | undefined
  if (!row) return { ...scoringDefaults }
  const parsed = normalizationRulesSchema.safeParse(JSON.parse(row.value))
  return parsed.success ? parsed.data : { ...scoringDefaults }
}

export function updateProjectRules(
  db: WriteDb,
  patch: Partial<NormalizationRules>,
): NormalizationRules {
  const next = normalizationRulesSchema.parse({ ...projectRules(db), ...patch })
  db.prepare(
    'INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(KEY, JSON.stringify(next))
  return next
}

/**
 * What a transcript looks like when stored: the spelling is made canonical but nothing a
 * reader would see as different is changed. NFC always (canonically equivalent text); a nukta
 * typed after the vowel sign moved onto its consonant when the project unifies or strips nuktas
 * (the same letter, spelled the way fonts and search expect); joiners at the edge of a word,
 * where they join nothing, dropped when the project removes joiners. Stripping nuktas, joiners
 * inside words (they shape Persian and Indic letters), Arabic letter forms, numerals, case and
 * punctuation stay as the writer typed them and apply to search and scoring only
 * (docs/review.md). Words are never added or removed, so language spans keep their indices.
 */
export function normalizeForStorage(text: string, rules: NormalizationRules): string {
  let t = text.normalize('NFC')
  if (rules.nukta !== 'keep') t = unifyNukta(t).normalize('NFC')
  if (rules.joiners === 'remove') t = t.replace(/\S+/gu, dropEdgeJoiners)
  return t
}

function dropEdgeJoiners(word: string): string {
  const inner = word.replace(/^[\u200c\u200d]+|[\u200c\u200d]+$/gu, '')
  return inner === '' ? word : inner
}

/**
 * A transcript as a person's write stores it: trimmed, runs of white space as one space, the
 * project's storage normalisation (above), and its language spans checked against its words
 * (inside the text, not overlapping). Every write of typed text goes through this (save, split,
 * merge, a reviewer's edit), so the same words are stored the same way.
 */
export function storedTranscript(db: WriteDb, typed: string, spans: LanguageSpan[] = []): string {
  const text = normalizeForStorage(typed.trim().replace(/\s+/gu, ' '), projectRules(db))
  checkLanguageSpans(text, spans)
  return text
}
