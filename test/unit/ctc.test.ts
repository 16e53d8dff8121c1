import { describe, expect, it } from 'vitest'
import { prefixBeamSearch } from '../../src/main/core/asr/beam-search'
import { greedyDecode, logSoftmax, type Posteriors } from '../../src/main/core/asr/ctc'
import { BEAM_PRUNING } from '../../src/main/core/asr/decode-utterance'
import { normaliseLogits } from '../../src/main/core/asr/normalise'

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

/** The pruning a search may be given (BeamOptions), as the reference applies it. */
interface Pruning {
  tokenPruning?: number
  tokenMinLogProb?: number
  maxTokensPerFrame?: number
  blankSkip?: number
}

/**
 * The tokens a frame tries under `pruning`, worked out plainly: those within the window of the
 * frame's best and above the floor, the best always, blank always; when more than the maximum
 * qualify, the likeliest (a stable sort), with blank added if it is not among them.
 */
function plainCandidates(lps: number[], pruning: Pruning, tokens: readonly number[]): number[] {
  const best = Math.max(...tokens.map((v) => lps[v]!))
  const window = best - (pruning.tokenPruning ?? Infinity)
  const threshold = Math.min(best, Math.max(window, pruning.tokenMinLogProb ?? -Infinity))
  const within = tokens.filter((v) => v === 0 || lps[v]! >= threshold)
  const max = pruning.maxTokensPerFrame ?? Infinity
  if (within.length <= max) return within
  const top = [...within].sort((a, b) => lps[b]! - lps[a]!).slice(0, max)
  return top.includes(0) ? top : [...top, 0]
}

/**
 * A prefix beam search written as plainly as possible (objects, a stable sort of every prefix at
 * every frame, keep the first `width`): the reference the pruned, array-based search must match
 * exactly, order of ties included. With `pruning`, each frame tries `plainCandidates`, and a frame
 * sure enough of blank carries every prefix on by blank and a repeat of its last token, in place.
 */
