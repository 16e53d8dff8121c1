import type { TierKind } from '../../../../shared/domain'
import { isReservedTierName } from '../../../../shared/domain'
import type { WordTime } from '../../../../shared/word-time'
import { decodeUserText } from '../text-gate'
import { badInput, LineIndex, type Position } from './errors'
import { speakerOfTier } from './layout'
import {
  oneRecordingCorpus,
  type CorpusTierText,
  type CorpusUtterance,
  type ImportResult,
} from './model'
import { fileTiers, ownIntervals } from './project-tiers'
import { TokenReader, tokenize } from './textgrid-tokens'
import { wordTierSuffix } from './textgrid-write'

export interface TextGridReadOptions {
  /** Tiers whose intervals become utterances. Default: every interval tier except word and phone tiers. */
  tiers?: string[]
  /** Default: the file's name without its extension. */
  recordingId?: string
  /** A TextGrid names no audio. Default: the file's path with .wav, Praat's habit of pairing files. */
  audioPath?: string
}

interface Interval {
  start: number
  end: number
  text: string
  at: Position
}

interface Tier {
  name: string
  kind: 'IntervalTier' | 'TextTier'
  at: Position
  intervals: Interval[]
}

/** Tiers of word and phone alignments (ours and the Montreal Forced Aligner's), not utterances. */
const alignmentTier = (name: string): boolean =>
  /^(words?|phones?)$/i.test(name) || / - (words|phones)$/.test(name)

function parse(text: string, file: string): { xmax: number; tiers: Tier[] } {
  const index = new LineIndex(text)
  const r = new TokenReader(tokenize(text, file), file, index.at(text.length))
  const type = r.take('string', 'the file type', ['type'])
  if (type.value === 'ooBinaryFile')
    throw badInput(file, type.at, 'this is a binary TextGrid; save it from Praat as a text file.')
  if (!type.value.startsWith('ooTextFile'))
    throw badInput(file, type.at, `expected "ooTextFile", found "${type.value}".`)
  const cls = r.take('string', 'the object class', ['class'])
  if (cls.value !== 'TextGrid')
    throw badInput(file, cls.at, `expected a TextGrid, found a ${cls.value}.`)
  const xmin = r.number('xmin')
  const xmax = r.number('xmax')
  if (xmax.value <= xmin.value)
    throw badInput(file, xmax.at, `xmax ${xmax.value} is not after xmin ${xmin.value}.`)
  const exists = r.take('flag', 'tiers?', ['tiers?'])
  const size = exists.value === 'exists' ? r.count('size') : 0
  const tiers: Tier[] = []
  for (let t = 0; t < size; t++) {
    const kind = r.take('string', 'class')
    if (kind.value !== 'IntervalTier' && kind.value !== 'TextTier')
      throw badInput(
        file,
        kind.at,
        `"${kind.value}" is not a tier class (IntervalTier or TextTier).`,
      )
    const name = r.take('string', 'name').value
    r.number('xmin')
    r.number('xmax')
    const n = r.count('size')
    const tier: Tier = { name, kind: kind.value, at: kind.at, intervals: [] }
    let previousEnd = -Infinity
    for (let k = 0; k < n; k++) {
      if (kind.value === 'TextTier') {
        const point = r.number('number', ['number', 'time'])
        tier.intervals.push({
          start: point.value,
          end: point.value,
          text: r.take('string', 'mark', ['mark', 'text']).value,
          at: point.at,
        })
        continue
      }
      const start = r.number('xmin')
      const end = r.number('xmax')
      const label = r.take('string', 'text').value
      if (end.value < start.value)
        throw badInput(
          file,
          end.at,
          `the interval ends (${end.value}) before it starts (${start.value}).`,
        )
      if (start.value < previousEnd - 1e-9)
        throw badInput(
          file,
          start.at,
          `the interval starts (${start.value}) before the previous one ends (${previousEnd}).`,
        )
      previousEnd = end.value
      tier.intervals.push({ start: start.value, end: end.value, text: label, at: start.at })
    }
    // A count that says less than the file holds would otherwise drop the rest unseen.
    const next = r.peek()
    if (next && next.kind !== 'string')
      throw badInput(
        file,
        next.at,
        `tier "${name}" declares ${n} ${kind.value === 'TextTier' ? 'points' : 'intervals'}, but more follow.`,
      )
    tiers.push(tier)
  }
  const extra = r.peek()
  if (extra) throw badInput(file, extra.at, `the file declares ${size} tiers, but more follow.`)
  return { xmax: xmax.value, tiers }
}

/**
 * The interval tier a tier depends on: the longest other interval tier whose name, with " - ",
 * begins its name ("amina - Translation" under "amina").
 */
