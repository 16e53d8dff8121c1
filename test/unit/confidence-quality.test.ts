import { describe, expect, it } from 'vitest'
import {
  aucRoc,
  expectedCalibrationError,
  normalisedCrossEntropy,
  type ScoredWord,
} from '../../src/shared/metrics/confidence-quality'

const words = (pairs: [number, boolean][]): ScoredWord[] =>
  pairs.map(([confidence, correct]) => ({ confidence, correct }))

describe('confidence quality', () => {
  it('AUC-ROC: 1 when every wrong word is less confident than every right one, 0.5 for no signal', () => {
    expect(
      aucRoc(
        words([
          [0.1, false],
          [0.2, false],
          [0.8, true],
          [0.9, true],
        ]),
      ),
    ).toBe(1)
    expect(
      aucRoc(
        words([
          [0.9, false],
          [0.8, false],
          [0.2, true],
          [0.1, true],
        ]),
      ),
    ).toBe(0)
    expect(
      aucRoc(
        words([
          [0.5, false],
          [0.5, true],
        ]),
      ),
    ).toBe(0.5)
    // One of the four (wrong, right) pairs is ordered the wrong way: 3/4.
    expect(
      aucRoc(
        words([
          [0.3, false],
          [0.7, false],
          [0.6, true],
          [0.9, true],
        ]),
      ),
    ).toBe(0.75)
    expect(aucRoc(words([[0.3, true]]))).toBeNull()
  })

  it('ECE: the gap between confidence and accuracy, weighted by bin size', () => {
    // Bin [0.9, 1.0): confidence 0.95, accuracy 1/2 → gap 0.45, half of the words.
    // Bin [0.1, 0.2): confidence 0.15, accuracy 0 → gap 0.15, the other half.
    const ece = expectedCalibrationError(
      words([
        [0.95, true],
        [0.95, false],
        [0.15, false],
        [0.15, false],
      ]),
    )
    expect(ece).toBeCloseTo(0.5 * 0.45 + 0.5 * 0.15, 12)
    expect(
      expectedCalibrationError(
        words([
          [0.75, true],
          [0.75, true],
          [0.75, true],
          [0.75, false],
        ]),
      ),
    ).toBeCloseTo(0, 12)
  })

  it('NCE: 1 for confident and right, 0 for the base rate, negative when misleading', () => {
    expect(
      normalisedCrossEntropy(
        words([
          [1, true],
          [0, false],
        ]),
      ),
    ).toBeCloseTo(1, 4)
    expect(
      normalisedCrossEntropy(
        words([
          [0.5, true],
          [0.5, false],
        ]),
      ),
    ).toBeCloseTo(0, 12)
    expect(
      normalisedCrossEntropy(
        words([
          [0.75, true],
          [0.75, true],
          [0.75, true],
          [0.75, false],
        ]),
      ),
    ).toBeCloseTo(0, 12)
    expect(
      normalisedCrossEntropy(
        words([
          [0.1, true],
          [0.9, false],
        ]),
      )!,
    ).toBeLessThan(0)
  })
})
