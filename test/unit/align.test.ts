import { describe, expect, it } from 'vitest'
import { alignWords, forcedAlign, forcedAlignAll } from '../../src/main/core/asr/align'
import type { Posteriors } from '../../src/main/core/asr/ctc'
import { encodeText, type Vocabulary } from '../../src/main/core/asr/vocab'

const vocab: Vocabulary = {
  tokens: ['<blank>', '|', 'a', 'b', 'c', 'n'],
  blank: 0,
  wordDelimiter: 1,
}
const STRIDE = 0.02

/** Posteriors where frames say `script[t]` with probability 0.9. */
function scripted(script: string[]): Posteriors {
  const V = vocab.tokens.length
  const logProbs = new Float32Array(script.length * V)
  script.forEach((token, t) => {
    const winner = vocab.tokens.indexOf(token)
    for (let v = 0; v < V; v++) logProbs[t * V + v] = Math.log(v === winner ? 0.9 : 0.1 / (V - 1))
  })
  return { frames: script.length, vocab: V, logProbs }
}

const repeat = (token: string, n: number): string[] => new Array<string>(n).fill(token)

describe('forced alignment', () => {
  it('finds word boundaries where the audio puts them', () => {
    // "ab" in frames 5–14, a pause (blank, delimiter, blank) until 20, "ca" in frames 20–29.
    const script = [
      ...repeat('<blank>', 5),
      ...repeat('a', 5),
      ...repeat('b', 5),
      ...repeat('<blank>', 2),
      '|',
      ...repeat('<blank>', 2),
      ...repeat('c', 4),
      ...repeat('<blank>', 1),
      ...repeat('a', 5),
      ...repeat('<blank>', 6),
    ]
    const p = scripted(script)
    const text = encodeText('ab ca', vocab)
    const alignment = forcedAlign(p, text.ids, vocab.blank)
    expect(alignment.feasible).toBe(true)
    const words = alignWords(alignment, text.words, text.wordOfToken, STRIDE, p.frames)
    expect(words.map((w) => [w.word, w.frames])).toEqual([
      ['ab', [5, 15]],
      ['ca', [20, 30]],
    ])
    expect(words[0]!.start).toBeCloseTo(0.1, 10)
    expect(words[1]!.end).toBeCloseTo(0.6, 10)
    expect(words.every((w) => w.score > 0.85)).toBe(true)
  })

  it('aligns a transcript the audio does not support with a low score, without failing', () => {
    const p = scripted([...repeat('a', 10), ...repeat('<blank>', 10)])
    const text = encodeText('cn', vocab)
    const alignment = forcedAlign(p, text.ids, vocab.blank)
    const [word] = alignWords(alignment, text.words, text.wordOfToken, STRIDE, p.frames)
    expect(word!.score).toBeLessThan(0.1)
  })

  it('gives every word ordered, non-overlapping times even when the audio is too short', () => {
    const p = scripted(repeat('a', 3))
    const text = encodeText('abc abc abc', vocab)
    const alignment = forcedAlign(p, text.ids, vocab.blank)
    expect(alignment.feasible).toBe(false)
    const words = alignWords(alignment, text.words, text.wordOfToken, STRIDE, p.frames)
    expect(words).toHaveLength(3)
    for (const [i, w] of words.entries()) {
      expect(w.score).toBe(0)
      expect(w.start).toBeGreaterThanOrEqual(i === 0 ? 0 : words[i - 1]!.end)
      expect(w.end).toBeLessThanOrEqual(3 * STRIDE + 1e-9)
    }
  })

  it('places a word the vocabulary cannot spell between its neighbours, with score 0', () => {
    const script = [...repeat('a', 5), ...repeat('<blank>', 10), ...repeat('b', 5)]
    const p = scripted(script)
    const text = encodeText('a ऑफिस b', vocab)
    expect(text.unknown.map((u) => u.word)).toEqual([1, 1, 1, 1])
    const words = alignWords(
      forcedAlign(p, text.ids, vocab.blank),
      text.words,
      text.wordOfToken,
      STRIDE,
      p.frames,
    )
    expect(words.map((w) => w.word)).toEqual(['a', 'ऑफिस', 'b'])
    expect(words[1]!.score).toBe(0)
    expect(words[1]!.frames[0]).toBeGreaterThanOrEqual(words[0]!.frames[1])
    expect(words[1]!.frames[1]).toBeLessThanOrEqual(words[2]!.frames[0])
  })

  it('separates a doubled letter with the blank CTC needs between repeats', () => {
    const script = [...repeat('n', 3), '<blank>', ...repeat('n', 3)]
    const text = encodeText('nn', vocab)
    const alignment = forcedAlign(scripted(script), text.ids, vocab.blank)
    expect(alignment.tokens.map((t) => [t.start, t.end])).toEqual([
      [0, 3],
      [4, 7],
    ])
  })
})

describe('forced alignment of an N-best list', () => {
  it('gives each text what aligning it alone gives, sharing the work of common prefixes', () => {
    // Random posteriors over the 6 tokens, and texts that share prefixes with each other in
    // every way an N-best list can: one a prefix of another, two the same, one apart, one the
    // audio is too short for, and an empty one.
    let seed = 5
    const next = (): number => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
    const frames = 24
    const V = vocab.tokens.length
    const logProbs = new Float32Array(frames * V)
    for (let t = 0; t < frames; t++) {
      const row = Array.from({ length: V }, () => Math.exp(next() * 4))
      const sum = row.reduce((a, b) => a + b, 0)
      row.forEach((x, v) => (logProbs[t * V + v] = Math.log(x / sum)))
    }
    const p: Posteriors = { frames, vocab: V, logProbs }
    const texts = [
      [2, 3, 1, 4, 2],
      [2, 3, 1, 4, 5],
      [2, 3, 1, 4],
      [2, 3, 1, 4, 5],
      [5, 5, 2],
      [],
      Array.from({ length: 26 }, (_, k) => 2 + (k % 3)),
      [2, 2],
    ]
    const together = forcedAlignAll(p, texts, 0)
    texts.forEach((targets, i) => {
      const alone = forcedAlign(p, targets, 0)
      expect(together[i]).toEqual(alone)
    })
    expect(together[6]!.feasible).toBe(false)
    expect(together[0]!.tokens.length).toBe(5)
  })
})

describe('float16 for the hidden-state cache', () => {
  it('encodes as IEEE 754 half precision', async () => {
    const { toHalf } = await import('../../src/main/core/adapt/hidden-cache')
    expect([1, -2, 0.5, 65504, 0, 1e-9, 70000].map(toHalf)).toEqual([
      0x3c00, 0xc000, 0x3800, 0x7bff, 0, 0, 0x7c00,
    ])
    // 0.1 rounds to the nearest half: 0x2e66 (0.0999755859375)
    expect(toHalf(0.1)).toBe(0x2e66)
    // A mantissa that rounds up carries into the exponent: 2047.9 rounds to 2048 (0x6800)
    expect(toHalf(2047.9)).toBe(0x6800)
  })

  it('decodes back to within half precision, subnormals and infinities included', async () => {
    const { toHalf, fromHalf } = await import('../../src/main/core/adapt/hidden-cache')
    for (const v of [1, -2, 0.5, 65504, 0, 0.1, -3.14159, 1e-5, 6e-8])
      expect(Math.abs(fromHalf(toHalf(v)) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11 + 3e-8)
    expect(fromHalf(0x7c00)).toBe(Number.POSITIVE_INFINITY)
    expect(fromHalf(0x2e66)).toBe(0.0999755859375)
  })
})
