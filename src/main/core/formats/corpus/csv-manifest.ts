import { clipsOf } from './clips'
import { type Cell, pick, readDelimited } from './delimited'
import { badInput } from './errors'
import { csvField } from './huggingface'
import {
  soleSpeaker,
  speakerByCode,
  type AudioMode,
  type Corpus,
  type CorpusRecording,
  type CorpusUtterance,
  type ExportResult,
  type ImportResult,
} from './model'
import { joinPath, oneLine } from './text'
import { unitsToSeconds } from './time'

export interface CsvManifestOptions {
  /** Folder of the manifest inside the export; audio paths are relative to it. */
  dir?: string
  /** Default: manifest.csv (or manifest.tsv with a tab delimiter). */
  name?: string
  /** `recordings`: paths to recordings with the utterance's times; `segments`: one file each, 0 to its length. */
  audio?: AudioMode
  delimiter?: ',' | '\t'
}

export const csvManifestColumns = [
  'id',
  'path',
  'start',
  'end',
  'speaker',
  'text',
  'language',
  'noisy',
] as const

/**
 * A plain manifest, one utterance per row: id, path (relative to the manifest), start and end in
 * seconds within that file (ms precision), speaker, text, language, and `noisy` (1 for a clip
 * an annotator marked noisy but usable, else 0). CSV is quoted per RFC 4180
 * with CRLF line ends; TSV is unquoted, so tabs and line breaks in text become spaces. Utterances
 * with empty text are kept: this is an exchange list, not a training set.
 */
export function writeCsvManifest(corpus: Corpus, options: CsvManifestOptions = {}): ExportResult {
  const dir = options.dir ?? ''
  const tsv = options.delimiter === '\t'
  const { clips, notes } = clipsOf(corpus, {
    relativeTo: dir,
    audio: options.audio ?? 'recordings',
    keepEmpty: true,
    format: 'A manifest in segments mode',
  })
  const field = tsv
    ? (v: unknown): string => oneLine(v === null || v === undefined ? '' : String(v))
    : csvField
  const rows = clips.map((c) =>
    [
      c.u.id,
      c.path,
      unitsToSeconds(c.offsetMs, 1000),
      unitsToSeconds(c.offsetMs + c.durationMs, 1000),
      c.u.speaker,
      tsv ? c.text : c.u.text,
      c.u.language,
      c.u.noisy ? 1 : 0,
    ].map(field),
  )
  const sep = tsv ? '\t' : ','
  const eol = tsv ? '\n' : '\r\n'
  const content = [[...csvManifestColumns], ...rows].map((r) => `${r.join(sep)}${eol}`).join('')
  const name = options.name ?? (tsv ? 'manifest.tsv' : 'manifest.csv')
  return { files: [{ path: joinPath(dir, name), content }], notes }
}

const columns = {
  id: ['id', 'utterance_id', 'utt_id'],
  path: ['path', 'file', 'filename', 'file_name', 'audio', 'audio_filepath', 'wav'],
  start: ['start', 'start_sec', 'start_time', 'begin', 'offset'],
  end: ['end', 'end_sec', 'end_time', 'stop'],
  speaker: ['speaker', 'speaker_id', 'client_id', 'spk'],
  text: ['text', 'transcript', 'transcription', 'sentence'],
  language: ['language', 'lang', 'locale'],
} as const

const decimal = /^\+?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/
const languageTag = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i

/**
 * Reads a CSV or TSV manifest (delimiter from the file name unless given) with a header naming
 * at least the path column; start and end (seconds) are optional, and a row with both empty is
 * its whole file. Rows with the same path share a recording whose duration is, for now, the
 * latest end. The first bad value is refused with its line and column.
 */
