import { badInput } from './errors'
import {
  speakerByCode,
  type CorpusRecording,
  type CorpusUtterance,
  type ImportResult,
  type SpeakerGender,
} from './model'
import { joinPath } from './text'

/** The texts of a Kaldi data directory's files, by file name. */
export interface KaldiFiles {
  text: string
  utt2spk: string
  'wav.scp': string
  segments?: string
  spk2gender?: string
  reco2dur?: string
  utt2dur?: string
  utt2lang?: string
}

interface Entry {
  key: string
  /** The rest of the line after the key and its separating whitespace. */
  rest: string
  line: number
  restColumn: number
}

/** One file's lines as key → entry, refusing duplicate keys and lines without a key. */
function entries(file: string, text: string, needsRest: boolean): Map<string, Entry> {
  const out = new Map<string, Entry>()
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '')
    if (!line.trim()) return
    const at = { line: i + 1, column: 1 }
    const m = /^(\S+)(\s+)?(.*)$/.exec(line)
    if (!m || /^\s/.test(line)) throw badInput(file, at, 'the line starts with whitespace.')
    const key = m[1]!
    const rest = (m[3] ?? '').trimEnd()
    if (needsRest && !rest) throw badInput(file, at, `"${key}" has nothing after it.`)
    const first = out.get(key)
    if (first) throw badInput(file, at, `"${key}" appears twice (first on line ${first.line}).`)
    out.set(key, { key, rest, line: i + 1, restColumn: key.length + (m[2]?.length ?? 0) + 1 })
  })
  return out
}

/** The whitespace-separated fields of an entry's rest, with their columns. */
function fields(e: Entry): { value: string; column: number }[] {
  return [...e.rest.matchAll(/\S+/g)].map((m) => ({
    value: m[0],
    column: e.restColumn + (m.index ?? 0),
  }))
}

const decimal = /^\+?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/**
 * Reads a Kaldi data directory from its files' texts (`dir` only names them in errors): text,
 * utt2spk and wav.scp are needed; segments, spk2gender, reco2dur, utt2dur and utt2lang are
 * used when given. Every utterance must appear in text, utt2spk and (when there is one)
 * segments; the first inconsistency is refused with its file, line and column.
 */
