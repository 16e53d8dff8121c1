import { SautiError } from './errors'

/**
 * One word of a transcript and where it lies in the recording: the one shape of word times that
 * alignment produces, hypotheses store, the editor shows and corpus files carry. Times are
 * seconds from the start of the recording (alignment works relative to an utterance and shifts
 * its words before they leave the worker).
 */
export interface WordTime {
  word: string
  start: number
  end: number
  /**
   * How well forced alignment placed the word: the geometric-mean probability of its frames on
   * the path, in [0, 1], and 0 for a word it could not place. Absent on times read from files.
   */
  score?: number
  /**
   * The model's confidence in the word, in [0, 1] (null where it has none). Hypotheses store it
   * in its own column, which the queue reads without parsing times, so it is not serialised here.
   */
  confidence?: number | null
}

/** Word times as a hypothesis stores them (`hypothesis.word_times`): `[{word, start, end, score?}]`. */
export function serialiseWordTimes(words: readonly WordTime[]): string {
  return JSON.stringify(
    words.map((w) =>
      w.score === undefined
        ? { word: w.word, start: w.start, end: w.end }
        : { word: w.word, start: w.start, end: w.end, score: w.score },
    ),
  )
}

/** Reads what `serialiseWordTimes` wrote; null (no stored times) reads as none. */
export function parseWordTimes(json: string | null): WordTime[] {
  if (json === null) return []
  const parsed: unknown = JSON.parse(json)
  if (!Array.isArray(parsed)) throw new SautiError('store', 'stored word times are not a list')
  return parsed.map((item: unknown, i): WordTime => {
    const w = item as Partial<Record<keyof WordTime, unknown>>
    if (typeof w.word !== 'string' || typeof w.start !== 'number' || typeof w.end !== 'number')
      throw new SautiError('store', `stored word time ${i} is not {word, start, end}`)
    return typeof w.score === 'number'
      ? { word: w.word, start: w.start, end: w.end, score: w.score }
      : { word: w.word, start: w.start, end: w.end }
  })
}
