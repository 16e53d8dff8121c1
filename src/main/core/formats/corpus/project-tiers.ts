import type { TierInterval, TierKind } from '../../../../shared/domain'
import type { CheckedUtterance } from './check'
import { badInput, type Position } from './errors'
import { tidyWords, type Span } from './layout'
import type { CorpusTier, ExportNote } from './model'

/*
 * The project's own tiers (translation, gloss, notes) in ELAN and Praat files: a dependent tier
 * "<speaker tier> - <tier name>" under each speaker tier, as the word tier "<speaker> - words".
 * Shared by the writers and the readers, so that a file reads back as written.
 */

/** Boundaries closer than half a millisecond are the same (ELAN keeps whole milliseconds). */
const SLACK_SEC = 0.0005

export const dependentTierName = (parent: string, name: string): string => `${parent} - ${name}`

/**
 * The project tier a dependent tier holds: "<parent> - <name>" as Sauti writes it, else
 * "<name>@<participant>", the habit of ELAN projects with several speakers, else the whole id.
 */
export function tierNameOf(id: string, parent: string): string {
  const ours = `${parent} - `
  if (id.startsWith(ours) && id.length > ours.length) return id.slice(ours.length)
  const at = id.lastIndexOf('@')
  return at > 0 ? id.slice(0, at) : id
}

/**
 * One project tier's text on one utterance as spans in whole `units` inside [start, end]: the
 * utterance's own span for a tier of one text per utterance, else its intervals, clamped into
 * the utterance and kept from overlapping (the utterance may have been cut since they were
 * written). Empty texts are left out; an interval left with no length is counted in `dropped`.
 */
export function tierSpans(
  u: CheckedUtterance,
  tier: CorpusTier,
  start: number,
  end: number,
  units: (sec: number) => number,
): { spans: Span<string>[]; dropped: number } {
  const intervals = (u.tiers?.find((t) => t.tier === tier.name)?.intervals ?? []).filter((i) =>
    i.text.trim(),
  )
  if (tier.kind === 'utterance') {
    const text = intervals[0]?.text
    return { spans: text === undefined ? [] : [{ start, end, item: text }], dropped: 0 }
  }
  const tidy = tidyWords(
    intervals.map((i) => ({ word: i.text, start: i.start, end: i.end })),
    start,
    end,
    units,
  )
  return { spans: tidy.words, dropped: tidy.dropped }
}

/** The writer's note for intervals `tierSpans` dropped. */
export function droppedNote(u: CheckedUtterance, tier: string, dropped: number): ExportNote {
  return {
    kind: 'adjusted',
    utteranceId: u.id,
    recordingId: u.recordingId,
    message: `${dropped} interval(s) of tier "${tier}" had no time left inside the utterance and are not written`,
  }
}

export interface FileInterval {
  start: number
  end: number
  text: string
  /** Where the interval is written, for refusals; null where the format keeps no position. */
  at: Position | null
}

export interface Owned<K> {
  key: K
  start: number
  end: number
}

/**
 * A dependent tier's intervals given to the utterance of `parents` that contains each, in
 * seconds. Refused, naming the file, the tier and the interval: one outside every utterance of
 * its parent tier (or across two), and one overlapping the previous. Whitespace-only texts are
 * gaps. `coincide` says whether every interval spans its utterance exactly, which a Praat tier
 * of one text per utterance does.
 */
export function ownIntervals<K>(
  file: string,
  tier: string,
  parent: string,
  parents: Owned<K>[],
  intervals: FileInterval[],
): { owned: Map<K, TierInterval[]>; coincide: boolean } {
  const owned = new Map<K, TierInterval[]>()
  let coincide = true
  let previous: FileInterval | null = null
  const at = (i: FileInterval): string =>
    `"${i.text.length > 40 ? `${i.text.slice(0, 39)}…` : i.text}" at ${i.start.toFixed(3)}–${i.end.toFixed(3)} s`
  for (const i of [...intervals].sort((a, b) => a.start - b.start)) {
    if (!i.text.trim()) continue
    if (previous && i.start < previous.end - SLACK_SEC)
      throw badInput(
        file,
        i.at,
        `tier "${tier}": ${at(i)} overlaps ${at(previous)}; a tier holds one interval at a time.`,
      )
    previous = i
    const owner = parents.find((p) => p.start - SLACK_SEC <= i.start && i.end <= p.end + SLACK_SEC)
    if (!owner)
      throw badInput(
        file,
        i.at,
        `tier "${tier}": ${at(i)} is not inside an utterance of tier "${parent}".`,
      )
    if (Math.abs(owner.start - i.start) > SLACK_SEC || Math.abs(owner.end - i.end) > SLACK_SEC)
      coincide = false
    const list = owned.get(owner.key) ?? []
    list.push({
      start: Math.max(i.start, owner.start),
      end: Math.min(i.end, owner.end),
      text: i.text,
    })
    owned.set(owner.key, list)
  }
  return { owned, coincide }
}

/**
 * The tiers a file holds, one per name: time-aligned where any of its speakers' tiers is, one
 * text per utterance where the others are, and time-aligned (which can hold either) where none
 * had a text to tell (`kind` null).
 */
export function fileTiers(found: { name: string; kind: TierKind | null }[]): CorpusTier[] {
  const kinds = new Map<string, TierKind | null>()
  for (const t of found) {
    const seen = kinds.get(t.name) ?? null
    kinds.set(t.name, seen === 'time' || t.kind === 'time' ? 'time' : (t.kind ?? seen))
  }
  return [...kinds].map(([name, kind]) => ({ name, kind: kind ?? 'time' }))
}
