import { describe, expect, it } from 'vitest'
import { shouldActivate } from '../../src/main/core/adapt/adaptation'
import { FLAG_NEIGHBOURS } from '../../src/shared/domain'
import {
  COLD_START,
  flaggedNeighbours,
  kCenter,
  rankPool,
  type PoolItem,
} from '../../src/main/core/adapt/acquisition'

const item = (id: number, over: Partial<PoolItem> = {}): PoolItem => ({
  id,
  speakerId: 1,
  durationSec: 3,
  leastConfidence: 0.5,
  entropy: 0.2,
  margin: 1,
  disagreement: null,
  embedding: null,
  ...over,
})
const at = (...xs: number[]): Float32Array => Float32Array.from(xs)
const context = {
  labelled: [] as Float32Array[],
  speakerCorrected: new Map<number, number>(),
  corrected: 100,
}

describe('acquisition strategies', () => {
  it('ranks by each uncertainty measure in its own direction, unmeasured last', () => {
    const pool = [
      item(1, { leastConfidence: 0.2, entropy: 0.9, margin: 5 }),
      item(2, { leastConfidence: 0.8, entropy: 0.1, margin: 0.1 }),
      item(3, { leastConfidence: null, entropy: null, margin: null }),
      item(4, { leastConfidence: 0.5, entropy: 0.5, margin: 2 }),
    ]
    const ids = (s: Parameters<typeof rankPool>[1]): number[] =>
      rankPool(pool, s, context).map((r) => r.id)
    expect(ids('least_confidence')).toEqual([2, 4, 1, 3])
    expect(ids('entropy')).toEqual([1, 4, 2, 3])
    // Margin: a close second guess is the uncertain one.
    expect(ids('margin')).toEqual([2, 4, 1, 3])
    expect(rankPool(pool, 'least_confidence', context)[0]!.reason).toEqual({
      strategy: 'least_confidence',
      measure: 'least_confidence',
      value: 0.8,
    })
  })

  it('cost-aware prefers uncertainty per second of work: a short unsure clip before a long one', () => {
    const pool = [
      item(1, { leastConfidence: 0.6, durationSec: 20 }),
      item(2, { leastConfidence: 0.5, durationSec: 2 }),
    ]
    expect(rankPool(pool, 'cost', context).map((r) => r.id)).toEqual([2, 1])
    expect(rankPool(pool, 'least_confidence', context).map((r) => r.id)).toEqual([1, 2])
  })

  it('committee disagreement ranks first where the bootstrap heads disagree', () => {
    const pool = [item(1, { disagreement: 0.1 }), item(2, { disagreement: 0.7 })]
    expect(rankPool(pool, 'committee', context).map((r) => r.id)).toEqual([2, 1])
  })

  it('random is a fixed order per seed, different between seeds, and a permutation', () => {
    const pool = Array.from({ length: 50 }, (_, i) => item(i + 1))
    const a = rankPool(pool, 'random', { ...context, seed: 1 }).map((r) => r.id)
    expect(rankPool(pool, 'random', { ...context, seed: 1 }).map((r) => r.id)).toEqual(a)
    expect(rankPool(pool, 'random', { ...context, seed: 2 }).map((r) => r.id)).not.toEqual(a)
    expect([...a].sort((x, y) => x - y)).toEqual(pool.map((p) => p.id))
  })

  it('k-center picks the point farthest from everything chosen or transcribed', () => {
    const pool = [
      item(1, { embedding: at(0, 0) }),
      item(2, { embedding: at(1, 0) }),
      item(3, { embedding: at(10, 0) }),
    ]
    // From what is transcribed (near the origin), the far point first, then the middle one.
    expect(kCenter(pool, [at(0.1, 0)], 3).map((p) => pool[p.index]!.id)).toEqual([3, 2, 1])
    expect(kCenter(pool, [at(0.1, 0)], 3)[0]!.distance).toBeCloseTo(9.9, 5)
  })

  it('hybrid starts diverse when the project is cold, then takes turns across clusters by uncertainty, sparing busy speakers', () => {
    // Two tight clusters far apart; within each, one very uncertain utterance.
    const pool = [
      item(1, { embedding: at(0, 0), leastConfidence: 0.3, speakerId: 1 }),
      item(2, { embedding: at(0, 0.1), leastConfidence: 0.9, speakerId: 1 }),
      item(3, { embedding: at(0.1, 0), leastConfidence: 0.4, speakerId: 1 }),
      item(4, { embedding: at(50, 50), leastConfidence: 0.2, speakerId: 2 }),
      item(5, { embedding: at(50, 50.1), leastConfidence: 0.8, speakerId: 2 }),
    ]
    const cold = rankPool(pool, 'hybrid', { ...context, corrected: 0 })
    expect(cold[0]!.reason).toMatchObject({ strategy: 'hybrid', phase: 'diverse' })
    // The first two picks come from different clusters.
    const first = cold.slice(0, 2).map((r) => r.id)
    expect(first.some((id) => id <= 3) && first.some((id) => id >= 4)).toBe(true)

    const warm = rankPool(pool, 'hybrid', { ...context, corrected: COLD_START })
    expect(
      warm
        .map((r) => r.id)
        .slice(0, 2)
        .sort(),
    ).toEqual([2, 5])
    expect(warm[0]!.reason).toMatchObject({ phase: 'uncertain', clusters: 2, rankInCluster: 1 })
    // Speaker 1 already has many corrections: within its cluster it is discounted, but still
    // ranked; speaker 2's most uncertain goes first overall when the two are comparable.
    const busy = rankPool(pool, 'hybrid', {
      ...context,
      corrected: COLD_START,
      speakerCorrected: new Map([
        [1, 30],
        [2, 1],
      ]),
    })
    expect(busy.map((r) => r.id)).toHaveLength(5)
    expect(busy.find((r) => r.id === 2)!.reason.speakerCorrected).toBe(30)
  })
})

