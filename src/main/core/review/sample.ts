/**
 * Deterministic samples of utterances (docs/review.md). An utterance's place in a sample is the
 * fractional part of (id + seed) · α for an irrational α, computed in 32-bit fixed point: the
 * same number in SQL (for the reviewer's queue, which must filter in the store) and here.
 * Consecutive ids give a low-discrepancy sequence (Weyl), so any run of n utterances holds
 * share · n of them give or take a few, which a hash would only do on average. The two samples
 * use different α (the golden ratio and √2), which are rationally independent, so being picked
 * for double annotation says nothing about being picked for review.
 */
export type SampleStream = 'double' | 'review'

const SCALE = 4294967296n
const multipliers: Record<SampleStream, bigint> = {
  double: 2654435769n, // ⌊2³² (φ − 1)⌋
  review: 1779033703n, // ⌊2³² (√2 − 1)⌋
}

/** The threshold below which an utterance is in a sample of this share. */
export function sampleThreshold(share: number): number {
  return Math.floor(Math.min(1, Math.max(0, share)) * 4294967296)
}

export function samplePosition(utteranceId: number, seed: number, stream: SampleStream): number {
  return Number(((BigInt(utteranceId) + BigInt(seed)) * multipliers[stream]) % SCALE)
}

export function inSample(
  utteranceId: number,
  share: number,
  seed: number,
  stream: SampleStream,
): boolean {
  return samplePosition(utteranceId, seed, stream) < sampleThreshold(share)
}

/**
 * The same test as SQL over a column of utterance ids, with named parameters `:seed` and
 * `:threshold`. SQLite's 64-bit integers hold the product for any id below 3 · 10⁹.
 */
export function inSampleSql(idColumn: string, stream: SampleStream): string {
  return `((${idColumn} + :seed) * ${multipliers[stream]} % 4294967296) < :threshold`
}