export function readCsvManifest(
  text: string,
  file: string,
  options: { delimiter?: ',' | '\t' } = {},
): ImportResult {
  const delimiter = options.delimiter ?? (/\.tsv$/i.test(file) ? '\t' : ',')
  const { header, rows } = readDelimited(text, file, delimiter)
  const col = Object.fromEntries(
    Object.entries(columns).map(([k, aliases]) => [k, pick(header, aliases)]),
  ) as Record<keyof typeof columns, string | undefined>
  if (!col.path)
    throw badInput(
      file,
      { line: 1, column: 1 },
      `the header has no audio path column (expected one of: ${columns.path.join(', ')}).`,
    )
  if (!col.start !== !col.end)
    throw badInput(
      file,
      { line: 1, column: 1 },
      'the header has a start column without an end column, or the reverse.',
    )

  const recordings = new Map<string, CorpusRecording>()
  const recordingIds = new Set<string>()
  const speakers = new Set<string>()
  const utterances: CorpusUtterance[] = []
  const ids = new Map<string, number>()
  const counts = new Map<string, number>()
  let untimed = 0
  for (const row of rows) {
    const cell = (c: string | undefined): Cell | undefined => (c ? row.cells.get(c) : undefined)
    const path = cell(col.path)
    if (!path?.value)
      throw badInput(file, path?.at ?? { line: row.line, column: 1 }, 'the path is empty.')
    const time = (c: Cell | undefined, what: string): number | null => {
      if (!c || c.value === '') return null
      if (!decimal.test(c.value))
        throw badInput(file, c.at, `${what} "${c.value}" is not a number of seconds.`)
      return Number(c.value)
    }
    const startCell = cell(col.start)
    const endCell = cell(col.end)
    const start = time(startCell, 'the start')
    const end = time(endCell, 'the end')
    if ((start === null) !== (end === null))
      throw badInput(
        file,
        (start === null ? startCell : endCell)?.at ?? null,
        'give both start and end, or neither.',
      )
    if (start !== null && end !== null && start >= end)
      throw badInput(file, endCell?.at ?? null, `the start ${start} is not before the end ${end}.`)
    const language = cell(col.language)
    if (language?.value && !languageTag.test(language.value))
      throw badInput(
        file,
        language.at,
        `"${language.value}" is not a language tag (expected e.g. sw, hi, hi-en).`,
      )

    let rec = recordings.get(path.value)
    if (!rec) {
      const base = path.value.replace(/^.*\//, '').replace(/\.[^.]+$/, '') || path.value
      let id = base
      for (let n = 2; recordingIds.has(id); n++) id = `${base}_${n}`
      recordingIds.add(id)
      rec = { id, audioPath: path.value, durationSec: 0, speaker: null }
      recordings.set(path.value, rec)
    }
    const idCell = cell(col.id)
    const n = (counts.get(rec.id) ?? 0) + 1
    counts.set(rec.id, n)
    const id = idCell?.value || `${rec.id}_${String(n).padStart(4, '0')}`
    const first = ids.get(id)
    if (first)
      throw badInput(
        file,
        idCell?.at ?? { line: row.line, column: 1 },
        `utterance "${id}" appears twice (first on line ${first}).`,
      )
    ids.set(id, row.line)
    const speaker = cell(col.speaker)?.value || null
    if (speaker) speakers.add(speaker)
    if (end !== null) rec.durationSec = Math.max(rec.durationSec, end)
    else untimed++
    utterances.push({
      id,
      recordingId: rec.id,
      speaker,
      start: start ?? 0,
      end: end ?? 0,
      text: cell(col.text)?.value ?? '',
      language: language?.value || null,
      spans: [],
      words: [],
      ...(end === null ? { untimed: true as const } : {}),
    })
  }
  const speakersOf = new Map<string, Set<string | null>>()
  for (const u of utterances)
    speakersOf.set(u.recordingId, (speakersOf.get(u.recordingId) ?? new Set()).add(u.speaker))
  for (const rec of recordings.values()) {
    rec.speaker = soleSpeaker(speakersOf.get(rec.id) ?? new Set())
  }
  const notes = [
    'Recording durations are the latest end of their utterances until the audio is measured.',
  ]
  if (untimed) notes.push(`${untimed} row(s) have no start and end: each is its whole file.`)
  const speakerList = [...speakers].map((code) => speakerByCode(code))
  return {
    corpus: { speakers: speakerList, recordings: [...recordings.values()], utterances },
    notes,
  }
}
