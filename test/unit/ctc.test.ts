import { describe, expect, it } from 'vitest'
import {
  greedyDecode,
  logSoftmax,
  prefixBeamSearch,
  type Posteriors,
} from '../../src/main/core/asr/ctc'

/** A small deterministic generator, so a failing case can be reproduced from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

function randomPosteriors(seed: number, frames: number, vocab: number, sharpness = 3): Posteriors {
  const next = random(seed)
  const logits = Float32Array.from({ length: frames * vocab }, () => (next() - 0.5) * 2 * sharpness)
  return logSoftmax(logits, frames, vocab)
}

/** Each frame gives one token (blank half the time) 90% of its mass, as trained CTC models do. */
function confidentPosteriors(seed: number, frames: number, vocab: number): Posteriors {
  const next = random(seed)
  const logProbs = new Float32Array(frames * vocab)
  for (let t = 0; t < frames; t++) {
    const winner = next() < 0.5 ? 0 : 1 + Math.floor(next() * (vocab - 1))
    const rest = Array.from({ length: vocab }, () => next())
    const restSum = rest.reduce((a, b, v) => a + (v === winner ? 0 : b), 0)
    for (let v = 0; v < vocab; v++)
      logProbs[t * vocab + v] = Math.log(v === winner ? 0.9 : (0.1 * rest[v]!) / restSum)
  }
  return { frames, vocab, logProbs }
}

/** Every alignment path, collapsed to its label sequence, with probabilities summed per sequence. */
function exhaustive(p: Posteriors, blank: number): { tokens: number[]; logProb: number }[] {
  const bySequence = new Map<string, { tokens: number[]; prob: number }>()
  const path = new Array<number>(p.frames).fill(0)
  const visit = (t: number, logProb: number): void => {
    if (t === p.frames) {
      const tokens: number[] = []
      path.forEach((v, i) => {
        if (v !== blank && (i === 0 || path[i - 1] !== v)) tokens.push(v)
      })
      const key = tokens.join(',')
      const entry = bySequence.get(key) ?? { tokens, prob: 0 }
      entry.prob += Math.exp(logProb)
      bySequence.set(key, entry)
      return
    }
    for (let v = 0; v < p.vocab; v++) {
      path[t] = v
      visit(t + 1, logProb + p.logProbs[t * p.vocab + v]!)
    }
  }
  visit(0, 0)
  return [...bySequence.values()]
    .map((e) => ({ tokens: e.tokens, logProb: Math.log(e.prob) }))
    .sort((a, b) => b.logProb - a.logProb)
}

describe('CTC prefix beam search', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'returns the true top-5 label sequences and their probabilities (seed %i)',
    (seed) => {
      const p = randomPosteriors(seed, 6, 3 + (seed % 2))
      const truth = exhaustive(p, 0).slice(0, 5)
      const beam = prefixBeamSearch(p, { blank: 0, beamWidth: 10_000, nBest: 5 })
      expect(beam.map((h) => h.tokens)).toEqual(truth.map((h) => h.tokens))
      beam.forEach((h, i) => expect(h.logProb).toBeCloseTo(truth[i]!.logProb, 9))
    },
  )

  it('sums over alignments: a sequence reachable by many paths beats the single best path', () => {
    // Frame by frame "a" is never the favourite, yet "a" as a sequence is the most probable.
    const probs = [
      [0.4, 0.35, 0.25],
      [0.4, 0.35, 0.25],
    ]
    const p: Posteriors = {
      frames: 2,
      vocab: 3,
      logProbs: Float32Array.from(probs.flat().map(Math.log)),
    }
    expect(greedyDecode(p, 0).tokens).toEqual([])
    expect(prefixBeamSearch(p, { blank: 0, beamWidth: 16, nBest: 1 })[0]!.tokens).toEqual([1])
  })

  it.each([11, 12, 13, 14, 15])(
    'agrees with greedy decoding at beam width 1 on confident posteriors (seed %i)',
    (seed) => {
      // A trained CTC model is confident: its best token takes most of each frame's mass. There,
      // the best prefix and the best path coincide; on flat posteriors they need not (see above).
      const p = confidentPosteriors(seed, 60, 6)
      const greedy = greedyDecode(p, 0)
      expect(greedy.tokens.length).toBeGreaterThan(5)
      expect(prefixBeamSearch(p, { blank: 0, beamWidth: 1, nBest: 1 })[0]!.tokens).toEqual(
        greedy.tokens,
      )
    },
  )

  it('handles an empty utterance', () => {
    const p: Posteriors = { frames: 0, vocab: 3, logProbs: new Float32Array(0) }
    expect(prefixBeamSearch(p, { blank: 0, beamWidth: 4, nBest: 3 })).toEqual([
      { tokens: [], logProb: 0 },
    ])
    expect(greedyDecode(p, 0).tokens).toEqual([])
  })
})