function plainBeamSearch(
  p: Posteriors,
  width: number,
  pruning: Pruning = {},
): { tokens: number[]; logProb: number }[] {
  const add = (a: number, b: number): number =>
    a === -Infinity
      ? b
      : b === -Infinity
        ? a
        : Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)))
  type Prefix = { tokens: number[]; blank: number; token: number }
  const tokens = p.tokens ? Array.from(p.tokens) : Array.from({ length: p.vocab }, (_, v) => v)
  let beams: Prefix[] = [{ tokens: [], blank: 0, token: -Infinity }]
  for (let t = 0; t < p.frames; t++) {
    const lps = Array.from(p.logProbs.subarray(t * p.vocab, (t + 1) * p.vocab))
    if (pruning.blankSkip !== undefined && lps[0]! >= Math.log(pruning.blankSkip)) {
      beams = beams.map((b) => {
        const last = b.tokens.at(-1)
        return {
          tokens: b.tokens,
          blank: add(b.blank, b.token) + lps[0]!,
          token: last === undefined ? -Infinity : b.token + lps[last]!,
        }
      })
      continue
    }
    const next = new Map<string, Prefix>()
    const at = (tokens: number[]): Prefix => {
      const key = tokens.join(',')
      if (!next.has(key)) next.set(key, { tokens, blank: -Infinity, token: -Infinity })
      return next.get(key)!
    }
    const candidates = plainCandidates(lps, pruning, tokens)
    for (const b of beams) {
      const all = add(b.blank, b.token)
      const last = b.tokens.at(-1)
      for (const v of candidates) {
        const lp = lps[v]!
        if (v === 0) {
          const same = at(b.tokens)
          same.blank = add(same.blank, all + lp)
          continue
        }
        const grown = at([...b.tokens, v])
        if (v === last) {
          grown.token = add(grown.token, b.blank + lp)
          const same = at(b.tokens)
          same.token = add(same.token, b.token + lp)
        } else grown.token = add(grown.token, all + lp)
      }
    }
    beams = [...next.values()]
      .map((b) => ({ b, score: add(b.blank, b.token) }))
      .sort((x, y) => y.score - x.score)
      .slice(0, width)
      .map(({ b }) => b)
  }
  return beams
    .map((b) => ({ tokens: b.tokens, logProb: add(b.blank, b.token) }))
    .sort((x, y) => y.logProb - x.logProb)
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

  it.each([
    [1, 21],
    [2, 22],
    [3, 23],
    [5, 24],
  ])(
    'keeps the same prefixes, in the same order, as a plain search of width %i (seed %i)',
    (width, seed) => {
      // Narrow beams on flat and on confident posteriors: pruning must never change which
      // prefixes survive a frame, nor their order.
      for (const p of [randomPosteriors(seed, 12, 5, 1), confidentPosteriors(seed, 40, 5)]) {
        const beam = prefixBeamSearch(p, { blank: 0, beamWidth: width, nBest: width })
        const plain = plainBeamSearch(p, width)
        expect(beam.map((h) => h.tokens)).toEqual(plain.map((h) => h.tokens))
        beam.forEach((h, i) => expect(h.logProb).toBeCloseTo(plain[i]!.logProb, 9))
      }
    },
  )

  const prunings: [string, Pruning][] = [
    ["labelling's (BEAM_PRUNING)", BEAM_PRUNING],
    ['a narrow window', { tokenPruning: 0.8 }],
    ['no window: the best token only', { tokenPruning: 0 }],
    ['few tokens a frame', { maxTokensPerFrame: 2 }],
    ['blank-sure frames skipped', { blankSkip: 0.5 }],
    ['all together', { tokenPruning: 1.5, maxTokensPerFrame: 3, blankSkip: 0.6 }],
  ]

  it.each(prunings)(
    'keeps the same prefixes, in the same order, as a plain search with the same pruning: %s',
    (_name, pruning) => {
      // Narrow and wide beams, flat and confident posteriors, a script mask's removed tokens: the
      // rule each frame's tokens are chosen by, applied plainly, must give the same search.
      const masked = normaliseLogits(
        { frames: 30, vocab: 7, values: randomPosteriors(31, 30, 7, 2).logProbs },
        Int32Array.from([0, 1, 3, 4, 6]),
      ).posteriors
      for (const width of [1, 3, 8])
        for (const p of [
          randomPosteriors(width, 12, 5, 1),
          confidentPosteriors(width, 40, 5),
          masked,
        ]) {
          const beam = prefixBeamSearch(p, { blank: 0, beamWidth: width, nBest: width, ...pruning })
          const plain = plainBeamSearch(p, width, pruning)
          expect(beam.map((h) => h.tokens)).toEqual(plain.map((h) => h.tokens))
          beam.forEach((h, i) => expect(h.logProb).toBeCloseTo(plain[i]!.logProb, 9))
        }
    },
  )

  it("never prunes a frame's best token, however unlikely or crowded", () => {
    // 300 tokens and no sure frame: each frame's best is under e^-5, and 7 rivals sit just below
    // it, so the narrowest window and a cap of one token a frame leave it alone with blank.
    const frames = 5
    const vocab = 300
    const logits = new Float32Array(frames * vocab)
    const spoken = [7, 42, 42, 99, 99]
    spoken.forEach((v, t) => {
      logits[t * vocab + v] = 0.5
      for (let r = 1; r <= 7; r++) logits[t * vocab + ((v + 13 * r) % vocab)] = 0.499
    })
    const p = logSoftmax(logits, frames, vocab)
    for (let t = 0; t < frames; t++) expect(p.logProbs[t * vocab + spoken[t]!]).toBeLessThan(-5)
    for (const pruning of [{ tokenPruning: 0 }, { maxTokensPerFrame: 1 }, BEAM_PRUNING]) {
      const [best] = prefixBeamSearch(p, { blank: 0, beamWidth: 4, nBest: 1, ...pruning })
      expect(best!.tokens).toEqual([7, 42, 99])
    }
    expect(greedyDecode(p, 0).tokens).toEqual([7, 42, 99])
  })

  it('keeps the prefixes reached first when scores tie', () => {
    // Every frame uniform: many prefixes tie exactly, and the first reached must be kept.
    const p = logSoftmax(new Float32Array(5 * 4), 5, 4)
    for (const width of [1, 2, 3, 7]) {
      const beam = prefixBeamSearch(p, { blank: 0, beamWidth: width, nBest: width })
      expect(beam.map((h) => h.tokens)).toEqual(plainBeamSearch(p, width).map((h) => h.tokens))
    }
  })

  it('handles an empty utterance', () => {
    const p: Posteriors = { frames: 0, vocab: 3, logProbs: new Float32Array(0) }
    expect(prefixBeamSearch(p, { blank: 0, beamWidth: 4, nBest: 3 })).toEqual([
      { tokens: [], logProb: 0 },
    ])
    expect(greedyDecode(p, 0).tokens).toEqual([])
  })
})
