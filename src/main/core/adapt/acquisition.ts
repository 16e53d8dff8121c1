import type { Db, OpenDatabaseOptions } from '../db/connection'
import {
  FLAG_NEIGHBOURS,
  type AcquisitionStrategy,
  type PriorityReason,
} from '../../../shared/domain'

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

/**
 * Of the `k` reviewed utterances nearest to `embedding` (transcribed and flagged together), how
 * many were flagged. Zero when nothing was flagged or the item has no embedding.
 */
export function flaggedNeighbours(
  embedding: Float32Array | null,
  transcribed: Float32Array[],
  flagged: Float32Array[],
  k = FLAG_NEIGHBOURS,
): number {
  if (!embedding || flagged.length === 0) return 0
  const near: { d: number; flagged: boolean }[] = []
  const consider = (e: Float32Array, isFlagged: boolean): void => {
    const d = squaredDistance(embedding, e)
    if (near.length === k && d >= near[k - 1]!.d) return
    near.push({ d, flagged: isFlagged })
    near.sort((a, b) => a.d - b.d)
    if (near.length > k) near.pop()
  }
  for (const e of transcribed) consider(e, false)
  for (const e of flagged) consider(e, true)
  return near.filter((n) => n.flagged).length
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

/**
 * The default. Cold (fewer than COLD_START reviewed): diverse picks first, so the first
 * corrections cover the recordings' range of voices and conditions. After: the pool is cut into
 * clusters (k-center on the encoder's mean states, k = √n up to 32) and the clusters take turns,
 * each offering its most uncertain utterance, speakers with fewer corrections first. What looks
 * like the utterances annotators flagged (most of its FLAG_NEIGHBOURS nearest reviewed ones were
 * flagged) goes last: the queue learns from flags what is not worth anyone's time.
 */
function hybrid(pool: PoolItem[], context: RankContext): Ranked[] {
  const flagged = context.flagged ?? []
  if (context.corrected < COLD_START)
    return diversity(
      pool,
      [...context.labelled, ...flagged],
      'hybrid',
      COLD_START - context.corrected,
    )
  const nearFlagged = new Map(
    pool.map((p) => [p.id, flaggedNeighbours(p.embedding, context.labelled, flagged)]),
  )
  const likelyFlagged = (p: PoolItem): boolean => 2 * nearFlagged.get(p.id)! > FLAG_NEIGHBOURS
  const candidates = pool.filter((p) => !likelyFlagged(p))
  const embedded = candidates.filter((p) => p.embedding)
  const k = Math.max(1, Math.min(32, Math.round(Math.sqrt(embedded.length))))
  const centers = kCenter(embedded, [], k).map((c) => embedded[c.index]!.embedding!)
  const clusters: PoolItem[][] = centers.map(() => [])
  const loose: PoolItem[] = []
  for (const p of candidates) {
    if (!p.embedding || centers.length === 0) {
      loose.push(p)
      continue
    }
    let best = 0
    for (let c = 1; c < centers.length; c++)
      if (squaredDistance(p.embedding, centers[c]!) < squaredDistance(p.embedding, centers[best]!))
        best = c
    clusters[best]!.push(p)
  }
  const corrected = (p: PoolItem): number =>
    p.speakerId === null ? 0 : (context.speakerCorrected.get(p.speakerId) ?? 0)
  // Within a cluster: uncertainty, discounted for speakers who already have many corrections
  // and for a likeness to flagged utterances.
  const mean = Math.max(
    1,
    [...context.speakerCorrected.values()].reduce((a, b) => a + b, 0) /
      Math.max(1, context.speakerCorrected.size),
  )
  const weight = (p: PoolItem): number =>
    ((uncertainty(p) / (1 + corrected(p) / mean)) * (FLAG_NEIGHBOURS - nearFlagged.get(p.id)!)) /
    FLAG_NEIGHBOURS
  const flagNote = (p: PoolItem): { nearFlagged?: number } =>
    nearFlagged.get(p.id)! > 0 ? { nearFlagged: nearFlagged.get(p.id)! } : {}
  for (const c of clusters) c.sort((a, b) => weight(b) - weight(a) || a.id - b.id)
  const out: Ranked[] = []
  for (let round = 0; out.length < candidates.length - loose.length; round++)
    clusters.forEach((c, index) => {
      const p = c[round]
      if (!p) return
      out.push({
        id: p.id,
        reason: {
          strategy: 'hybrid',
          measure: 'least_confidence',
          value: p.leastConfidence,
          cluster: index + 1,
          clusters: clusters.length,
          rankInCluster: round + 1,
          speakerCorrected: corrected(p),
          phase: 'uncertain',
          ...flagNote(p),
        },
      })
    })
  const tail = (list: PoolItem[]): Ranked[] =>
    list
      .sort((a, b) => weight(b) - weight(a) || uncertainty(b) - uncertainty(a) || a.id - b.id)
      .map((p) => ({
        id: p.id,
        reason: {
          strategy: 'hybrid',
          measure: 'least_confidence',
          value: p.leastConfidence,
          ...flagNote(p),
        },
      }))
  return [...out, ...tail(loose), ...tail(pool.filter(likelyFlagged))]
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
