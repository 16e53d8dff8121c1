import { describe, expect, it } from 'vitest'
import {
  frameConfidences,
  utteranceConfidence,
  wordConfidences,
} from '../../src/main/core/asr/confidence'
import type { Posteriors } from '../../src/main/core/asr/ctc'

const frames = (rows: number[][]): Posteriors => ({
  frames: rows.length,
  vocab: rows[0]!.length,
  logProbs: Float32Array.from(rows.flat().map((p) => Math.log(p))),
})
const tsallis = { name: 'tsallis', alpha: 1 / 3, normalisation: 'exp' } as const
const tsallisLin = { name: 'tsallis', alpha: 1 / 3, normalisation: 'lin' } as const
const maxProb = { name: 'max_prob', alpha: 1 } as const

describe('frame confidence', () => {
  it('is 0 for a uniform frame and 1 for a certain one, for both measures', () => {
    const p = frames([
      [0.25, 0.25, 0.25, 0.25],
      [1 - 3e-30, 1e-30, 1e-30, 1e-30],
    ])
    for (const method of [tsallis, tsallisLin, maxProb]) {
      const [uniform, certain] = frameConfidences(p, method)
      expect(uniform).toBeCloseTo(0, 6)
      expect(certain).toBeCloseTo(1, 4)
    }
  })

  it('matches the Tsallis (α = 1/3, exp) value worked out by hand', () => {
    // Σp^α = 0.7^(1/3) + 3·0.1^(1/3) = 2.2803807; exp((1 − 2.2803807)/(2/3)) = 0.1465233;
    // m = exp((1 − 4^(2/3))/(2/3)) = 0.1023084; (0.1465233 − 0.1023084)/(1 − 0.1023084) = 0.0492539
    const [c] = frameConfidences(frames([[0.7, 0.1, 0.1, 0.1]]), tsallis)
    expect(c).toBeCloseTo(0.0492539, 6)
    // max_prob, α = 1: (0.7·4 − 1)/(4 − 1) = 0.6
    expect(frameConfidences(frames([[0.7, 0.1, 0.1, 0.1]]), maxProb)[0]).toBeCloseTo(0.6, 6)
    // Tsallis, linear: 1 + (1 − 2.2803807)/(4^(2/3) − 1) = 1 − 1.2803807/1.5198421 = 0.1575568
    const [lin] = frameConfidences(frames([[0.7, 0.1, 0.1, 0.1]]), tsallisLin)
    expect(lin).toBeCloseTo(0.1575568, 6)
  })

  it('ranks frames the same with either Tsallis normalisation, and the linear one stays readable for a large vocabulary', () => {
    const V = 383
    const rows = [0.2, 0.4, 0.6, 0.8].map((top) => [
      top,
      ...new Array(V - 1).fill((1 - top) / (V - 1)),
    ])
    const exp = Array.from(frameConfidences(frames(rows), tsallis))
    const lin = Array.from(frameConfidences(frames(rows), tsallisLin))
    const order = (xs: number[]) => xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!)
    expect(order(lin)).toEqual(order(exp))
    // An 80 % sure frame reads as nearly nothing on the exponential scale, and as a fair share on the linear one.
    expect(exp[3]!).toBeLessThan(1e-6)
    expect(lin[3]!).toBeGreaterThan(0.3)
  })

  it('rises as the model becomes surer', () => {
    const rows = [0.3, 0.5, 0.7, 0.9, 0.99].map((top) => [top, ...new Array(9).fill((1 - top) / 9)])
    const values = Array.from(frameConfidences(frames(rows), tsallis))
    expect(values).toEqual([...values].sort((a, b) => a - b))
  })
})

describe('word and utterance confidence', () => {
  it('takes the least confident frame of a word’s tokens, never a blank frame', () => {
    const frameConfidence = Float32Array.from([0.0, 0.9, 0.8, 0.0, 0.95, 0.4, 0.0])
    // word 0: token frames 1–2; delimiter; word 1: frames 4–5. Frames 0, 3, 6 are blank.
    const tokens = [
      { start: 1, end: 3, logProb: 0 },
      { start: 3, end: 3, logProb: 0 },
      { start: 4, end: 6, logProb: 0 },
    ]
    const words = wordConfidences(frameConfidence, tokens, [0, -1, 1], 2)
    expect(words[0]).toBeCloseTo(0.8, 6)
    expect(words[1]).toBeCloseTo(0.4, 6)
    expect(utteranceConfidence(words)).toBeCloseTo(0.6, 6)
    expect(utteranceConfidence([0.9, null])).toBeCloseTo(0.45, 6)
    expect(utteranceConfidence([])).toBeNull()
  })
})
