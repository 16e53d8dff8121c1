/**
 * How one utterance changed between two models, as the comparison's list, badge and CLI say it:
 * B minus A in whole percentage points of the metric that decides the comparison (CER while WER
 * is saturated), or of the other metric where that one did not move. Positive: B reads it worse.
 */
export function utteranceChange(
  u: { a: { wer: number; cer: number }; b: { wer: number; cer: number } },
  metric: 'wer' | 'cer',
): { points: number; metric: 'wer' | 'cer' } {
  const points = (m: 'wer' | 'cer'): number => Math.round((u.b[m] - u.a[m]) * 100)
  const other = metric === 'wer' ? 'cer' : 'wer'
  return points(metric) !== 0
    ? { points: points(metric), metric }
    : { points: points(other), metric: other }
}
