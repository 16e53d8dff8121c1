import type { PoolItem } from './acquisition'

/** Geometry on the pool's mean-pooled embeddings: distances, k-center, k-means, typicality. */

export function squaredDistance(a: Float32Array, b: Float32Array): number {
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
export function nearestCentroid(e: Float32Array, centroids: Float32Array[]): number {
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
export function byTypicality(members: number[], embedded: PoolItem[]): number[] {
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
