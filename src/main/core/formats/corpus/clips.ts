import { checkCorpus, type CheckedUtterance } from './check'
import { badCorpus } from './errors'
import type { AudioMode, Corpus, CorpusRecording, CorpusSpeaker, ExportNote } from './model'
import { oneLine, relativePath } from './text'
import { toMs } from './time'

/** One utterance as a row of a dataset manifest. */
export interface Clip {
  u: CheckedUtterance
  recording: CorpusRecording
  speaker: CorpusSpeaker | undefined
  /** The transcript on one line. */
  text: string
  /** The audio file, relative to the manifest's folder. */
  path: string
  /** Where the utterance starts in `path` (0 for a file of its own), and its length, in ms. */
  offsetMs: number
  durationMs: number
}

export interface ClipOptions {
  /** The folder audio paths are written relative to (the manifest's, or Common Voice's clips/). */
  relativeTo: string
  audio: AudioMode
  /** Keep utterances whose transcript is empty (exchange lists do; training sets do not). */
  keepEmpty: boolean
  /** The format's name, for error messages. */
  format: string
  /** Refuse audio outside `relativeTo` (Hugging Face and Common Voice cannot reach it). */
  inside?: boolean
}

/**
 * The rows of a dataset manifest. In `segments` mode each utterance needs its own audio file:
 * its segment file or, for an utterance that is its whole recording, the recording. One without
 * either is refused: the caller forgot to export segment audio, and silently dropping it would
 * shrink the dataset unnoticed. Empty transcripts and utterances under 1 ms are left out with a note.
 */
export function clipsOf(
  corpus: Corpus,
  options: ClipOptions,
): { clips: Clip[]; notes: ExportNote[] } {
  const checked = checkCorpus(corpus)
  const notes = [...checked.notes]
  const clips: Clip[] = []
  for (const u of checked.utterances) {
    const recording = checked.recordings.get(u.recordingId)
    if (!recording) continue
    const text = oneLine(u.text)
    const startMs = toMs(u.start)
    const endMs = toMs(u.end)
    const skip = (message: string): void => {
      notes.push({ kind: 'skipped', utteranceId: u.id, recordingId: u.recordingId, message })
    }
    if (!text && !options.keepEmpty) {
      skip('empty transcript')
      continue
    }
    if (endMs <= startMs) {
      skip('shorter than 1 ms')
      continue
    }
    let file = recording.audioPath
    let offsetMs = startMs
    if (options.audio === 'segments') {
      const whole = startMs === 0 && endMs === toMs(recording.durationSec)
      if (u.segmentAudioPath) file = u.segmentAudioPath
      else if (!whole)
        throw badCorpus(
          `Utterance "${u.id}" has no audio file of its own, which ${options.format} needs; export its audio as segments first.`,
        )
      offsetMs = 0
    }
    const path = relativePath(options.relativeTo, file)
    if (options.inside && path.startsWith('../'))
      throw badCorpus(
        `${options.format} can only reference audio inside "${options.relativeTo || '.'}"; "${file}" is outside.`,
      )
    clips.push({
      u,
      recording,
      speaker: checked.speakers.get(u.speaker),
      text,
      path,
      offsetMs,
      durationMs: endMs - startMs,
    })
  }
  return { clips, notes }
}
