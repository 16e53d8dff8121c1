import type { Db, OpenDatabaseOptions } from '../db/connection'
import type { AcquisitionStrategy, PriorityReason } from '../../../shared/domain'

/** One utterance of the pool (nobody has transcribed it) with what its scoring measured. */
export interface PoolItem {
  id: number
  speakerId: number | null
  durationSec: number
  leastConfidence: number | null
  entropy: number | null
  margin: number | null
  disagreement: number | null
  embedding: Float32Array | null
}

export interface Ranked {
  id: number
  reason: PriorityReason
}

/** Corrections below which the hybrid strategy samples for diversity (cold start). */
export const COLD_START = 20
/** Fixed annotator cost per utterance, in seconds of audio, for the cost-aware strategy. */
export const OVERHEAD_SEC = 2

const uncertainty = (p: PoolItem): number => p.leastConfidence ?? 1

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let s = 0
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!
    s += d * d
  }
  return s
}

/**
 * Farthest-first traversal (greedy k-center): each pick is the item farthest from everything
 * picked or already labelled. Returns up to `limit` picks with their distance when picked.
 */
export function kCenter(
  items: PoolItem[],
  labelled: Float32Array[],
  limit: number,
): { index: number; distance: number }[] {
  const withEmbedding = items.map((p, i) => (p.embedding ? i : -1)).filter((i) => i >= 0)
  const nearest = new Float64Array(items.length).fill(Number.POSITIVE_INFINITY)
  for (const i of withEmbedding)
    for (const c of labelled)
      nearest[i] = Math.min(nearest[i]!, squaredDistance(items[i]!.embedding!, c))
  const picks: { index: number; distance: number }[] = []
  const taken = new Uint8Array(items.length)
  while (picks.length < Math.min(limit, withEmbedding.length)) {
    let best = -1
    for (const i of withEmbedding)
      if (
        !taken[i] &&
        (best < 0 || nearest[i]! > nearest[best]! || (nearest[i] === nearest[best] && i < best))
      )
        best = i
    taken[best] = 1
    const distance = nearest[best]!
    picks.push({
      index: best,
      distance: Number.isFinite(distance) ? Math.sqrt(distance) : Number.POSITIVE_INFINITY,
    })
    const center = items[best]!.embedding!
    for (const i of withEmbedding)
      if (!taken[i])
        nearest[i] = Math.min(nearest[i]!, squaredDistance(items[i]!.embedding!, center))
  }
  return picks
}

/** A deterministic pseudo-random order (splitmix-style hash of the id and a seed). */
function hashOrder(id: number, seed: number): number {
  let x = (id * 0x9e3779b1 + seed * 0x85ebca77) >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0
  return (x ^ (x >>> 16)) >>> 0
}

/** What a ranking knows of the work done so far. */
export interface RankContext {
  /** Embeddings of the utterances already transcribed (diversity measures distance from them). */
  labelled: Float32Array[]
  /** Embeddings of the utterances annotators flagged instead (noise, another language…). */
  flagged?: Float32Array[]
  /** Each speaker's transcribed utterances. */
  speakerCorrected: Map<number, number>
  /** Utterances reviewed so far, transcribed or flagged: below COLD_START, hybrid is cold. */
  corrected: number
  seed?: number
}

/** Orders the pool under a strategy, most useful first (docs/active-learning.md). */
export function rankPool(
  pool: PoolItem[],
  strategy: AcquisitionStrategy,
  context: RankContext,
): Ranked[] {
  const by = (
    measure: PriorityReason['measure'],
    value: (p: PoolItem) => number | null,
    descending: boolean,
  ): Ranked[] =>
    pool
      .map((p) => ({ p, v: value(p) }))
      .sort((a, b) => {
        if (a.v === null || b.v === null)
          return a.v === null ? (b.v === null ? a.p.id - b.p.id : 1) : -1
        return (descending ? b.v - a.v : a.v - b.v) || a.p.id - b.p.id
      })
      .map(({ p, v }) => ({ id: p.id, reason: { strategy, measure, value: v } }))
  switch (strategy) {
    case 'least_confidence':
      return by('least_confidence', (p) => p.leastConfidence, true)
    case 'entropy':
      return by('entropy', (p) => p.entropy, true)
    case 'margin':
      return by('margin', (p) => p.margin, false)
    case 'committee':
      return by('disagreement', (p) => p.disagreement ?? p.leastConfidence, true)
    case 'cost':
      return by(
        'per_second',
        (p) =>
          p.leastConfidence === null ? null : p.leastConfidence / (p.durationSec + OVERHEAD_SEC),
        true,
      )
    case 'random':
      return by('random', (p) => hashOrder(p.id, context.seed ?? 1), false).map((r) => ({
        ...r,
        reason: { ...r.reason, value: null },
      }))
    case 'file':
      return pool.map((p) => ({ id: p.id, reason: { strategy, measure: 'none', value: null } }))
    case 'diversity':
      return diversity(pool, [...context.labelled, ...(context.flagged ?? [])], strategy)
    case 'hybrid':
      return hybrid(pool, context)
  }
}

