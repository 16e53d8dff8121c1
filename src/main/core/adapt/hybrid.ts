import type { PriorityReason } from '../../../shared/domain'
import type { PoolItem, RankContext, Ranked } from './acquisition'
import { byTypicality, kMeans, nearestCentroid, squaredDistance } from './clusters'

/** Work done (transcripts the model learns from, and flags) below which the hybrid is cold. */
export const COLD_START = 20

/** A pool utterance's uncertainty for ranking: unmeasured counts as most uncertain. */
export const uncertainty = (p: PoolItem): number => p.leastConfidence ?? 1

/**
 * The default (docs/active-learning.md). The pool is cut into k-means clusters of the encoder's
 * mean states (k = √n, at most 32), and what is already reviewed is placed in them: every
 * person's transcript (an annotator's or imported, any split) and every flag. All of them weigh
 * in a cluster's flag share; only what the model learns from (not dev or test) and flags cover a
 * cluster for the cold start.
 *
 * - A cluster where most reviewed utterances were flagged as noise or another language goes
 *   last, whatever its uncertainty: the queue learns from flags what is not worth anyone's time.
 *   In a cluster with both flags and transcriptions, what is nearest a flagged one waits at the
 *   end too. (Overlap and unintelligible flags are about one utterance, not a kind of audio:
 *   rankProject does not count them.)
 * - Cold (less than COLD_START work done, `context.corrected`): TypiClust (Hacohen et al.,
 *   2022: with few labels, typical examples teach more than outliers or uncertain ones). Each
 *   pick takes the cluster least covered so far (the larger first) and its most typical
 *   utterance, so the first corrections cover the recordings' main voices and conditions, not
 *   their oddities.
 * - After: the clusters take turns, each offering its most uncertain utterance, discounted for
 *   speakers who already have many corrections and by the cluster's share of flagged reviews;
 *   within a turn, the most valuable offer first.
 */