export function readKaldiDir(files: KaldiFiles, dir: string): ImportResult {
  const name = (f: string): string => joinPath(dir, f)
  const notes: string[] = []
  const text = entries(name('text'), files.text, false)
  const utt2spk = entries(name('utt2spk'), files.utt2spk, true)
  const wav = entries(name('wav.scp'), files['wav.scp'], true)
  const number = (file: string, e: Entry, what: string): number => {
    const [f, extra] = fields(e)
    if (!f || extra || !decimal.test(f.value))
      throw badInput(
        file,
        { line: e.line, column: f?.column ?? e.restColumn },
        `${what} is not a number.`,
      )
    return Number(f.value)
  }

  for (const e of utt2spk.values()) {
    const extra = fields(e)[1]
    if (extra)
      throw badInput(
        name('utt2spk'),
        { line: e.line, column: extra.column },
        'expected "utterance speaker" and nothing more.',
      )
  }
  /** Every utterance of one file must have its line in another: the first without is refused. */
  const everyIn = (
    file: string,
    lines: Map<string, Entry>,
    other: ReadonlyMap<string, unknown>,
    otherName: string,
  ): void => {
    for (const e of lines.values())
      if (!other.has(e.key))
        throw badInput(
          name(file),
          { line: e.line, column: 1 },
          `utterance "${e.key}" is not in ${otherName}.`,
        )
  }
  everyIn('text', text, utt2spk, 'utt2spk')
  everyIn('utt2spk', utt2spk, text, 'text')

  const segments = new Map<string, { recording: string; start: number; end: number }>()
  if (files.segments !== undefined) {
    const file = name('segments')
    for (const e of entries(file, files.segments, true).values()) {
      const f = fields(e)
      const [rec, start, end, extra] = f
      if (!rec || !start || !end || extra)
        throw badInput(
          file,
          { line: e.line, column: (extra ?? f[f.length - 1])?.column ?? 1 },
          'expected "utterance recording start end".',
        )
      for (const t of [start, end])
        if (!decimal.test(t.value))
          throw badInput(
            file,
            { line: e.line, column: t.column },
            `"${t.value}" is not a time in seconds.`,
          )
      if (Number(end.value) <= Number(start.value))
        throw badInput(
          file,
          { line: e.line, column: end.column },
          `the end ${end.value} is not after the start ${start.value}.`,
        )
      if (!wav.has(rec.value))
        throw badInput(
          file,
          { line: e.line, column: rec.column },
          `recording "${rec.value}" is not in wav.scp.`,
        )
      if (!text.has(e.key))
        throw badInput(file, { line: e.line, column: 1 }, `utterance "${e.key}" is not in text.`)
      segments.set(e.key, {
        recording: rec.value,
        start: Number(start.value),
        end: Number(end.value),
      })
    }
    everyIn('text', text, segments, 'segments')
  } else everyIn('text', text, wav, 'wav.scp (and there is no segments file)')

  const durationsOf = (f: 'reco2dur' | 'utt2dur'): Map<string, number> => {
    const out = new Map<string, number>()
    const content = files[f]
    if (content !== undefined)
      for (const e of entries(name(f), content, true).values())
        out.set(e.key, number(name(f), e, 'the duration'))
    return out
  }
  const reco2dur = durationsOf('reco2dur')
  const utt2dur = durationsOf('utt2dur')

  const genders = new Map<string, SpeakerGender>()
  if (files.spk2gender !== undefined)
    for (const e of entries(name('spk2gender'), files.spk2gender, true).values()) {
      if (e.rest !== 'm' && e.rest !== 'f')
        throw badInput(
          name('spk2gender'),
          { line: e.line, column: e.restColumn },
          `expected m or f, found "${e.rest}".`,
        )
      genders.set(e.key, e.rest === 'm' ? 'male' : 'female')
    }
  const languages = new Map<string, string>()
  if (files.utt2lang !== undefined)
    for (const e of entries(name('utt2lang'), files.utt2lang, true).values())
      languages.set(e.key, e.rest)

  const recordings = new Map<string, CorpusRecording>()
  const utterances: CorpusUtterance[] = []
  let untimed = 0
  for (const e of text.values()) {
    const speaker = utt2spk.get(e.key)?.rest ?? null
    const seg = segments.get(e.key)
    const recId = seg?.recording ?? e.key
    const duration = reco2dur.get(recId) ?? (seg ? undefined : utt2dur.get(e.key))
    const rec = recordings.get(recId) ?? {
      id: recId,
      audioPath: wav.get(recId)?.rest ?? '',
      durationSec: duration ?? 0,
      speaker,
    }
    if (rec.speaker !== speaker) rec.speaker = null
    if (seg && duration === undefined) rec.durationSec = Math.max(rec.durationSec, seg.end)
    recordings.set(recId, rec)
    const base = {
      id: e.key,
      recordingId: recId,
      speaker,
      text: e.rest,
      language: languages.get(e.key) ?? null,
      spans: [],
      words: [],
    }
    if (seg) utterances.push({ ...base, start: seg.start, end: seg.end })
    else if (duration) utterances.push({ ...base, start: 0, end: duration })
    else {
      untimed++
      utterances.push({ ...base, start: 0, end: 0, untimed: true })
    }
  }
  if (untimed)
    notes.push(
      `${untimed} utterance(s) have no times (no segments, reco2dur or utt2dur): each is its whole recording.`,
    )
  const pipes = [...recordings.values()].filter((r) => r.audioPath.endsWith('|')).length
  if (pipes)
    notes.push(
      `${pipes} wav.scp entr(ies) are commands, not files; their audioPath is the command.`,
    )
  const unused = [...wav.keys()].filter((k) => !recordings.has(k)).length
  if (unused) notes.push(`${unused} wav.scp entr(ies) have no utterance and were left out.`)

  const speakers = [...new Set([...utt2spk.values()].map((e) => e.rest))].map((code) =>
    speakerByCode(code, genders.get(code) ?? null),
  )
  return { corpus: { speakers, recordings: [...recordings.values()], utterances }, notes }
}
