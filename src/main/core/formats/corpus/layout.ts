import type { WordTime } from '../../../../shared/word-time'
import type { CheckedUtterance } from './check'
import type { ExportNote } from './model'

/** An interval in whole time units (ms for ELAN, µs for Praat). */
export interface Span<T> {
  start: number
  end: number
  item: T
}

/**
 * Interval tiers (ELAN and Praat) cannot hold overlapping intervals, but one speaker's utterances
 * can overlap (a segmentation that double-counts, two overlapping imports). Greedy interval
 * partitioning puts each interval, in start order, on the first tier whose last interval ends at
 * or before its start; touching intervals share a tier. The first tier gets all it can, so for
 * the usual speaker without self-overlap there is exactly one tier.
 */
export function stackTiers<T>(spans: Span<T>[]): Span<T>[][] {
  const tiers: Span<T>[][] = []
  const sorted = [...spans].sort((a, b) => a.start - b.start || a.end - b.end)
  for (const span of sorted) {
    const tier = tiers.find((t) => (t[t.length - 1]?.end ?? -Infinity) <= span.start)
    if (tier) tier.push(span)
    else tiers.push([span])
  }
  return tiers
}

/**
 * A recording's utterances as each speaker's tier stacks (stackTiers), in the order the speakers
 * first speak, in whole units of `unit` and cut at `end`. An utterance left with no length in
 * those units is skipped, with a note.
 */
export function speakerStacks(
  utterances: readonly CheckedUtterance[],
  unit: { toUnits: (sec: number) => number; name: string },
  end: number,
  notes: ExportNote[],
): [speaker: string, stacks: Span<CheckedUtterance>[][]][] {
  const bySpeaker = new Map<string, Span<CheckedUtterance>[]>()
  for (const u of utterances) {
    const start = unit.toUnits(u.start)
    const stop = Math.min(unit.toUnits(u.end), end)
    if (stop <= start) {
      notes.push({
        kind: 'skipped',
        utteranceId: u.id,
        recordingId: u.recordingId,
        message: `shorter than 1 ${unit.name}`,
      })
      continue
    }
    const list = bySpeaker.get(u.speaker) ?? []
    list.push({ start, end: stop, item: u })
    bySpeaker.set(u.speaker, list)
  }
  return [...bySpeaker].map(([speaker, spans]) => [speaker, stackTiers(spans)])
}

/** The name of a speaker's n-th tier (n ≥ 2 only when the speaker overlaps itself). */
export function overlapTierName(speaker: string, n: number): string {
  return n === 1 ? speaker : `${speaker} (overlap ${n})`
}

/** The speaker of a tier named by `overlapTierName`. */
export function speakerOfTier(name: string): string {
  return name.replace(/ \(overlap \d+\)$/, '')
}

/**
 * Word timings made fit for a tier of the utterance: inside the utterance, in order, not
 * overlapping each other (aligners' words may spill past the utterance or overlap by a frame).
 * A word left with no length is dropped; the caller reports how many.
 */
export function tidyWords(
  words: WordTime[],
  start: number,
  end: number,
  units: (sec: number) => number,
): { words: Span<string>[]; dropped: number } {
  const out: Span<string>[] = []
  let previous = start
  let dropped = 0
  for (const w of [...words].sort((a, b) => a.start - b.start)) {
    const s = Math.max(units(w.start), previous)
    const e = Math.min(units(w.end), end)
    if (e <= s) {
      dropped++
      continue
    }
    out.push({ start: s, end: e, item: w.word })
    previous = e
  }
  return { words: out, dropped }
}
