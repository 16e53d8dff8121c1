import { checkCorpus, type CheckedUtterance } from './check'
import { badCorpus } from './errors'
import type { AudioMode, Corpus, ExportNote, ExportResult, OutFile } from './model'
import { byteOrder, joinPath, oneLine, uniqueNames } from './text'
import { toMs, unitsToSeconds } from './time'

export interface KaldiOptions {
  /** Folder of the data directory inside the export, e.g. "kaldi/train". Default: the root. */
  dir?: string
  /** `recordings`: wav.scp lists recordings and `segments` cuts them; `segments`: one file per utterance. */
  audio?: AudioMode
  /**
   * Put before every audio path in wav.scp. Kaldi resolves paths against the directory it runs
   * in, not the data directory, so give the export's absolute root here (with a trailing "/")
   * or run the recipe from the export root.
   */
  audioPrefix?: string
}

export interface KaldiExport extends ExportResult {
  /** The Kaldi id given to each speaker code, recording id and utterance id. */
  ids: {
    speakers: Map<string, string>
    recordings: Map<string, string>
    utterances: Map<string, string>
  }
}

/**
 * Speaker ids keep letters, digits, "_" and "."; anything else becomes "_". Utterance ids are
 * "<speaker>-<utterance>", and every character a speaker id may hold sorts after "-" in byte
 * order, so sorting utterance ids also sorts them by speaker even when one speaker id is a
 * prefix of another ("a" and "a.b"): Kaldi's utt2spk rule (validate_data_dir.sh, without
 * --no-spk-sort).
 */
const speakerId = (code: string): string => code.replace(/[^A-Za-z0-9_.]/g, '_')
/** Recording and utterance keys: no whitespace (Kaldi's rule), and only portable characters. */
const keyId = (key: string): string => key.replace(/[^A-Za-z0-9_.-]/g, '_')

/** Words Kaldi's validate_data_dir.sh refuses in `text` (sentence markers and the LM's #0). */
const reserved = new Set(['<s>', '</s>', '#0'])

const table = (rows: string[][]): string =>
  rows
    .map((r) => r.join(' '))
    .sort(byteOrder)
    .map((l) => `${l}\n`)
    .join('')

/**
 * A Kaldi (and ESPnet) data directory: wav.scp, text, utt2spk, spk2utt, segments (recordings
 * mode), reco2dur, and spk2gender / utt2lang when every speaker / utterance has one. Every file
 * is sorted in C-locale byte order. Utterances with empty text, reserved words or less than
 * 1 ms after rounding are left out with a note (see docs/export-formats.md).
 */
