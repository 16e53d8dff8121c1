import { describe, expect, it } from 'vitest'
import { shouldActivate } from '../../src/main/core/adapt/compare'
import { rankPool, type PoolItem } from '../../src/main/core/adapt/acquisition'
import { kCenter, kMeans } from '../../src/main/core/adapt/clusters'
import { COLD_START } from '../../src/main/core/adapt/hybrid'

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
    // Within a turn the busy speaker's cluster offers second: 0.9 ÷ (1 + 30/15.5) < 0.8 ÷ (1 + 1/15.5).
    expect(busy.slice(0, 2).map((r) => r.id)).toEqual([5, 2])
  })

  it('within each turn, a cluster partly flagged offers after one that was not', () => {
    // Two equal clusters, mirror images: the same uncertainties, two transcriptions in each.
    const pool = [0, 50].flatMap((x, k) =>
      [0.9, 0.6, 0.3].map((lc, j) =>
        item(10 * k + j + 1, { embedding: at(x, j / 10), leastConfidence: lc }),
      ),
    )
    const labelled = [at(0, 0.05), at(0, 0.15), at(50, 0.05), at(50, 0.15)]
    const warm = { ...context, corrected: COLD_START, labelled }
    const ids = (ranked: { id: number }[]): number[] => ranked.map((r) => r.id)
    // Unflagged, ties go to the first cluster: its pick leads every turn.
    expect(ids(rankPool(pool, 'hybrid', warm))).toEqual([1, 11, 2, 12, 3, 13])
    // One flag beside the first cluster's two transcriptions (nearer them than any utterance
    // is): a third of its reviews were flags, so the other cluster's pick leads every turn.
    const flagged = rankPool(pool, 'hybrid', { ...warm, flagged: [at(0, 5)] })
    expect(ids(flagged)).toEqual([11, 1, 12, 2, 13, 3])
    expect(flagged[1]!.reason).toMatchObject({ nearFlagged: 1, nearReviewed: 3, rankInCluster: 1 })
  })
})

describe('the default strategy with flags and a cold start', () => {
  it('k-means finds the groups k-center seeds', () => {
    const pool = [at(0, 0), at(0, 1), at(1, 0), at(20, 20), at(21, 20), at(20, 21)].map((e, i) =>
      item(i + 1, { embedding: e }),
    )
    const { assignment, centroids } = kMeans(pool, 2)
    expect(new Set(assignment.slice(0, 3)).size).toBe(1)
    expect(new Set(assignment.slice(3)).size).toBe(1)
    expect(assignment[0]).not.toBe(assignment[3])
    // The centroids are the groups' means.
    const near = centroids.find((c) => c[0]! < 10)!
    expect(near[0]).toBeCloseTo(1 / 3, 5)
    expect(near[1]).toBeCloseTo(1 / 3, 5)
  })

  // Speech: a group of six voices around (0, 0) and one of four around (10, 0); one music clip.
  const speech = [
    ...[at(0, 0), at(0.4, 0), at(-0.4, 0), at(0, 0.4), at(0, -0.4), at(0.2, 0.2)],
    ...[at(10, 0), at(10.5, 0), at(9.5, 0), at(10, 0.5)],
  ].map((e, i) => item(i + 1, { embedding: e, leastConfidence: 0.3 + i / 100 }))
  const music = item(99, { embedding: at(100, 100), leastConfidence: 0.99 })

  it('while cold, picks the most typical utterance of each group, the largest first, not outliers', () => {
    const cold = rankPool([music, ...speech], 'hybrid', { ...context, corrected: 0 })
    // √11 ≈ 3 groups: the larger voice group's centre first, the other's next, the outlier last
    // of the three (farthest-first would have taken it first).
    expect(cold.slice(0, 3).map((r) => r.id)).toEqual([1, 7, 99])
    expect(cold[0]!.reason).toMatchObject({
      strategy: 'hybrid',
      measure: 'typicality',
      phase: 'diverse',
    })
    expect(cold.map((r) => r.id).sort((a, b) => a - b)).toEqual([...speech.map((p) => p.id), 99])
    // A group already covered by a transcribed utterance waits for the uncovered ones.
    const covered = rankPool([music, ...speech], 'hybrid', {
      ...context,
      corrected: 1,
      labelled: [at(0.1, 0)],
    })
    expect(covered[0]!.id).toBe(7)
    // A dev or test transcript teaches the model nothing: its group is still uncovered.
    const heldOut = rankPool([music, ...speech], 'hybrid', {
      ...context,
      corrected: 0,
      heldOut: [at(0.1, 0)],
    })
    expect(heldOut[0]!.id).toBe(1)
  })

  it('sends a group whose reviewed utterances were mostly flagged to the end, however uncertain, and says why', () => {
    const warm = { ...context, corrected: COLD_START, labelled: [at(0.1, 0), at(10, 0.1)] }
    // Without flags, the music's uncertainty puts it among the first turn of picks.
    const unaware = rankPool([music, ...speech], 'hybrid', warm)
    expect(unaware.slice(0, 3).map((r) => r.id)).toContain(99)
    // A clip like it was flagged (and nothing there transcribed): it waits at the end.
    const clips = [at(99, 99)]
    const ranked = rankPool([music, ...speech], 'hybrid', { ...warm, flagged: clips })
    expect(ranked.at(-1)).toMatchObject({ id: 99, reason: { nearFlagged: 1, nearReviewed: 1 } })
    expect(ranked.slice(0, 10).every((r) => r.id <= 10)).toBe(true)
    // One flag among several transcriptions in a group only discounts it.
    const mixed = rankPool([music, ...speech], 'hybrid', { ...warm, flagged: [at(0.2, 0)] })
    const first = mixed.find((r) => r.id <= 6)!
    expect(first.reason).toMatchObject({ nearFlagged: 1, nearReviewed: 2, phase: 'uncertain' })
    // …and what is nearer the flagged one than anything transcribed in the group waits at the
    // end: (0.4, 0) and (0.2, 0.2) are nearest the flag at (0.2, 0).
    const waiting = mixed.filter((r) => r.reason.likeFlagged).map((r) => r.id)
    expect(waiting.sort()).toEqual([2, 6])
    expect(
      mixed
        .slice(-2)
        .map((r) => r.id)
        .sort(),
    ).toEqual([2, 6])
    // A dev or test transcript shows its group's audio is worth transcribing as well as a
    // training one: one flag beside it only discounts the group, which keeps its turns.
    const learnt = { ...warm, labelled: [at(10, 0.1)], flagged: [at(0.2, 0)] }
    // (With nothing else reviewed in it, the flag alone sends the whole group to the end.)
    const alone = rankPool([music, ...speech], 'hybrid', learnt)
    expect(
      alone
        .slice(-6)
        .map((r) => r.id)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6])
    expect(alone.find((r) => r.id === 3)!.reason).toMatchObject({ nearFlagged: 1, nearReviewed: 1 })
    const beside = rankPool([music, ...speech], 'hybrid', { ...learnt, heldOut: [at(-0.2, 0)] })
    expect(beside.find((r) => r.id === 3)!.reason).toMatchObject({
      phase: 'uncertain',
      nearFlagged: 1,
      nearReviewed: 2,
    })
    // While cold, too: once a clip like the music was flagged, the voices come first.
    const cold = rankPool([music, ...speech], 'hybrid', {
      ...context,
      corrected: 1,
      flagged: clips,
    })
    expect(cold.slice(0, 2).map((r) => r.id)).toEqual([1, 7])
    expect(cold.at(-1)!.id).toBe(99)
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
