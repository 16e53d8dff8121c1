import { describe, expect, it } from 'vitest'
import { editCost } from '../../src/shared/metrics/edit-cost'
import {
  decidePrefill,
  modelShare,
  type CostObservation,
  type PrefillInput,
} from '../../src/shared/metrics/prefill'

const text = 'habari ya asubuhi mwalimu'
const input = (over: Partial<PrefillInput>): PrefillInput => ({
  setting: 'automatic',
  text,
  confidence: 0.9,
  calibrated: true,
  history: [],
  ...over,
})

/** Corrections at one predicted error that each cost `share` of typing 40 characters. */
const corrections = (predictedError: number, share: number, n: number): CostObservation[] =>
  Array.from({ length: n }, () => ({ predictedError, keystrokes: share * 40, typing: 40 }))

describe('pre-filling the transcript with the model’s guess, or starting empty', () => {
  it('pre-fills a confident hypothesis', () => {
    const d = decidePrefill(input({ confidence: 0.9 }))
    expect(d).toMatchObject({ prefill: true, basis: 'model' })
    expect(d.expectedShare).toBeLessThan(0.2)
  })

  it('starts empty where the project’s corrections of guesses this doubtful cost more than typing', () => {
    const d = decidePrefill(input({ confidence: 0.1, history: corrections(0.9, 1.3, 10) }))
    expect(d).toMatchObject({ prefill: false, basis: 'history' })
    expect(d.expectedShare).toBeGreaterThan(1)
  })

  it('without such corrections, pre-fills even a doubtful guess: a wrong word may be one letter off', () => {
    const d = decidePrefill(input({ confidence: 0.1 }))
    expect(d).toMatchObject({ prefill: true, basis: 'model' })
    // Words of 5 letters, 90 % predicted wrong, each one letter off: 3 keys (move, select and
    // delete, type) against 6 to type it with its space.
    expect(modelShare(0.9, 'abcde abcde')).toBeCloseTo(0.45, 12)
    expect(editCost('habari ya asubahi', 'habari ya asubuhi').keystrokes).toBe(3)
    // Retyped whole it would cost 1 + 2 + 7 against 7 letters typed: the model cannot tell which.
    expect(editCost('habari ya xxxxxx', 'habari ya asubuhi').keystrokes).toBe(1 + 2 + 7)
    // Nor do a few corrections decide alone.
    expect(
      decidePrefill(input({ confidence: 0.1, history: corrections(0.9, 1.3, 1) })).prefill,
    ).toBe(true)
  })

  it('goes by what corrections have cost in the project once there are enough of them', () => {
    expect(decidePrefill(input({ confidence: 0.6 })).prefill).toBe(true)
    const costly = decidePrefill(input({ confidence: 0.6, history: corrections(0.4, 1.4, 20) }))
    expect(costly).toMatchObject({ prefill: false, basis: 'history' })
    expect(costly.expectedShare).toBeGreaterThan(1.1)
    // Cheap corrections at the same predicted error keep it pre-filled.
    const cheap = decidePrefill(input({ confidence: 0.6, history: corrections(0.4, 0.6, 20) }))
    expect(cheap).toMatchObject({ prefill: true, basis: 'history' })
    // Corrections at a far-off predicted error say little about this one.
    const far = decidePrefill(input({ confidence: 0.6, history: corrections(0.95, 1.5, 20) }))
    expect(far.prefill).toBe(true)
  })

  it('with raw (uncalibrated) confidence, needs the project’s own corrections to start empty', () => {
    expect(decidePrefill(input({ confidence: 0.05, calibrated: false }))).toMatchObject({
      prefill: true,
      basis: 'unknown',
    })
    const d = decidePrefill(
      input({ confidence: 0.05, calibrated: false, history: corrections(0.95, 1.3, 10) }),
    )
    expect(d).toMatchObject({ prefill: false, basis: 'history' })
  })

  it('pre-fills when there is no confidence to go by', () => {
    expect(decidePrefill(input({ confidence: null }))).toMatchObject({
      prefill: true,
      basis: 'unknown',
    })
  })

  it('the project’s setting overrides the expectation either way', () => {
    expect(decidePrefill(input({ setting: 'never', confidence: 0.99 }))).toEqual({
      prefill: false,
      basis: 'setting',
      expectedShare: null,
    })
    expect(decidePrefill(input({ setting: 'always', confidence: 0.01 }))).toEqual({
      prefill: true,
      basis: 'setting',
      expectedShare: null,
    })
  })
})
