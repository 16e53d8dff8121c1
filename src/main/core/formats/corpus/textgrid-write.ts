import { byRecording, checkCorpus, type CheckedUtterance } from './check'
import { overlapTierName, speakerStacks, tidyWords, type Span } from './layout'
import type { Corpus, CorpusTier, ExportNote, ExportResult, OutFile } from './model'
import { dependentTierName, droppedNote, tierSpans } from './project-tiers'
import { joinPath, safeFileName, uniqueNames } from './text'
import { toMicros, unitsToSeconds } from './time'

export interface TextGridOptions {
  /** Folder of the TextGrids inside the export; one file per recording, named by its id. */
  dir?: string
}

/** The suffix of a speaker tier's word tier, as the Montreal Forced Aligner names them. */
export const wordTierSuffix = ' - words'

interface Tier {
  name: string
  spans: Span<string>[]
}

const seconds = (us: number): string => unitsToSeconds(us, 1_000_000)
const quote = (s: string): string => `"${s.replace(/"/g, '""')}"`

/** Intervals that tile [0, end]: the spans in order, with empty intervals in the gaps. */
function tile(spans: Span<string>[], end: number): Span<string>[] {
  const out: Span<string>[] = []
  let at = 0
  for (const s of spans) {
    if (s.start > at) out.push({ start: at, end: s.start, item: '' })
    out.push(s)
    at = s.end
  }
  if (at < end) out.push({ start: at, end, item: '' })
  return out
}

function render(tiers: Tier[], end: number): string {
  const lines = [
    'File type = "ooTextFile"',
    'Object class = "TextGrid"',
    '',
    'xmin = 0 ',
    `xmax = ${seconds(end)} `,
    'tiers? <exists> ',
    `size = ${tiers.length} `,
    'item []: ',
  ]
  tiers.forEach((tier, i) => {
    const intervals = tile(tier.spans, end)
    lines.push(
      `    item [${i + 1}]:`,
      '        class = "IntervalTier" ',
      `        name = ${quote(tier.name)} `,
      '        xmin = 0 ',
      `        xmax = ${seconds(end)} `,
      `        intervals: size = ${intervals.length} `,
    )
    intervals.forEach((iv, j) => {
      lines.push(
        `        intervals [${j + 1}]:`,
        `            xmin = ${seconds(iv.start)} `,
        `            xmax = ${seconds(iv.end)} `,
        `            text = ${quote(iv.item)} `,
      )
    })
  })
  return `${lines.join('\n')}\n`
}

/**
 * The tiers of one recording: for each speaker (in order of first speech) an utterance tier
 * named by the speaker's code, when any of its utterances has word times a word tier
 * "<code> - words", and a tier "<code> - <name>" per project tier (an utterance's one text as an
 * interval spanning it, a time-aligned tier's own intervals), even when empty, to fill in in
 * Praat. A speaker whose utterances overlap each other gets further tiers "<code> (overlap 2)"…,
 * since an interval tier cannot hold overlaps.
 */
function tiersOf(
  utterances: CheckedUtterance[],
  projectTiers: CorpusTier[],
  end: number,
  notes: ExportNote[],
): Tier[] {
  const tiers: Tier[] = []
  const micros = { toUnits: toMicros, name: 'µs' }
  for (const [speaker, stacks] of speakerStacks(utterances, micros, end, notes)) {
    stacks.forEach((stack, i) => {
      const name = overlapTierName(speaker, i + 1)
      tiers.push({ name, spans: stack.map((s) => ({ ...s, item: s.item.text })) })
      const words: Span<string>[] = []
      for (const s of stack) {
        const tidy = tidyWords(s.item.words, s.start, s.end, toMicros)
        words.push(...tidy.words)
        if (tidy.dropped)
          notes.push({
            kind: 'adjusted',
            utteranceId: s.item.id,
            recordingId: s.item.recordingId,
            message: `${tidy.dropped} word(s) had no time left inside the utterance and are not in the word tier`,
          })
      }
      if (stack.some((s) => s.item.words.length > 0))
        tiers.push({ name: `${name}${wordTierSuffix}`, spans: words })
      for (const tier of projectTiers) {
        const own: Span<string>[] = []
        for (const s of stack) {
          const { spans, dropped } = tierSpans(s.item, tier, s.start, s.end, toMicros)
          own.push(...spans)
          if (dropped) notes.push(droppedNote(s.item, tier.name, dropped))
        }
        tiers.push({ name: dependentTierName(name, tier.name), spans: own })
      }
    })
  }
  return tiers
}

/**
 * Praat TextGrids, one per recording, in the long text format, UTF-8: every tier spans
 * [0, duration] and its intervals tile it, empty intervals filling the gaps. Times are written
 * to the microsecond. Utterance language and language spans have no place in a TextGrid and are
 * not written; project tiers are interval tiers like the others (a TextGrid cannot say which
 * kind a tier is: the reader tells by whether each interval spans its utterance).
 */
export function writeTextGrid(corpus: Corpus, options: TextGridOptions = {}): ExportResult {
  const checked = checkCorpus(corpus)
  const notes = [...checked.notes]
  const names = uniqueNames([...checked.recordings.keys()], safeFileName)
  const files: OutFile[] = []
  for (const [id, utterances] of byRecording(checked)) {
    const recording = checked.recordings.get(id)
    if (!recording) continue
    const end = toMicros(recording.durationSec)
    files.push({
      path: joinPath(options.dir ?? '', `${names.get(id) ?? id}.TextGrid`),
      content: render(tiersOf(utterances, corpus.tiers ?? [], end, notes), end),
    })
  }
  return { files, notes }
}
