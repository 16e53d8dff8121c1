import type { WriteDb, OpenDatabaseOptions, ReadDb } from '../db/connection'
import type { AcquisitionStrategy, PriorityReason } from '../../../shared/domain'
import { fitsSpanSql } from '../asr/decoded-span'
import { hasHumanText } from '../provenance/human-text'
import { kCenter } from './clusters'
import { hybrid, uncertainty } from './hybrid'

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

/** Fixed annotator cost per utterance, in seconds of audio, for the cost-aware strategy. */
export const OVERHEAD_SEC = 2

/** A deterministic pseudo-random order (splitmix-style hash of the id and a seed). */
function hashOrder(id: number, seed: number): number {
  let x = (id * 0x9e3779b1 + seed * 0x85ebca77) >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d) >>> 0
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b) >>> 0
  return (x ^ (x >>> 16)) >>> 0
}

/** What a ranking knows of the work done so far. */
export interface RankContext {
  /**
   * Embeddings of the transcripts the model learns from: people's (an annotator's or imported),
   * outside the dev and test splits. Diversity measures distance from them.
   */
  labelled: Float32Array[]
  /**
   * Embeddings of people's transcripts held out as dev or test. The model never learns from
   * them, but they show that audio like them is worth transcribing: evidence against flags only.
   */
  heldOut?: Float32Array[]
  /** Embeddings of the utterances annotators flagged instead (noise, another language…). */
  flagged?: Float32Array[]
  /** Each speaker's transcripts the model learns from (as `labelled`). */
  speakerCorrected: Map<number, number>
  /** Work done so far, `labelled` and flagged: below COLD_START (hybrid.ts), hybrid is cold. */
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

/** Measures count only when taken on the utterance's span as it is now (asr/decoded-span.ts). */
const measuredNow = fitsSpanSql('a', 'u')

/**
 * The pool as stored: every utterance not merged that nobody has transcribed, with the measures
 * taken on its span as it is now; one whose edges moved since has none until it is decoded again.
 */
export function readPool(db: ReadDb): PoolItem[] {
  const rows = db
    .prepare(
      `SELECT u.id, u.speaker_id, u.end_sec - u.start_sec AS duration, a.least_confidence, a.entropy, a.margin, a.disagreement, a.embedding
       FROM utterance u LEFT JOIN acquisition a ON a.utterance_id = u.id AND ${measuredNow}
       WHERE u.merged_into IS NULL AND u.status NOT IN ('flagged', 'skipped')
         AND NOT EXISTS (SELECT 1 FROM recording r WHERE r.id = u.recording_id AND r.purged_at IS NOT NULL)
         AND NOT ${hasHumanText('u.id')}
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
export function rankProject(db: ReadDb, strategy: AcquisitionStrategy): Ranked[] {
  const pool = readPool(db)
  // Every person's transcript, imported ones too (the model trains on them alike); those held out
  // as dev or test are never trained on (docs/active-learning.md, "What counts as work done").
  const transcribedRows = db
    .prepare(
      `SELECT a.embedding, u.speaker_id, coalesce(u.split IN ('dev', 'test'), 0) AS held_out
       FROM utterance u LEFT JOIN acquisition a ON a.utterance_id = u.id AND ${measuredNow}
       WHERE u.merged_into IS NULL AND ${hasHumanText('u.id')}`,
    )
    .all() as { embedding: Buffer | null; speaker_id: number | null; held_out: 0 | 1 }[]
  const labelledRows = transcribedRows.filter((r) => !r.held_out)
  // Flagged by an annotator as a kind of audio not worth transcribing: noise, another language.
  // (Overlap and unintelligible are about one utterance, and say nothing of those like it.)
  const flaggedRows = db
    .prepare(
      `SELECT a.embedding FROM utterance u LEFT JOIN acquisition a ON a.utterance_id = u.id AND ${measuredNow}
       WHERE u.merged_into IS NULL AND u.status = 'flagged' AND u.flag_reason IN ('noise', 'other_language')`,
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
    heldOut: embeddings(transcribedRows.filter((r) => r.held_out)),
    flagged: embeddings(flaggedRows),
    speakerCorrected,
    corrected: labelledRows.length + flaggedRows.length,
  })
}

/**
 * A decided utterance leaves the "most useful first" order. Called inside the decision's own
 * transaction, so no window ever reads it decided and still ranked.
 */
export function leaveRanking(db: WriteDb, utteranceId: number): void {
  db.prepare('UPDATE utterance SET priority = NULL, priority_reason = NULL WHERE id = ?').run(
    utteranceId,
  )
}

/** Stores a ranking as every pool utterance's priority and reason, in one transaction. */
export function writePriorities(db: WriteDb, ranked: Ranked[]): number {
  // Ranked on a snapshot: what was transcribed since then keeps no priority.
  const set = db.prepare(
    `UPDATE utterance SET priority = ?, priority_reason = ? WHERE id = ?
       AND NOT ${hasHumanText('utterance.id')}`,
  )
  db.transaction(() => {
    db.prepare(
      'UPDATE utterance SET priority = NULL, priority_reason = NULL WHERE priority IS NOT NULL',
    ).run()
    ranked.forEach((r, position) => set.run(position + 1, JSON.stringify(r.reason), r.id))
  }).immediate()
  return ranked.length
}

/** Ranks the pool in the training worker and stores the priorities here. */
export async function reprioritise(
  workers: {
    rank(dbPath: string, db: OpenDatabaseOptions, strategy: AcquisitionStrategy): Promise<Ranked[]>
  },
  db: WriteDb,
  dbPath: string,
  dbOptions: OpenDatabaseOptions,
  strategy: AcquisitionStrategy,
): Promise<number> {
  return writePriorities(db, await workers.rank(dbPath, dbOptions, strategy))
}