function diversity(
  pool: PoolItem[],
  labelled: Float32Array[],
  strategy: AcquisitionStrategy,
  limit = 256,
): Ranked[] {
  const picks = kCenter(pool, labelled, limit)
  const picked = new Set(picks.map((p) => p.index))
  const first = picks.map(({ index, distance }) => ({
    id: pool[index]!.id,
    reason: {
      strategy,
      measure: 'distance' as const,
      value: Number.isFinite(distance) ? distance : null,
      phase: 'diverse' as const,
    },
  }))
  // Past the first picks, farthest-first gains little: the rest by uncertainty.
  const rest = pool
    .map((p, i) => ({ p, i }))
    .filter(({ i }) => !picked.has(i))
    .sort((a, b) => uncertainty(b.p) - uncertainty(a.p) || a.p.id - b.p.id)
    .map(({ p }) => ({
      id: p.id,
      reason: { strategy, measure: 'least_confidence' as const, value: p.leastConfidence },
    }))
  return [...first, ...rest]
}

/** Items k-means fits its centroids on; the rest are only assigned (a large pool costs one pass). */
const KMEANS_SAMPLE = 4096

/**
 * Lloyd's k-means on the items' embeddings, seeded by k-center and fitted on an evenly spaced
 * sample of at most KMEANS_SAMPLE items: each item's cluster (−1 without an embedding) and the
 * centroids.
 */
export function kMeans(
  items: PoolItem[],
  k: number,
  iterations = 8,
): { assignment: Int32Array; centroids: Float32Array[] } {
  const embedded = items.map((p, i) => (p.embedding ? i : -1)).filter((i) => i >= 0)
  const stride = Math.max(1, embedded.length / KMEANS_SAMPLE)
  const sample: number[] = []
  for (let x = 0; Math.floor(x) < embedded.length; x += stride)
    sample.push(embedded[Math.floor(x)]!)
  const fit = sample.map((i) => items[i]!)
  let centroids = kCenter(fit, [], k).map((c) => Float32Array.from(fit[c.index]!.embedding!))
  const part = new Int32Array(fit.length).fill(-1)
  for (let it = 0; it < iterations && centroids.length > 0; it++) {
    let moved = false
    fit.forEach((p, i) => {
      const c = nearestCentroid(p.embedding!, centroids)
      if (c !== part[i]) moved = true
      part[i] = c
    })
    if (!moved) break
    const dim = centroids[0]!.length
    const sums = centroids.map(() => new Float64Array(dim))
    const counts = new Int32Array(centroids.length)
    fit.forEach((p, i) => {
      const c = part[i]!
      counts[c]!++
      for (let d = 0; d < dim; d++) sums[c]![d]! += p.embedding![d]!
    })
    centroids = centroids.map((old, c) =>
      counts[c] ? Float32Array.from(sums[c]!, (v) => v / counts[c]!) : old,
    )
  }
  const assignment = new Int32Array(items.length).fill(-1)
  if (centroids.length > 0)
    for (const i of embedded) assignment[i] = nearestCentroid(items[i]!.embedding!, centroids)
  return { assignment, centroids }
}

/** The index of the centroid nearest to `e`. */
function nearestCentroid(e: Float32Array, centroids: Float32Array[]): number {
  let best = 0
  for (let c = 1; c < centroids.length; c++)
    if (squaredDistance(e, centroids[c]!) < squaredDistance(e, centroids[best]!)) best = c
  return best
}

