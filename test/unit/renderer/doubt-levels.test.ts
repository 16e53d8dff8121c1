import { describe, expect, it } from 'vitest'
import {
  contrastRatio,
  doubtColors,
  doubtLevel,
  levelBounds,
} from '../../../src/renderer/src/transcript/doubt-levels'

describe('the editor’s marks for words likely wrong', () => {
  it('marks only words below the threshold, in two levels', () => {
    expect(doubtLevel(null, 0.5)).toBe(0)
    expect(doubtLevel(0.5, 0.5)).toBe(0)
    expect(doubtLevel(0.9, 0.5)).toBe(0)
    expect(doubtLevel(0.49, 0.5)).toBe(1)
    expect(doubtLevel(0.2, 0.5)).toBe(1)
    expect(doubtLevel(0.19, 0.5)).toBe(2)
    // The legend's words: over 50 % and over 80 % likely wrong at the default threshold.
    expect(levelBounds(0.5)).toEqual({ likely: 0.5, veryLikely: 0.8 })
  })

  it('keeps the levels apart: contrast of at least 3:1 against the page and between levels', () => {
    // WCAG's reference values: black on white is 21:1, a colour against itself 1:1.
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 6)
    expect(contrastRatio('#777777', '#777777')).toBe(1)
    const { background, likelyWrong, veryLikelyWrong } = doubtColors
    expect(contrastRatio(background, likelyWrong)).toBeGreaterThanOrEqual(3)
    expect(contrastRatio(likelyWrong, veryLikelyWrong)).toBeGreaterThanOrEqual(3)
    expect(contrastRatio(background, veryLikelyWrong)).toBeGreaterThanOrEqual(3)
  })
})
