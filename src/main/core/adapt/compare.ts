/**
 * How a new checkpoint is judged against its parent on the dev split (docs/active-learning.md,
 * "Check and activate"). Pure: the training worker uses it too.
 */

/** At or above this dev WER, word errors no longer move: checkpoints are compared on CER. */
export const WER_SATURATED = 0.9

/** The metric a child is compared with its parent on: WER, unless the parent's is saturated. */
export function comparisonMetric(parentDev: { cer: number; wer?: number } | null): 'cer' | 'wer' {
  return parentDev?.wer !== undefined && parentDev.wer < WER_SATURATED ? 'wer' : 'cer'
}

/**
 * A new checkpoint replaces its parent only if it is no worse on the same dev split, on the
 * metric that moves (comparisonMetric; ties go to the newer one, which has seen more data).
 * Without a dev split there is nothing to compare, and the newer one is used.
 */
export function shouldActivate(
  dev: { cer: number; wer?: number } | null,
  parentDev: { cer: number; wer?: number } | null,
): boolean {
  if (dev === null || parentDev === null) return true
  const metric = comparisonMetric(parentDev)
  return metric === 'wer' ? dev.wer! <= parentDev.wer! : dev.cer <= parentDev.cer
}