/**
 * A cluster's members, the most typical (densest) first: by mean distance to their 20 nearest
 * fellow members. In a large cluster, an evenly spaced sample of 256 members is ranked (each
 * against the sample) and the others follow; the cold start takes a few from each at most.
 */
function byTypicality(members: number[], embedded: PoolItem[]): number[] {
  const stride = Math.max(1, members.length / 256)
  const sample: number[] = []
  for (let x = 0; Math.floor(x) < members.length; x += stride) sample.push(members[Math.floor(x)]!)
  const spread = new Map<number, number>()
  const nearest = new Float64Array(20)
  for (const i of sample) {
    let n = 0
    for (const j of sample) {
      if (j === i) continue
      const d = Math.sqrt(squaredDistance(embedded[i]!.embedding!, embedded[j]!.embedding!))
      // Keep the 20 smallest, sorted (insertion into a short array).
      if (n < nearest.length) n++
      else if (d >= nearest[n - 1]!) continue
      let k = n - 1
      while (k > 0 && nearest[k - 1]! > d) {
        nearest[k] = nearest[k - 1]!
        k--
      }
      nearest[k] = d
    }
    let sum = 0
    for (let k = 0; k < n; k++) sum += nearest[k]!
    spread.set(i, n ? sum / n : 0)
  }
  const ranked = [...sample].sort((a, b) => spread.get(a)! - spread.get(b)! || a - b)
  return [...ranked, ...members.filter((i) => !spread.has(i))]
}

/**
 * The default (docs/active-learning.md). The pool is cut into k-means clusters of the encoder's
 * mean states (k = √n, at most 32), and what is already reviewed is placed in them.
 *
 * - A cluster where most reviewed utterances were flagged (noise, another language) goes last,
 *   whatever its uncertainty: the queue learns from flags what is not worth anyone's time.
 * - Cold (fewer than COLD_START reviewed): TypiClust (Hacohen et al., 2022: with few labels,
 *   typical examples teach more than outliers or uncertain ones). Each pick takes the cluster
 *   least covered so far (the larger first) and its most typical utterance, so the first
 *   corrections cover the recordings' main voices and conditions, not their oddities.
 * - After: the clusters take turns, each offering its most uncertain utterance, discounted for
 *   speakers who already have many corrections and by the cluster's share of flagged reviews.
 */
function hybrid(pool: PoolItem[], context: RankContext): Ranked[] {
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
  const reviewedBy: { e: Float32Array; flagged: boolean }[][] = centroids.map(() => [])
  if (centroids.length > 0)
    for (const [list, isFlagged] of [
      [context.labelled, false],
      [flagged, true],
    ] as const)
      for (const e of list) {
        const c = nearestCentroid(e, centroids)
        reviewed[c]!++
        if (isFlagged) flaggedIn[c]!++
        reviewedBy[c]!.push({ e, flagged: isFlagged })
      }
  const mostlyFlagged = (c: number): boolean => 2 * flaggedIn[c]! > reviewed[c]!
  // In a mixed cluster (English turns among Swahili voices): the utterance whose nearest
  // reviewed one in its cluster was flagged.
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
      const load = (c: number): number => reviewed[c]! + taken[c]!
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
  // Clusters take turns, each offering its most valuable utterance not yet placed.
  const queues = open.map((c) =>
    members[c]!.filter((i) => !held(i)).sort((a, b) => weight(b) - weight(a) || a - b),
  )
  for (let round = 0; queues.some((q) => q.length > round); round++)
    queues.forEach((q, index) => {
      const i = q[round]
      if (i === undefined) return
      const c = open[index]!
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
      })
    })
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
        cluster: assignment[i]! + 1,
        clusters: centroids.length,
        ...flagNote(assignment[i]!),
        ...(likeFlagged.has(i) ? { likeFlagged: true } : {}),
      },
    })
  return out
}