function parentOf(tier: Tier, tiers: Tier[]): Tier | undefined {
  if (tier.kind !== 'IntervalTier') return undefined
  return tiers
    .filter((t) => t !== tier && t.kind === 'IntervalTier' && tier.name.startsWith(`${t.name} - `))
    .sort((a, b) => b.name.length - a.name.length)[0]
}

/**
 * Reads a Praat TextGrid: long or short text format, UTF-8 or UTF-16 with a byte-order mark
 * (pass the file's bytes for UTF-16). Non-empty intervals of the chosen tiers become utterances
 * whose speaker is the tier name (less an " (overlap n)" suffix our writer adds); words come
 * from the tier "<tier> - words" when there is one, and every other tier "<tier> - <name>" is
 * the project tier <name>, its intervals given to the utterance each lies in: one text per
 * utterance where every interval spans its utterance, else time-aligned. Point tiers are
 * ignored with a note.
 */
export function readTextGrid(
  content: string | Uint8Array,
  file: string,
  options: TextGridReadOptions = {},
): ImportResult {
  const text = decodeUserText(content, file, { utf16: true })
  const { xmax, tiers } = parse(text, file)
  const notes: string[] = []
  const byName = new Map(tiers.map((t) => [t.name, t]))
  for (const wanted of options.tiers ?? [])
    if (!byName.has(wanted))
      throw badInput(
        file,
        null,
        `there is no tier "${wanted}" (tiers: ${tiers.map((t) => t.name).join(', ')}).`,
      )
  const chosen = options.tiers
    ? tiers.filter((t) => options.tiers?.includes(t.name))
    : tiers.filter(
        (t) => t.kind === 'IntervalTier' && !alignmentTier(t.name) && !parentOf(t, tiers),
      )
  for (const t of tiers)
    if (t.kind === 'TextTier')
      notes.push(
        `point tier "${t.name}" (${t.intervals.length} points) ignored: points are not utterances.`,
      )
  for (const t of chosen)
    if (t.kind === 'TextTier')
      throw badInput(file, t.at, `tier "${t.name}" is a point tier; it cannot hold utterances.`)

  const base = file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '')
  const recordingId = options.recordingId ?? base
  const found: { u: Omit<CorpusUtterance, 'id'>; order: number }[] = []
  const projectTiers: { name: string; kind: TierKind | null }[] = []
  chosen.forEach((tier, order) => {
    const wordTier = byName.get(`${tier.name}${wordTierSuffix}`)
    const words = (wordTier?.intervals ?? []).filter((w) => w.text.trim())
    const utterances = tier.intervals.filter((iv) => iv.text.trim() && iv.end > iv.start)
    const own = new Map<Interval, CorpusTierText[]>()
    for (const dependent of tiers.filter((t) => t !== wordTier && parentOf(t, tiers) === tier)) {
      const name = dependent.name.slice(tier.name.length + 3)
      if (isReservedTierName(name)) {
        notes.push(
          `tier "${dependent.name}" was not read: "${name}" is a name the exports keep for their own tiers.`,
        )
        continue
      }
      const { owned, coincide } = ownIntervals(
        file,
        dependent.name,
        tier.name,
        utterances.map((iv) => ({ key: iv, start: iv.start, end: iv.end })),
        dependent.intervals,
      )
      projectTiers.push({ name, kind: owned.size === 0 ? null : coincide ? 'utterance' : 'time' })
      for (const [iv, intervals] of owned) {
        const list = own.get(iv) ?? []
        list.push({ tier: name, intervals })
        own.set(iv, list)
      }
    }
    for (const iv of utterances) {
      const inside: WordTime[] = words
        .filter((w) => (w.start + w.end) / 2 >= iv.start && (w.start + w.end) / 2 <= iv.end)
        .map((w) => ({ word: w.text.trim(), start: w.start, end: w.end }))
      found.push({
        order,
        u: {
          recordingId,
          speaker: speakerOfTier(tier.name),
          start: iv.start,
          end: iv.end,
          text: iv.text.trim(),
          language: null,
          spans: [],
          words: inside,
          ...(own.has(iv) ? { tiers: own.get(iv) } : {}),
        },
      })
    }
  })
  found.sort((a, b) => a.u.start - b.u.start || a.order - b.order)
  const utterances = found.map((f, i) => ({
    id: `${recordingId}_${String(i + 1).padStart(4, '0')}`,
    ...f.u,
  }))
  if (!options.audioPath)
    notes.push(
      'A TextGrid names no audio: the recording is assumed to be the same-named .wav file.',
    )
  const recording = {
    id: recordingId,
    audioPath: options.audioPath ?? file.replace(/\.[^./\\]+$/, '') + '.wav',
    durationSec: xmax,
  }
  const corpus = oneRecordingCorpus(recording, utterances)
  if (projectTiers.length) corpus.tiers = fileTiers(projectTiers)
  return { corpus, notes }
}