describe('learning from flags', () => {
  it('counts flagged utterances among the nearest reviewed ones', () => {
    const transcribed = [at(0, 0), at(0, 1), at(1, 0)]
    const flagged = [at(10, 10), at(10, 11), at(11, 10)]
    expect(flaggedNeighbours(at(10, 10.5), transcribed, flagged, 3)).toBe(3)
    expect(flaggedNeighbours(at(0, 0.5), transcribed, flagged, 3)).toBe(0)
    // Only three are transcribed, so its 5 nearest take in 2 flagged ones, however far.
    expect(flaggedNeighbours(at(1, 1), transcribed, flagged, 5)).toBe(2)
    // Nothing flagged yet, or no embedding: no evidence either way.
    expect(flaggedNeighbours(at(10, 10), transcribed, [], 3)).toBe(0)
    expect(flaggedNeighbours(null, transcribed, flagged, 3)).toBe(0)
  })

  it('hybrid sends what looks like flagged clips to the end, however uncertain, and says why', () => {
    // Speech near the origin; "music" far away, where the annotator flagged everything so far.
    const speech = Array.from({ length: 12 }, (_, i) =>
      item(i + 1, { embedding: at(i % 4, Math.floor(i / 4)), leastConfidence: 0.3 + i / 100 }),
    )
    const music = Array.from({ length: 4 }, (_, i) =>
      item(100 + i, { embedding: at(40 + i, 40), leastConfidence: 0.99 }),
    )
    const reviewed = {
      ...context,
      corrected: COLD_START,
      labelled: [at(0.5, 0.5), at(2.5, 1.5), at(1, 2)],
      flagged: Array.from({ length: FLAG_NEIGHBOURS }, (_, i) => at(40.5 + i / 2, 40.5)),
    }
    const ranked = rankPool([...music, ...speech], 'hybrid', reviewed)
    expect(ranked.slice(0, 12).every((r) => r.id <= 12)).toBe(true)
    expect(
      ranked
        .slice(12)
        .map((r) => r.id)
        .sort(),
    ).toEqual([100, 101, 102, 103])
    expect(ranked.at(-1)!.reason.nearFlagged).toBe(FLAG_NEIGHBOURS)
    // Without the flags, the music's uncertainty puts it among the first picks.
    const unaware = rankPool([...music, ...speech], 'hybrid', { ...reviewed, flagged: [] })
    expect(unaware.slice(0, 4).some((r) => r.id >= 100)).toBe(true)
    expect(unaware.every((r) => r.reason.nearFlagged === undefined)).toBe(true)
  })

  it('counts flagged clips as covered when picking diverse utterances', () => {
    const pool = [item(1, { embedding: at(0, 0) }), item(2, { embedding: at(30, 0) })]
    const cold = rankPool(pool, 'hybrid', {
      ...context,
      corrected: 1,
      labelled: [],
      flagged: [at(30, 1)],
    })
    expect(cold[0]!.id).toBe(1)
  })
})

describe('activation rule', () => {
  it('uses a new checkpoint only when it is no worse on the same dev split', () => {
    expect(shouldActivate({ cer: 0.1 }, { cer: 0.2 })).toBe(true)
    expect(shouldActivate({ cer: 0.2 }, { cer: 0.2 })).toBe(true)
    expect(shouldActivate({ cer: 0.21 }, { cer: 0.2 })).toBe(false)
    // Nothing to compare with: the newer one (more data) is used.
    expect(shouldActivate(null, { cer: 0.2 })).toBe(true)
    expect(shouldActivate({ cer: 0.3 }, null)).toBe(true)
  })
})