export function writeKaldi(corpus: Corpus, options: KaldiOptions = {}): KaldiExport {
  const checked = checkCorpus(corpus)
  const notes: ExportNote[] = [...checked.notes]
  const mode = options.audio ?? 'recordings'
  const prefix = options.audioPrefix ?? ''

  const kept: {
    u: CheckedUtterance
    text: string
    startMs: number
    endMs: number
    /** Segments mode: the utterance's own file (its segment, or its recording if it is all of it). */
    file: string
  }[] = []
  for (const u of checked.utterances) {
    const text = oneLine(u.text)
    const skip = (message: string): void => {
      notes.push({ kind: 'skipped', utteranceId: u.id, recordingId: u.recordingId, message })
    }
    const startMs = toMs(u.start)
    const endMs = toMs(u.end)
    if (!text) skip('empty transcript (Kaldi allows no empty text lines)')
    else if (text.split(' ').some((w) => reserved.has(w)))
      skip('the transcript contains <s>, </s> or #0, which Kaldi reserves')
    else if (endMs <= startMs) skip('shorter than 1 ms')
    else {
      const recording = checked.recordings.get(u.recordingId)
      const whole = startMs === 0 && endMs === toMs(recording?.durationSec ?? -1)
      const file = u.segmentAudioPath ?? (whole ? recording?.audioPath : undefined)
      if (mode === 'segments' && !file)
        throw badCorpus(`Utterance "${u.id}" has no segment audio file; export its audio first.`)
      kept.push({ u, text, startMs, endMs, file: file ?? '' })
    }
  }

  const speakers = uniqueNames([...new Set(kept.map((k) => k.u.speaker))], speakerId)
  const recordings = uniqueNames([...checked.recordings.keys()], keyId)
  const speakerOf = new Map(kept.map((k) => [k.u.id, k.u.speaker]))
  const utterances = uniqueNames(
    kept.map((k) => k.u.id),
    (id) => {
      const spk = speakers.get(speakerOf.get(id) ?? '') ?? ''
      const key = keyId(id)
      return key.startsWith(`${spk}-`) ? key : `${spk}-${key}`
    },
  )
  const uttId = (u: CheckedUtterance): string => utterances.get(u.id) ?? ''
  const spkId = (u: CheckedUtterance): string => speakers.get(u.speaker) ?? ''
  for (const [code, id] of speakers)
    if (code !== id)
      notes.push({ kind: 'info', message: `speaker "${code}" is "${id}" in the Kaldi files` })

  const audioPath = (path: string, owner: string): string => {
    const full = prefix + path
    if (/\s/.test(full))
      throw badCorpus(
        `The audio path of "${owner}" contains whitespace, which wav.scp cannot hold: ${full}`,
      )
    return full
  }
  const wav: string[][] = []
  const segments: string[][] = []
  const durations: string[][] = []
  if (mode === 'recordings') {
    const used = new Set(kept.map((k) => k.u.recordingId))
    for (const [id, r] of checked.recordings) {
      if (!used.has(id)) continue
      const rec = recordings.get(id) ?? id
      wav.push([rec, audioPath(r.audioPath, id)])
      durations.push([rec, unitsToSeconds(toMs(r.durationSec), 1000)])
    }
    for (const k of kept)
      segments.push([
        uttId(k.u),
        recordings.get(k.u.recordingId) ?? '',
        unitsToSeconds(k.startMs, 1000),
        unitsToSeconds(k.endMs, 1000),
      ])
  } else {
    for (const k of kept) {
      wav.push([uttId(k.u), audioPath(k.file, k.u.id)])
      durations.push([uttId(k.u), unitsToSeconds(k.endMs - k.startMs, 1000)])
    }
  }
  if (wav.some(([, path]) => !/\.wav$/i.test(path ?? '')))
    notes.push({
      kind: 'info',
      message:
        'some audio is not WAV: Kaldi reads only WAV (ESPnet also reads FLAC); convert it or turn those wav.scp lines into "sox … -t wav - |" commands',
    })

  const spk2utt = new Map<string, string[]>()
  for (const k of kept) {
    const list = spk2utt.get(spkId(k.u)) ?? []
    list.push(uttId(k.u))
    spk2utt.set(spkId(k.u), list)
  }
  const dir = options.dir ?? ''
  const files: OutFile[] = [
    { path: joinPath(dir, 'wav.scp'), content: table(wav) },
    { path: joinPath(dir, 'text'), content: table(kept.map((k) => [uttId(k.u), k.text])) },
    { path: joinPath(dir, 'utt2spk'), content: table(kept.map((k) => [uttId(k.u), spkId(k.u)])) },
    {
      path: joinPath(dir, 'spk2utt'),
      content: table([...spk2utt].map(([spk, utts]) => [spk, ...utts.sort(byteOrder)])),
    },
    { path: joinPath(dir, 'reco2dur'), content: table(durations) },
  ]
  if (mode === 'recordings')
    files.push({ path: joinPath(dir, 'segments'), content: table(segments) })

  const gender = (code: string): string | null => {
    const g = checked.speakers.get(code)?.gender
    return g === 'female' ? 'f' : g === 'male' ? 'm' : null
  }
  const withoutGender = [...speakers.keys()].filter((code) => gender(code) === null)
  if (withoutGender.length === 0)
    files.push({
      path: joinPath(dir, 'spk2gender'),
      content: table([...speakers].map(([code, id]) => [id, gender(code) ?? ''])),
    })
  else
    notes.push({
      kind: 'info',
      message: `no spk2gender: Kaldi allows only m and f and needs every speaker, and ${withoutGender.length} speaker(s) are neither (${withoutGender.slice(0, 5).join(', ')})`,
    })
  const withoutLanguage = kept.filter((k) => !k.u.language).length
  if (withoutLanguage > 0)
    notes.push({
      kind: 'info',
      message: `no utt2lang: ${withoutLanguage} utterance(s) have no language, and Kaldi needs every utterance in it`,
    })
  else if (kept.length > 0)
    files.push({
      path: joinPath(dir, 'utt2lang'),
      content: table(kept.map((k) => [uttId(k.u), oneLine(k.u.language ?? '').replace(/ /g, '_')])),
    })

  return { files, notes, ids: { speakers, recordings, utterances } }
}