export function hybrid(pool: PoolItem[], context: RankContext): Ranked[] {
  const flagged = context.flagged ?? []
  const embedded = pool.filter((p) => p.embedding)
  const loose = pool.filter((p) => !p.embedding)
  const k = Math.max(1, Math.min(32, Math.round(Math.sqrt(embedded.length))))
  const { assignment, centroids } =
    embedded.length > 0 ? kMeans(embedded, k) : { assignment: new Int32Array(), centroids: [] }
  const members: number[][] = centroids.map(() => [])
  assignment.forEach((c, i) => members[c]!.push(i))
  const reviewed = new Int32Array(centroids.length)
  const flaggedIn = new Int32Array(centroids.length)
  const heldOutIn = new Int32Array(centroids.length)
  const reviewedBy: { e: Float32Array; flagged: boolean }[][] = centroids.map(() => [])
  if (centroids.length > 0)
    for (const [list, kind] of [
      [context.labelled, 'learnt'],
      [context.heldOut ?? [], 'heldOut'],
      [flagged, 'flagged'],
    ] as const)
      for (const e of list) {
        const c = nearestCentroid(e, centroids)
        reviewed[c]!++
        if (kind === 'flagged') flaggedIn[c]!++
        if (kind === 'heldOut') heldOutIn[c]!++
        reviewedBy[c]!.push({ e, flagged: kind === 'flagged' })
      }
  const mostlyFlagged = (c: number): boolean => 2 * flaggedIn[c]! > reviewed[c]!
  // In a mixed cluster (English turns among Swahili voices, both flags and transcriptions in
  // it): the utterance whose nearest reviewed one in its cluster was flagged.
  const likeFlagged = new Set<number>()
  embedded.forEach((p, i) => {
    const c = assignment[i]!
    if (flaggedIn[c] === 0 || mostlyFlagged(c)) return
    let best: { d: number; flagged: boolean } | null = null
    for (const r of reviewedBy[c]!) {
      const d = squaredDistance(p.embedding!, r.e)
      if (!best || d < best.d) best = { d, flagged: r.flagged }
    }
    if (best?.flagged) likeFlagged.add(i)
  })
  const flagShare = (c: number): number => (reviewed[c]! ? flaggedIn[c]! / reviewed[c]! : 0)
  const flagNote = (c: number): { nearFlagged?: number; nearReviewed?: number } =>
    flaggedIn[c]! > 0 ? { nearFlagged: flaggedIn[c]!, nearReviewed: reviewed[c]! } : {}
  const corrected = (p: PoolItem): number =>
    p.speakerId === null ? 0 : (context.speakerCorrected.get(p.speakerId) ?? 0)
  const mean = Math.max(
    1,
    [...context.speakerCorrected.values()].reduce((a, b) => a + b, 0) /
      Math.max(1, context.speakerCorrected.size),
  )
  const weight = (i: number): number =>
    (uncertainty(embedded[i]!) / (1 + corrected(embedded[i]!) / mean)) *
    (1 - flagShare(assignment[i]!))
  const open = members.map((_, c) => c).filter((c) => !mostlyFlagged(c))
  const out: Ranked[] = []
  // What looks flagged is placed last (below), never among the picks.
  const placed = new Set<number>()
  const held = (i: number): boolean => placed.has(i) || likeFlagged.has(i)
  const place = (i: number, reason: PriorityReason): void => {
    placed.add(i)
    out.push({ id: embedded[i]!.id, reason })
  }
  if (context.corrected < COLD_START) {
    // Typicality only where picks are taken (a cluster's order is worked out on first use).
    const orders = new Map<number, number[]>()
    const typical = (c: number): number[] => {
      if (!orders.has(c))
        orders.set(
          c,
          byTypicality(members[c]!, embedded).filter((i) => !likeFlagged.has(i)),
        )
      return orders.get(c)!
    }
    const taken = new Int32Array(centroids.length)
    for (let n = 0; n < COLD_START - context.corrected; n++) {
      let best = -1
      // Coverage is what the model learns from: dev and test transcripts teach it nothing.
      const load = (c: number): number => reviewed[c]! - heldOutIn[c]! + taken[c]!
      const left = (c: number): number => typical(c).length - taken[c]!
      for (const c of open)
        if (
          left(c) > 0 &&
          (best < 0 || load(c) < load(best) || (load(c) === load(best) && left(c) > left(best)))
        )
          best = c
      if (best < 0) break
      place(typical(best)[taken[best]!++]!, {
        strategy: 'hybrid',
        measure: 'typicality',
        value: null,
        cluster: best + 1,
        clusters: centroids.length,
        phase: 'diverse',
        ...flagNote(best),
      })
    }
  }
  // Clusters take turns, each offering its most valuable utterance not yet placed. Within a
  // turn the offers go most valuable first: otherwise the flag share and speaker discounts,
  // which scale a whole cluster alike, would never change which cluster's pick comes first.
  const queues = open.map((c) =>
    members[c]!.filter((i) => !held(i)).sort((a, b) => weight(b) - weight(a) || a - b),
  )
  for (let round = 0; queues.some((q) => q.length > round); round++)
    queues
      .flatMap((q, index) => (q[round] === undefined ? [] : [{ i: q[round]!, c: open[index]! }]))
      .sort((a, b) => weight(b.i) - weight(a.i) || a.c - b.c)
      .forEach(({ i, c }) =>
        place(i, {
          strategy: 'hybrid',
          measure: 'least_confidence',
          value: embedded[i]!.leastConfidence,
          cluster: c + 1,
          clusters: centroids.length,
          rankInCluster: round + 1,
          speakerCorrected: corrected(embedded[i]!),
          phase: 'uncertain',
          ...flagNote(c),
        }),
      )
  // Then what has no embedding, and last the clusters that are mostly flagged.
  for (const p of [...loose].sort((a, b) => uncertainty(b) - uncertainty(a) || a.id - b.id))
    out.push({
      id: p.id,
      reason: { strategy: 'hybrid', measure: 'least_confidence', value: p.leastConfidence },
    })
  const rest = embedded
    .map((_, i) => i)
    .filter((i) => !placed.has(i))
    .sort((a, b) => uncertainty(embedded[b]!) - uncertainty(embedded[a]!) || a - b)
  for (const i of rest)
    out.push({
      id: embedded[i]!.id,
      reason: {
        strategy: 'hybrid',
        measure: 'least_confidence',
        value: embedded[i]!.leastConfidence,
        ...flagNote(assignment[i]!),
        ...(likeFlagged.has(i) ? { likeFlagged: true } : {}),
      },
    })
  return out
}
