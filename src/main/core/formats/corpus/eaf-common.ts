/** Names shared by the ELAN writer and reader, so that an exported file reads back as written. */

/** Linguistic types: utterances on top-level tiers, words and language spans under them. */
export const eafTypes = { utterance: 'utterance', word: 'word', language: 'language' } as const

/** Dependent tiers are named after their parent, as "<parent> - words" and "<parent> - language". */
export const eafTierSuffix = { word: ' - words', language: ' - language' } as const

/** Header properties carrying our stable ids (ELAN keeps header properties it does not know). */
export const eafProperty = {
  recording: 'sauti:recording',
  utterance: 'sauti:utterance:',
} as const

/**
 * The four constraints ELAN declares in every file it writes, with its descriptions. Words and
 * language spans use Included_In: time-aligned inside the parent with gaps allowed, which is what
 * word timings are (Time_Subdivision would demand that the words tile the utterance).
 */
export const eafConstraints = [
  [
    'Time_Subdivision',
    "Time subdivision of parent annotation's time interval, no time gaps allowed within this interval",
  ],
  [
    'Symbolic_Subdivision',
    'Symbolic subdivision of a parent annotation. Annotations refering to the same parent are ordered',
  ],
  ['Symbolic_Association', '1-1 association with a parent annotation'],
  [
    'Included_In',
    "Time alignable annotations within the parent annotation's time interval, gaps are allowed",
  ],
] as const

/** LANG_ID and LANG_REF are XML IDs: a name that starts with a letter or "_", no spaces or colons. */
export const ncName = /^[A-Za-z_][A-Za-z0-9_.-]*$/

/**
 * Word boundaries for an utterance without word times, in proportion to each word's length in
 * characters. The writer uses them only to place language spans in time; the reader recomputes
 * the same boundaries to map those spans back to word indices, so the spans survive a round trip.
 */
export function estimateWordTimes(
  words: string[],
  startMs: number,
  endMs: number,
): [number, number][] {
  const lengths = words.map((w) => Math.max(1, [...w].length))
  const total = lengths.reduce((a, b) => a + b, 0)
  const out: [number, number][] = []
  let done = 0
  for (const n of lengths) {
    const from = startMs + Math.round(((endMs - startMs) * done) / total)
    done += n
    const to = startMs + Math.round(((endMs - startMs) * done) / total)
    out.push([from, to])
  }
  return out
}

/** MIME types as ELAN writes them, by extension. */
export function mimeType(path: string): string {
  const ext = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? ''
  const types: Record<string, string> = {
    wav: 'audio/x-wav',
    mp3: 'audio/mpeg',
    flac: 'audio/flac',
    ogg: 'audio/ogg',
    opus: 'audio/ogg',
    mp4: 'video/mp4',
    mpg: 'video/mpeg',
  }
  return types[ext] ?? 'unknown'
}
