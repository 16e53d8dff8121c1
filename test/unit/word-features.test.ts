import { describe, expect, it } from 'vitest'
import { forcedAlign } from '../../src/main/core/asr/align'
import { frameConfidences } from '../../src/main/core/asr/confidence'
import type { Posteriors } from '../../src/main/core/asr/ctc'
import {
  frameMaxProbs,
  LOG_PROB_FLOOR,
  nbestAgreement,
  wordFeatures,
} from '../../src/main/core/asr/word-features'

const frames = (rows: number[][]): Posteriors => ({
  frames: rows.length,
  vocab: rows[0]!.length,
  logProbs: Float32Array.from(rows.flat().map((p) => Math.log(p))),
})

describe('N-best agreement', () => {
  it('is the share of the list’s probability that has the same word at the same place', () => {
    // Probabilities 0.5, 0.3, 0.2 (log-scores normalised over the list).
    const list = [
      { words: ['habari', 'za', 'asubuhi'], logProb: Math.log(0.5) },
      { words: ['habari', 'sa', 'asubuhi'], logProb: Math.log(0.3) },
      { words: ['habari', 'asubuhi'], logProb: Math.log(0.2) },
    ]
    const [best, second, third] = nbestAgreement(list)
    expect(best![0]).toBeCloseTo(1, 9)
    expect(best![1]).toBeCloseTo(0.5, 9)
    expect(best![2]).toBeCloseTo(1, 9)
    expect(second![1]).toBeCloseTo(0.3, 9)
    expect(third).toEqual([expect.closeTo(1, 9), expect.closeTo(1, 9)])
  })
})

describe('word features', () => {
  it('reads each word’s frames on the alignment path', () => {
    // Vocabulary: blank, a, b, |. Two words "a" and "b": frames a a | b.
    const p = frames([
      [0.1, 0.8, 0.05, 0.05],
      [0.1, 0.6, 0.2, 0.1],
      [0.1, 0.1, 0.1, 0.7],
      [0.2, 0.1, 0.4, 0.3],
    ])
    const targets = [1, 3, 2]
    const alignment = forcedAlign(p, targets, 0)
    const [a, b] = wordFeatures({
      p,
      frameConfidence: frameConfidences(p),
      maxProb: frameMaxProbs(p),
      tokens: alignment.tokens,
      targets,
      wordOfToken: [0, -1, 1],
      wordCount: 2,
      agreement: [1, 0.25],
      words: ['a', 'b'],
      hypothesisTokenProb: 0.5,
    })
    expect(a![1]).toBeCloseTo((Math.log(0.8) + Math.log(0.6)) / 2, 4)
    expect(a![2]).toBeCloseTo(Math.log(0.6), 4)
    expect(a![3]).toBeCloseTo(0.7, 4)
    expect(a!.slice(4)).toEqual([1, 1, 2, 0.5])
    expect(b![1]).toBeCloseTo(Math.log(0.4), 4)
    expect(b!.slice(4)).toEqual([0.25, 1, 1, 0.5])
  })

  it('gives a word the path never reaches the floor', () => {
    const p = frames([[0.5, 0.5]])
    const [word] = wordFeatures({
      p,
      frameConfidence: frameConfidences(p),
      maxProb: frameMaxProbs(p),
      tokens: [],
      targets: [],
      wordOfToken: [],
      wordCount: 1,
      agreement: [1],
      words: ['ŋ'],
      hypothesisTokenProb: 0.1,
    })
    expect(word).toEqual([0, LOG_PROB_FLOOR, LOG_PROB_FLOOR, 0, 1, 1, 0, 0.1])
  })
})
