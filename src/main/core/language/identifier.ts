import type { LanguageSpan } from '../../../shared/domain'
import {
  isCompositeTag,
  LanguageIdentifier,
  languageIdModelSchema,
} from '../../../shared/text/language-id'
import { tokensWithLanguage } from '../../../shared/text/language-spans'
import { normalizeWords } from '../../../shared/text/normalize'
import { SCRIPTS, tokenScript, type Script } from '../../../shared/text/script'
import { defaultLanguage } from '../annotate/annotators'
import type { ReadDb, WriteDb } from '../db/connection'
import { humanText, newestHumanText } from '../provenance/human-text'
import { projectRules } from './rules'

const KEY = 'language_id'

/**
 * New tagged revisions that make the cached identifier stale: 20, or as many as it was trained
 * on if fewer, so a young identifier (which suggests nothing until it has enough evidence)
 * learns from the first tags at once.
 */
export const RETRAIN_AFTER = 20

/** A script counts as one of a language's when this share of its tagged words use it (and two). */
const SCRIPT_SHARE = 0.05

export interface TrainedIdentifier {
  identifier: LanguageIdentifier
  trainedOnRevisions: number
  lastRevisionId: number
  trainedAt: string
  languages: string[]
}

interface Cached {
  trainedOnRevisions: number
  lastRevisionId: number
  trainedAt: string
  model: unknown
}

/**
 * Tagged revisions: each utterance's newest finished human revision that has language spans.
 * Words inside a span are in its language; the others, in the utterance's (matrix) language,
 * because an annotator who tagged some words of a transcript vouched for the rest too.
 */
function taggedRevisions(
  db: ReadDb,
): { id: number; text: string; spans: string; language: string | null }[] {
  return db
    .prepare(
      `SELECT v.id, v.text, v.spans, u.language FROM utterance u
       JOIN revision v ON v.id = ${newestHumanText('u.id')}
       WHERE u.merged_into IS NULL AND v.spans <> '[]'`,
    )
    .all() as { id: number; text: string; spans: string; language: string | null }[]
}

function newTaggedSince(db: ReadDb, revisionId: number): number {
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM revision v WHERE v.id > ? AND ${humanText('v')} AND v.spans <> '[]'`,
      )
      .get(revisionId) as { n: number }
  ).n
}

/** Trains a fresh identifier on the project's tagged revisions, with each language's scripts. */
export function trainIdentifier(db: ReadDb, now = new Date().toISOString()): TrainedIdentifier {
  const rules = projectRules(db)
  const fallback = defaultLanguage(db)
  const revisions = taggedRevisions(db)
  const tagged = revisions.flatMap((r) =>
    tokensWithLanguage(
      r.text,
      JSON.parse(r.spans) as LanguageSpan[],
      r.language ?? fallback ?? '',
      (w) => normalizeWords(w, rules),
      // Words left in a mixed matrix ("hi-en") are in one of two languages, vouched for as neither.
    ).filter((t) => t.lang !== '' && !isCompositeTag(t.lang)),
  )
  const scriptCounts = new Map<string, Map<Script, number>>()
  for (const t of tagged) {
    const script = tokenScript(t.token)
    if (!(SCRIPTS as readonly string[]).includes(script)) continue
    const counts = scriptCounts.get(t.lang) ?? new Map<Script, number>()
    counts.set(script as Script, (counts.get(script as Script) ?? 0) + 1)
    scriptCounts.set(t.lang, counts)
  }
  const scripts: Record<string, Script[]> = {}
  for (const [lang, counts] of scriptCounts) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0)
    const used = [...counts].filter(([, n]) => n >= 2 && n >= total * SCRIPT_SHARE).map(([s]) => s)
    if (used.length > 0) scripts[lang] = used.sort()
  }
  const identifier = new LanguageIdentifier({ scripts }).train(
    tagged.map((t) => ({ token: t.token, lang: t.lang })),
  )
  return {
    identifier,
    trainedOnRevisions: revisions.length,
    lastRevisionId: revisions.reduce((m, r) => Math.max(m, r.id), 0),
    trainedAt: now,
    languages: [...scriptCounts.keys()].sort(),
  }
}

/**
 * The project's identifier, from its cache in project_meta while fresh; trained anew when there
 * is none yet or RETRAIN_AFTER tagged revisions have arrived since (`retrained`, not cached
 * here). Null before anything is tagged.
 */
export function readIdentifier(
  db: ReadDb,
): { trained: TrainedIdentifier; retrained: boolean } | null {
  const row = db.prepare('SELECT value FROM project_meta WHERE key = ?').get(KEY) as
    { value: string } | undefined
  const cached = row ? (JSON.parse(row.value) as Cached) : null
  if (cached) {
    const model = languageIdModelSchema.safeParse(cached.model)
    const stale = Math.min(RETRAIN_AFTER, Math.max(1, cached.trainedOnRevisions))
    if (model.success && newTaggedSince(db, cached.lastRevisionId) < stale)
      return {
        trained: {
          identifier: LanguageIdentifier.fromJSON(model.data),
          trainedOnRevisions: cached.trainedOnRevisions,
          lastRevisionId: cached.lastRevisionId,
          trainedAt: cached.trainedAt,
          languages: Object.keys(model.data.counts).sort(),
        },
        retrained: false,
      }
  } else if (newTaggedSince(db, 0) === 0) return null
  return { trained: trainIdentifier(db), retrained: true }
}

/** The project's identifier (`readIdentifier`), caching it when it was trained anew. */
export function projectIdentifier(db: WriteDb): TrainedIdentifier | null {
  const found = readIdentifier(db)
  if (!found?.retrained) return found?.trained ?? null
  const { trained } = found
  const value: Cached = {
    trainedOnRevisions: trained.trainedOnRevisions,
    lastRevisionId: trained.lastRevisionId,
    trainedAt: trained.trainedAt,
    model: trained.identifier.toJSON(),
  }
  db.prepare(
    'INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(KEY, JSON.stringify(value))
  return trained
}
