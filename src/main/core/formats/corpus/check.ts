import { badCorpus } from './errors'
import type { Corpus, CorpusRecording, CorpusSpeaker, CorpusUtterance, ExportNote } from './model'

/** An utterance that passed the checks: it has a speaker and lies inside its recording. */
export interface CheckedUtterance extends CorpusUtterance {
  speaker: string
}

export interface CheckedCorpus {
  recordings: Map<string, CorpusRecording>
  speakers: Map<string, CorpusSpeaker>
  /** By recording (in the corpus's order), then start, end and id. */
  utterances: CheckedUtterance[]
  notes: ExportNote[]
}

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n)

/**
 * What every writer needs of its input, checked once: unique ids, utterances that name an
 * existing recording and a speaker, start < end, words and spans that make sense. An utterance
 * ending a little past its recording (durations measured by different decoders disagree by a
 * frame) is clamped with a note; one starting at or after the end is refused. Refusals throw
 * `validation` errors naming the utterance: they are bugs or bad data upstream, not user files.
 */
export function checkCorpus(corpus: Corpus): CheckedCorpus {
  const notes: ExportNote[] = []
  const recordings = new Map<string, CorpusRecording>()
  for (const r of corpus.recordings) {
    if (!r.id) throw badCorpus('A recording has an empty id.')
    if (recordings.has(r.id)) throw badCorpus(`Recording "${r.id}" appears twice.`)
    if (!finite(r.durationSec) || r.durationSec <= 0)
      throw badCorpus(`Recording "${r.id}" has no duration (${r.durationSec}).`)
    if (!r.audioPath) throw badCorpus(`Recording "${r.id}" has no audio path.`)
    recordings.set(r.id, r)
  }
  const speakers = new Map<string, CorpusSpeaker>()
  for (const s of corpus.speakers) {
    if (!s.code) throw badCorpus('A speaker has an empty code.')
    if (speakers.has(s.code)) throw badCorpus(`Speaker "${s.code}" appears twice.`)
    speakers.set(s.code, s)
  }
  const order = new Map([...recordings.keys()].map((id, i) => [id, i]))
  const ids = new Set<string>()
  const utterances: CheckedUtterance[] = corpus.utterances.map((u) => {
    const what = `Utterance "${u.id}"`
    if (!u.id) throw badCorpus('An utterance has an empty id.')
    if (ids.has(u.id)) throw badCorpus(`${what} appears twice.`)
    ids.add(u.id)
    const recording = recordings.get(u.recordingId)
    if (!recording)
      throw badCorpus(`${what} names recording "${u.recordingId}", not in the corpus.`)
    if (u.speaker === null || u.speaker === '')
      throw badCorpus(`${what} has no speaker; an export needs each utterance's speaker.`)
    if (u.untimed)
      throw badCorpus(
        `${what} has no times yet (it was imported untimed); measure its recording first.`,
      )
    if (!finite(u.start) || !finite(u.end) || u.start < 0 || u.end <= u.start)
      throw badCorpus(`${what} has times ${u.start}–${u.end}; expected 0 ≤ start < end.`)
    if (u.start >= recording.durationSec)
      throw badCorpus(
        `${what} starts at ${u.start} s, after the end of "${recording.id}" (${recording.durationSec} s).`,
      )
    let end = u.end
    if (end > recording.durationSec) {
      notes.push({
        kind: 'adjusted',
        utteranceId: u.id,
        recordingId: u.recordingId,
        message: `ends at ${u.end} s, past the end of its recording; cut to ${recording.durationSec} s`,
      })
      end = recording.durationSec
    }
    for (const w of u.words) {
      if (!finite(w.start) || !finite(w.end) || w.end < w.start)
        throw badCorpus(`${what}: word "${w.word}" has times ${w.start}–${w.end}.`)
    }
    let previousEnd = 0
    for (const s of u.spans) {
      if (!Number.isInteger(s.start) || !Number.isInteger(s.end) || s.start < previousEnd)
        throw badCorpus(`${what}: language spans must be ordered word ranges that do not overlap.`)
      if (s.end <= s.start || !s.lang)
        throw badCorpus(`${what}: the span [${s.start}, ${s.end}) "${s.lang}" is empty.`)
      previousEnd = s.end
    }
    return { ...u, speaker: u.speaker, end }
  })
  utterances.sort(
    (a, b) =>
      (order.get(a.recordingId) ?? 0) - (order.get(b.recordingId) ?? 0) ||
      a.start - b.start ||
      a.end - b.end ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  return { recordings, speakers, utterances, notes }
}

/** The checked utterances of each recording, in the corpus's recording order. */
export function byRecording(checked: CheckedCorpus): Map<string, CheckedUtterance[]> {
  const groups = new Map<string, CheckedUtterance[]>()
  for (const id of checked.recordings.keys()) groups.set(id, [])
  for (const u of checked.utterances) groups.get(u.recordingId)?.push(u)
  return groups
}
