import { describe, expect, it } from 'vitest'
import { frameStatistics, type ConfidenceMethod } from '../../src/main/core/asr/confidence'
import { EXCLUDED, keptTokens, normaliseLogits } from '../../src/main/core/asr/normalise'

/** Raw scores far from normalised: each frame offset by up to ±40, as a head's logits are. */
function logits(seed: number, frames: number, vocab: number): Float32Array {
  let s = seed >>> 0
  const next = (): number => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
  const values = new Float32Array(frames * vocab)
  for (let t = 0; t < frames; t++) {
    const offset = (next() - 0.5) * 80
    for (let v = 0; v < vocab; v++) values[t * vocab + v] = offset + (next() - 0.5) * 16
  }
  return values
}

/** Log-softmax over the allowed tokens, written as plainly as possible. */
function plainLogSoftmax(
  values: Float32Array,
  frames: number,
  vocab: number,
  allowed: boolean[],
): number[] {
  const out: number[] = []
  for (let t = 0; t < frames; t++) {
    const row = Array.from(values.subarray(t * vocab, (t + 1) * vocab))
    const norm = Math.log(row.reduce((sum, s, v) => sum + (allowed[v] ? Math.exp(s) : 0), 0))
    out.push(...row.map((s, v) => (allowed[v] ? s - norm : EXCLUDED)))
  }
  return out
}

const methods: ConfidenceMethod[] = [
  { name: 'tsallis', alpha: 1 / 3, normalisation: 'lin' },
  { name: 'tsallis', alpha: 1 / 3, normalisation: 'exp' },
  { name: 'tsallis', alpha: 0.5, normalisation: 'lin' },
  { name: 'tsallis', alpha: 2, normalisation: 'lin' },
  { name: 'max_prob', alpha: 1 },
]

describe("labelling's one pass from logits to posteriors and frame statistics", () => {
  const [frames, vocab] = [40, 12]
  const values = logits(3, frames, vocab)
  const masks = {
    'every token': null,
    'a script mask': Array.from({ length: vocab }, (_, v) => v === 0 || v % 3 !== 1),
  }

  it.each(Object.entries(masks))('gives the log-softmax over %s', (_name, allowed) => {
    const all = allowed ?? new Array<boolean>(vocab).fill(true)
    const { posteriors } = normaliseLogits(
      { frames, vocab, values },
      allowed && keptTokens(allowed),
    )
    const plain = plainLogSoftmax(values, frames, vocab, all)
    plain.forEach((lp, i) => expect(posteriors.logProbs[i]).toBeCloseTo(lp, 4))
  })

  it.each(
    methods.flatMap((method) =>
      Object.entries(masks).map(([name, allowed]) => [method, name, allowed] as const),
    ),
  )(
    'gives the statistics that frameStatistics reads from those posteriors (%o, %s)',
    (method, _name, allowed) => {
      const { posteriors, statistics } = normaliseLogits(
        { frames, vocab, values },
        allowed && keptTokens(allowed),
        method,
      )
      const apart = frameStatistics(posteriors, method)
      for (let t = 0; t < frames; t++) {
        expect(statistics.confidence[t]).toBeCloseTo(apart.confidence[t]!, 5)
        expect(statistics.maxProb[t]).toBeCloseTo(apart.maxProb[t]!, 6)
      }
      expect(statistics.entropy).toBeCloseTo(apart.entropy, 6)
    },
  )

  it('writes into a reused buffer, leaving no trace of the utterance before', () => {
    const buffer = new Float32Array(frames * vocab * 2).fill(123)
    const allowed = masks['a script mask']
    const { posteriors } = normaliseLogits(
      { frames, vocab, values },
      keptTokens(allowed),
      methods[0],
      buffer,
    )
    expect(posteriors.logProbs.buffer).toBe(buffer.buffer)
    expect(posteriors.logProbs.length).toBe(frames * vocab)
    const fresh = normaliseLogits({ frames, vocab, values }, keptTokens(allowed)).posteriors
    expect(Array.from(posteriors.logProbs)).toEqual(Array.from(fresh.logProbs))
  })
})