/** The pool as stored: every utterance not merged that nobody has transcribed. */
export function readPool(db: Db): PoolItem[] {
  const rows = db
    .prepare(
      `SELECT u.id, u.speaker_id, u.end_sec - u.start_sec AS duration, a.least_confidence, a.entropy, a.margin, a.disagreement, a.embedding
       FROM utterance u LEFT JOIN acquisition a ON a.utterance_id = u.id
       WHERE u.merged_into IS NULL AND u.status NOT IN ('flagged', 'skipped')
         AND NOT EXISTS (SELECT 1 FROM recording r WHERE r.id = u.recording_id AND r.purged_at IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.draft = 0 AND v.source_kind IN ('annotator', 'import'))
       ORDER BY u.id`,
    )
    .all() as {
    id: number
    speaker_id: number | null
    duration: number
    least_confidence: number | null
    entropy: number | null
    margin: number | null
    disagreement: number | null
    embedding: Buffer | null
  }[]
  return rows.map((r) => ({
    id: r.id,
    speakerId: r.speaker_id,
    durationSec: r.duration,
    leastConfidence: r.least_confidence,
    entropy: r.entropy,
    margin: r.margin,
    disagreement: r.disagreement,
    embedding: toFloats(r.embedding),
  }))
}

function toFloats(b: Buffer | null): Float32Array | null {
  if (!b || b.byteLength % 4) return null
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

/**
 * The project's pool ranked under a strategy, read from the store. Heavy for a large project
 * (k-center over every utterance's embedding), so it runs in the training worker on a read-only
 * connection (`rank` request); the main thread only writes the result.
 */
export function rankProject(db: Db, strategy: AcquisitionStrategy): Ranked[] {
  const pool = readPool(db)
  const labelledRows = db
    .prepare(
      `SELECT a.embedding, u.speaker_id FROM utterance u LEFT JOIN acquisition a ON a.utterance_id = u.id
       WHERE u.merged_into IS NULL AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.draft = 0 AND v.source_kind = 'annotator')`,
    )
    .all() as { embedding: Buffer | null; speaker_id: number | null }[]
  // Flagged by an annotator as not worth transcribing (noise, another language, overlap…).
  const flaggedRows = db
    .prepare(
      `SELECT a.embedding FROM utterance u LEFT JOIN acquisition a ON a.utterance_id = u.id
       WHERE u.merged_into IS NULL AND u.status = 'flagged'`,
    )
    .all() as { embedding: Buffer | null }[]
  const speakerCorrected = new Map<number, number>()
  for (const r of labelledRows)
    if (r.speaker_id !== null)
      speakerCorrected.set(r.speaker_id, (speakerCorrected.get(r.speaker_id) ?? 0) + 1)
  const embeddings = (rows: { embedding: Buffer | null }[]): Float32Array[] =>
    rows.map((r) => toFloats(r.embedding)).filter((e): e is Float32Array => e !== null)
  return rankPool(pool, strategy, {
    labelled: embeddings(labelledRows),
    flagged: embeddings(flaggedRows),
    speakerCorrected,
    corrected: labelledRows.length + flaggedRows.length,
  })
}

/** Stores a ranking as every pool utterance's priority and reason, in one transaction. */
export function writePriorities(db: Db, ranked: Ranked[]): number {
  // Ranked on a snapshot: what was transcribed since then keeps no priority.
  const set = db.prepare(
    `UPDATE utterance SET priority = ?, priority_reason = ? WHERE id = ?
       AND NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = utterance.id AND v.draft = 0 AND v.source_kind IN ('annotator', 'import'))`,
  )
  db.transaction(() => {
    db.prepare(
      'UPDATE utterance SET priority = NULL, priority_reason = NULL WHERE priority IS NOT NULL',
    ).run()
    ranked.forEach((r, position) => set.run(position + 1, JSON.stringify(r.reason), r.id))
  })()
  return ranked.length
}

/** Ranks the pool in the training worker and stores the priorities here. */
export async function reprioritise(
  workers: {
    rank(dbPath: string, db: OpenDatabaseOptions, strategy: AcquisitionStrategy): Promise<Ranked[]>
  },
  db: Db,
  dbPath: string,
  dbOptions: OpenDatabaseOptions,
  strategy: AcquisitionStrategy,
): Promise<number> {
  return writePriorities(db, await workers.rank(dbPath, dbOptions, strategy))
}
