import type { ProjectTier, TierInterval, TierKind } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { insertTier, listTiers, writeTierText } from './tiers'

/** What importing one tier's text on one utterance did (docs/formats.md, "Project tiers"). */
export type ImportedTierText =
  { outcome: 'added' } | { outcome: 'unchanged' } | { outcome: 'conflict'; message: string }

/** ELAN keeps whole milliseconds: times closer than that are the same boundary. */
const SAME_SEC = 0.001

/**
 * The project's tier for each tier name a file brings (matched in any case, as the project's
 * names are unique), adding the missing ones with the file's kind: only leads import annotation,
 * and leads define tiers. Each added tier is a note. Call inside the import's transaction.
 */
export function tiersForImport(
  db: WriteDb,
  wanted: { name: string; kind: TierKind }[],
  now: string,
  notes: string[],
): Map<string, ProjectTier> {
  const existing = listTiers(db)
  const found = new Map<string, ProjectTier>()
  for (const w of wanted) {
    const tier =
      existing.find((t) => t.name.toLowerCase() === w.name.toLowerCase()) ??
      insertTier(db, { name: w.name, kind: w.kind, createdBy: null }, now)
    if (!existing.includes(tier)) {
      existing.push(tier)
      notes.push(
        `tier "${tier.name}" (${tier.kind === 'time' ? 'time-aligned' : 'one text per utterance'}) was added to the project.`,
      )
    }
    found.set(w.name, tier)
  }
  return found
}

const sameIntervals = (a: TierInterval[], b: TierInterval[]): boolean =>
  a.length === b.length &&
  a.every((x, i) => {
    const y = b[i]!
    return (
      x.text === y.text &&
      Math.abs(x.start - y.start) < SAME_SEC &&
      Math.abs(x.end - y.end) < SAME_SEC
    )
  })

/**
 * Stores a file's text of one tier on one utterance as a new version by the file (`ref`), unless
 * the current version says the same already (times within a millisecond). A person's version is
 * never replaced by a file: the text is left out and the conflict reported, as for transcripts.
 * A tier of one text per utterance takes one interval; more are refused, naming the tier. Call
 * inside a transaction.
 */
export function importTierText(
  db: WriteDb,
  input: {
    tier: ProjectTier
    utteranceId: number
    /** Ordered, inside the utterance (the readers check both). */
    intervals: TierInterval[]
    ref: string
    createdAt: string
  },
): ImportedTierText {
  const { tier, intervals } = input
  if (tier.kind === 'utterance' && intervals.length > 1)
    throw SautiError.saying('bad_input', 'tierOneText', {
      name: tier.name,
      id: input.utteranceId,
      count: intervals.length,
      intervals: intervals.map((i) => `${i.start.toFixed(3)}–${i.end.toFixed(3)} s`).join(', '),
    })
  const head = db
    .prepare(
      `SELECT t.id, t.intervals, a.name AS annotator FROM tier_text t
       LEFT JOIN annotator a ON a.id = t.annotator_id
       WHERE t.tier_id = ? AND t.utterance_id = ? ORDER BY t.id DESC LIMIT 1`,
    )
    .get(tier.id, input.utteranceId) as
    { id: number; intervals: string; annotator: string | null } | undefined
  const current = head ? (JSON.parse(head.intervals) as TierInterval[]) : []
  const same =
    tier.kind === 'utterance'
      ? (current[0]?.text ?? '') === (intervals[0]?.text ?? '')
      : sameIntervals(current, intervals)
  if (same) return { outcome: 'unchanged' }
  if (head && head.annotator !== null)
    return {
      outcome: 'conflict',
      message: `utterance ${input.utteranceId} has ${head.annotator}'s text on tier "${tier.name}"; the imported text differs and was not applied, so a person's work is not replaced: compare them in the editor.`,
    }
  writeTierText(
    db,
    {
      tierId: tier.id,
      utteranceId: input.utteranceId,
      ...(tier.kind === 'utterance' ? { text: intervals[0]?.text ?? '' } : { intervals }),
      by: { ref: input.ref },
    },
    input.createdAt,
  )
  return { outcome: 'added' }
}
