import { describe, expect, it } from 'vitest'
import {
  frameConfidences,
  frameStatistics,
  utteranceConfidence,
  wordConfidences,
} from '../../src/main/core/asr/confidence'
import { logSoftmax, type Posteriors } from '../../src/main/core/asr/ctc'

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

describe('frame statistics in one pass', () => {
  // The definitions, each computed on its own: what the one pass must give.
  const byDefinition = (p: Posteriors, alpha: number) => {
    const V = p.vocab
    const row = (t: number) => Array.from(p.logProbs.subarray(t * V, (t + 1) * V))
    const frameList = Array.from({ length: p.frames }, (_, t) => row(t))
    return {
      tsallisLin: frameList.map(
        (lps) =>
          1 + (1 - lps.reduce((s, lp) => s + Math.exp(alpha * lp), 0)) / (V ** (1 - alpha) - 1),
      ),
      maxProb: frameList.map((lps) => Math.exp(Math.max(...lps))),
      entropy:
        frameList.reduce((s, lps) => s - lps.reduce((h, lp) => h + Math.exp(lp) * lp, 0), 0) /
        p.frames /
        Math.log(V),
    }
  }

  it.each([1 / 3, 0.5, 2])(
    'matches the definitions of confidence, top posterior and entropy (α = %d)',
    (alpha) => {
      let seed = 7
      const next = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 12
      const p = logSoftmax(Float32Array.from({ length: 30 * 9 }, next), 30, 9)
      const stats = frameStatistics(p, { name: 'tsallis', alpha, normalisation: 'lin' })
      const truth = byDefinition(p, alpha)
      stats.confidence.forEach((c, t) =>
        expect(c).toBeCloseTo(Math.min(1, Math.max(0, truth.tsallisLin[t]!)), 5),
      )
      stats.maxProb.forEach((m, t) => expect(m).toBeCloseTo(truth.maxProb[t]!, 6))
      expect(stats.entropy).toBeCloseTo(truth.entropy, 6)
    },
  )

  it('gives entropy 1 for uniform frames and 0 for certain ones', () => {
    expect(frameStatistics(frames([[0.25, 0.25, 0.25, 0.25]])).entropy).toBeCloseTo(1, 6)
    expect(frameStatistics(frames([[1 - 3e-30, 1e-30, 1e-30, 1e-30]])).entropy).toBeCloseTo(0, 6)
    expect(frameStatistics({ frames: 0, vocab: 4, logProbs: new Float32Array(0) }).entropy).toBe(0)
  })
})
