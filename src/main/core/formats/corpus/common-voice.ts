import { clipsOf } from './clips'
import { pick, readDelimited } from './delimited'
import { badInput } from './errors'
import {
  speakerByCode,
  type Corpus,
  type CorpusRecording,
  type CorpusSpeaker,
  type CorpusUtterance,
  type ExportResult,
  type ImportResult,
  type SpeakerGender,
} from './model'
import { joinPath, oneLine } from './text'

/**
 * The columns of Common Voice's validated.tsv / train.tsv as released from version 8 to 16
 * (checked against the Hugging Face and TFDS loaders' feature lists); later releases insert
 * sentence_id, sentence_domain and variant, which readers find by name anyway.
 */
export const commonVoiceColumns = [
  'client_id',
  'path',
  'sentence',
  'up_votes',
  'down_votes',
  'age',
  'gender',
  'accents',
  'locale',
  'segment',
] as const

export interface CommonVoiceOptions {
  /** Folder of the TSV inside the export. */
  dir?: string
  /** Default: validated.tsv. */
  name?: string
  /** Where the clips are, relative to `dir` (Common Voice's layout: clips/). */
  clipsDir?: string
  /** The locale of utterances without a language. */
  locale?: string
}

/** Our genders in Common Voice's original vocabulary (male, female, other, or empty). */
const cvGender: Record<SpeakerGender, string> = {
  female: 'female',
  male: 'male',
  nonbinary: 'other',
  unspecified: '',
}

/**
 * A Common Voice-style TSV: client_id is the speaker's pseudonymous code, path is relative to
 * the clips folder, votes are 0 (we have reviews, not votes), accents is the speaker's dialect.
 * TSV has no quoting, so the sentence is put on one line. Every utterance needs its own clip.
 */
export function writeCommonVoice(corpus: Corpus, options: CommonVoiceOptions = {}): ExportResult {
  const dir = options.dir ?? ''
  const clipsDir = joinPath(dir, options.clipsDir ?? 'clips')
  const { clips, notes } = clipsOf(corpus, {
    relativeTo: clipsDir,
    audio: 'segments',
    keepEmpty: false,
    format: 'Common Voice',
    inside: true,
  })
  const cell = (v: string | null | undefined): string => oneLine(v ?? '')
  const rows = clips.map((c) =>
    [
      cell(c.u.speaker),
      cell(c.path),
      c.text,
      '0',
      '0',
      cell(c.speaker?.ageBand),
      c.speaker?.gender ? cvGender[c.speaker.gender] : '',
      cell(c.speaker?.dialect),
      cell(c.u.language ?? options.locale),
      '',
    ].join('\t'),
  )
  const content = [commonVoiceColumns.join('\t'), ...rows].map((l) => `${l}\n`).join('')
  return { files: [{ path: joinPath(dir, options.name ?? 'validated.tsv'), content }], notes }
}

const fromCvGender = (g: string): SpeakerGender | null => {
  if (g === 'female' || g === 'female_feminine') return 'female'
  if (g === 'male' || g === 'male_masculine') return 'male'
  if (g === 'other' || g === 'non-binary') return 'nonbinary'
  if (g === 'intersex' || g === 'transgender' || g === 'do_not_wish_to_say') return 'unspecified'
  return null
}

/**
 * Reads a Common Voice TSV (any release: columns are found by name). Each row is one clip and
 * one untimed utterance; audioPath is `<clipsDir>/<path>` relative to the TSV. Speakers get
 * the first age, gender and accent given for their client_id.
 */
export function readCommonVoice(
  text: string,
  file: string,
  options: { clipsDir?: string } = {},
): ImportResult {
  const { header, rows } = readDelimited(text, file, '\t')
  for (const required of ['path', 'sentence'])
    if (!header.includes(required))
      throw badInput(file, { line: 1, column: 1 }, `the header has no "${required}" column.`)
  const accentCol = pick(header, ['accents', 'accent'])
  const recordings: CorpusRecording[] = []
  const utterances: CorpusUtterance[] = []
  const speakers = new Map<string, CorpusSpeaker>()
  const seen = new Map<string, number>()
  const ids = new Set<string>()
  for (const row of rows) {
    const get = (c: string | undefined): string => (c ? (row.cells.get(c)?.value ?? '') : '')
    const path = row.cells.get('path')
    if (!path?.value)
      throw badInput(file, path?.at ?? { line: row.line, column: 1 }, 'the path is empty.')
    const first = seen.get(path.value)
    if (first)
      throw badInput(file, path.at, `clip "${path.value}" appears twice (first on line ${first}).`)
    seen.set(path.value, row.line)
    for (const votes of ['up_votes', 'down_votes']) {
      const cell = row.cells.get(votes)
      if (cell?.value && !/^\d+$/.test(cell.value))
        throw badInput(file, cell.at, `${votes} "${cell.value}" is not a whole number.`)
    }
    const speaker = get('client_id') || null
    if (speaker) {
      const s = speakers.get(speaker) ?? speakerByCode(speaker)
      s.gender ??= fromCvGender(get('gender'))
      s.ageBand ??= get('age') || null
      s.dialect ??= get(accentCol) || null
      speakers.set(speaker, s)
    }
    const base = path.value.replace(/\.[^./]+$/, '')
    const id = ids.has(base) ? path.value : base
    ids.add(id)
    recordings.push({
      id,
      audioPath: joinPath(options.clipsDir ?? 'clips', path.value),
      durationSec: 0,
      speaker,
    })
    utterances.push({
      id,
      recordingId: id,
      speaker,
      start: 0,
      end: 0,
      text: get('sentence'),
      language: get('locale') || null,
      spans: [],
      words: [],
      untimed: true,
    })
  }
  return {
    corpus: { speakers: [...speakers.values()], recordings, utterances },
    notes: rows.length
      ? ['Common Voice has no clip durations: every utterance is its whole clip.']
      : [],
  }
}
