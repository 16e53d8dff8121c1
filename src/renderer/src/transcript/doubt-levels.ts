/**
 * Which words the editor marks, and how: only words likely wrong, in two levels a person can tell
 * apart (docs/metrics.md, "Word confidence, calibrated"). A calibrated confidence is P(word
 * right), so 1 − confidence is the chance it is wrong. Each level is an underline bar of its own
 * colour and pattern; the colours keep a contrast of at least 3:1 against the page and against
 * each other (WCAG's contrast for graphical objects), so colour is never the only signal either.
 */
export type DoubtLevel = 0 | 1 | 2

/** Below this share of the threshold, a word is "very likely wrong" (0.4 × 50 % = 20 % right). */
export const VERY_LIKELY_SHARE = 0.4

export const doubtColors = {
  /** The transcript's background (var(--surface)). */
  background: '#ffffff',
  likelyWrong: '#d97706',
  veryLikelyWrong: '#5c0a0a',
} as const

/**
 * A word's level: 0 unmarked, 1 likely wrong (confidence below `threshold`), 2 very likely wrong
 * (below `threshold × VERY_LIKELY_SHARE`). Words the annotator typed have no confidence.
 */
export function doubtLevel(confidence: number | null, threshold: number): DoubtLevel {
  if (confidence === null || confidence >= threshold) return 0
  return confidence < threshold * VERY_LIKELY_SHARE ? 2 : 1
}

/** The chance that each level's words are wrong, at least: what the legend says. */
export function levelBounds(threshold: number): { likely: number; veryLikely: number } {
  return { likely: 1 - threshold, veryLikely: 1 - threshold * VERY_LIKELY_SHARE }
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
}

/** WCAG 2 contrast ratio of two #rrggbb colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (high! + 0.05) / (low! + 0.05)
}
