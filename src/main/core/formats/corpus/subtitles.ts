import { byRecording, checkCorpus, type CheckedCorpus, type CheckedUtterance } from './check'
import type { Corpus, ExportNote, ExportResult, OutFile } from './model'
import { typedWords } from '../../../../shared/text/language-spans'
import { joinPath, oneLine, safeFileName, uniqueNames } from './text'
import { clock, toMs } from './time'

export interface SubtitleOptions {
  /** Folder of the subtitle files inside the export; one file per recording, named by its id. */
  dir?: string
}

interface Cue {
  u: CheckedUtterance
  startMs: number
  endMs: number
  text: string
}

/**
 * Each recording's cues in time order. A cue must end after it starts in both formats, so
 * utterances under 1 ms are left out, as are empty ones (an empty cue shows nothing). Overlapping
 * cues (two speakers at once) are allowed by both formats and shown together by players.
 */
function cuesOf(checked: CheckedCorpus, notes: ExportNote[]): Map<string, Cue[]> {
  const out = new Map<string, Cue[]>()
  for (const [recordingId, utterances] of byRecording(checked)) {
    const cues: Cue[] = []
    for (const u of utterances) {
      const text = oneLine(u.text)
      const startMs = toMs(u.start)
      const endMs = toMs(u.end)
      if (!text || endMs <= startMs) {
        notes.push({
          kind: 'skipped',
          utteranceId: u.id,
          recordingId,
          message: text ? 'shorter than 1 ms' : 'empty transcript',
        })
        continue
      }
      cues.push({ u, startMs, endMs, text })
    }
    out.set(recordingId, cues)
  }
  return out
}

const vttEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Cue text with language spans as WebVTT <lang> tags, so code-switched words keep their language. */
function vttText(cue: Cue): string {
  const spans = cue.u.spans
  if (spans.length === 0) return vttEscape(cue.text)
  const words = typedWords(cue.text).map(vttEscape)
  for (const s of spans) {
    if (s.start >= words.length) continue
    const last = Math.min(s.end, words.length) - 1
    words[s.start] = `<lang ${vttEscape(s.lang)}>${words[s.start]}`
    words[last] = `${words[last]}</lang>`
  }
  return words.join(' ')
}

function perRecording(
  corpus: Corpus,
  options: SubtitleOptions,
  extension: string,
  render: (cues: Cue[]) => string,
): ExportResult {
  const checked = checkCorpus(corpus)
  const notes = [...checked.notes]
  const names = uniqueNames([...checked.recordings.keys()], safeFileName)
  const files: OutFile[] = []
  for (const [recordingId, cues] of cuesOf(checked, notes)) {
    files.push({
      path: joinPath(options.dir ?? '', `${names.get(recordingId) ?? recordingId}.${extension}`),
      content: render(cues),
    })
  }
  return { files, notes }
}

/**
 * WebVTT, one file per recording: cue identifiers are utterance ids, each cue's text is voiced by
 * its speaker (`<v SPK>`), with <lang> tags for language spans and &, <, > escaped.
 */
export function writeVtt(corpus: Corpus, options: SubtitleOptions = {}): ExportResult {
  return perRecording(corpus, options, 'vtt', (cues) => {
    const blocks = cues.map((c) => {
      const id = c.u.id.includes('-->') ? '' : `${oneLine(c.u.id)}\n`
      const timing = `${clock(c.startMs, '.')} --> ${clock(c.endMs, '.')}`
      return `${id}${timing}\n<v ${vttEscape(oneLine(c.u.speaker))}>${vttText(c)}\n`
    })
    return ['WEBVTT\n', ...blocks].join('\n')
  })
}

/** SubRip, one file per recording: numbered cues, HH:MM:SS,mmm times, "[SPK] " before the text. */
export function writeSrt(corpus: Corpus, options: SubtitleOptions = {}): ExportResult {
  return perRecording(corpus, options, 'srt', (cues) =>
    cues
      .map(
        (c, i) =>
          `${i + 1}\n${clock(c.startMs, ',')} --> ${clock(c.endMs, ',')}\n[${oneLine(c.u.speaker)}] ${c.text}\n`,
      )
      .join('\n'),
  )
}
