import { describe, expect, it } from 'vitest'
import { prefixBeamSearch } from '../../src/main/core/asr/beam-search'
import type { Posteriors } from '../../src/main/core/asr/ctc'
import { countNgrams, WordNgram } from '../../src/main/core/asr/ngram'

const corpus = [
  'Mama anapika chakula',
  'mama anapika wali',
  'Baba anapika chakula leo',
  'the cat sat',
  'a cat',
  'cat',
]

describe('word n-gram language model', () => {
  it('prefers what the texts say, and still gives unseen words a probability', () => {
    const lm = WordNgram.build(corpus)
    expect(lm.logProb(['mama', 'anapika'], 'chakula')).toBeGreaterThan(
      lm.logProb(['mama', 'anapika'], 'leo'),
    )
    expect(lm.logProb(['mama'], 'anapika')).toBeGreaterThan(lm.logProb(['mama'], 'chakula'))
    const unseen = lm.logProb(['mama'], 'ugali')
    expect(Number.isFinite(unseen)).toBe(true)
    expect(unseen).toBeLessThan(lm.logProb(['mama'], 'leo'))
  })

  it('is a probability distribution: seen words plus the unseen mass sum to one', () => {
    const lm = WordNgram.build(corpus)
    const counts = countNgrams(corpus)
    const vocabulary = Object.keys(counts.counts).filter((k) => !k.includes(' '))
    for (const history of [[], ['mama'], ['mama', 'anapika'], ['nobody', 'said']]) {
      const seen = vocabulary.reduce((sum, w) => sum + Math.exp(lm.logProb(history, w)), 0)
      // UNSEEN_SPREAD notional unseen words share the rest.
      const unseen = 10_000 * Math.exp(lm.logProb(history, 'never-seen-word'))
      expect(seen + unseen).toBeCloseTo(1, 9)
    }
  })
})

// Characters: blank, delimiter, letters. Each letter is held for 3 frames, with blanks between words.
const tokens = ['<b>', '|', 'c', 'h', 'a', 't', 'z', 'o', 'g']
function spell(frames: Record<string, number>[]): Posteriors {
  const V = tokens.length
  const logProbs = new Float32Array(frames.length * V)
  frames.forEach((f, t) => {
    const rest = 1 - Object.values(f).reduce((a, b) => a + b, 0)
    const others = tokens.filter((x) => !(x in f)).length
    tokens.forEach((tok, v) => (logProbs[t * V + v] = Math.log(f[tok] ?? rest / others)))
  })
  return { frames: frames.length, vocab: V, logProbs }
}
const hold = (f: Record<string, number>, n = 3): Record<string, number>[] => new Array(n).fill(f)
const fusion = (weight: number) => ({
  model: WordNgram.build(corpus),
  weight,
  wordBonus: 0,
  delimiter: 1,
  text: (t: number) => tokens[t]!,
})
const decode = (p: Posteriors, weight: number | null): string =>
  prefixBeamSearch(p, {
    blank: 0,
    beamWidth: 32,
    nBest: 1,
    ...(weight === null ? {} : { lm: fusion(weight) }),
  })[0]!
    .tokens.map((t) => tokens[t])
    .join('')

describe('shallow fusion in the beam search', () => {
  // The first letter sounds a little more like "h" than "c".
  const ambiguous = spell([
    ...hold({ h: 0.5, c: 0.4 }, 1),
    ...hold({ '<b>': 0.95 }, 1),
    ...hold({ a: 0.95 }),
    ...hold({ '<b>': 0.95 }, 1),
    ...hold({ t: 0.95 }),
  ])

  it('lets the language model settle what the audio leaves open', () => {
    expect(decode(ambiguous, null)).toBe('hat')
    expect(decode(ambiguous, 0)).toBe('hat')
    expect(decode(ambiguous, 1)).toBe('cat')
  })

  it('stays lexicon-free: a clearly spoken unseen word survives', () => {
    const zog = spell([
      ...hold({ z: 0.98 }),
      ...hold({ '<b>': 0.98 }, 1),
      ...hold({ o: 0.98 }),
      ...hold({ '<b>': 0.98 }, 1),
      ...hold({ g: 0.98 }),
    ])
    expect(decode(zog, 1)).toBe('zog')
  })
})
