import { describe, expect, it } from 'vitest'
import { characterEdits, editCost } from '../../src/shared/metrics/edit-cost'

describe("the annotator's cost of a correction", () => {
  it('is nothing when the hypothesis was right', () => {
    expect(editCost('habari ya asubuhi', 'habari ya asubuhi')).toEqual({
      edits: 0,
      length: 17,
      cost: 0,
      keystrokes: 0,
      typingKeystrokes: 17,
    })
  })

  it('counts one substituted letter as one edit and three keystrokes (move, select-delete, type)', () => {
    // "habari ya asubihi" -> "habari ya asubuhi": i→u at position 14.
    const c = editCost('habari ya asubihi', 'habari ya asubuhi')
    expect(c.edits).toBe(1)
    expect(c.cost).toBeCloseTo(1 / 17, 12)
    expect(c.keystrokes).toBe(3)
  })

  it('deleting a run costs at most two keystrokes after moving there; typing a word costs its letters', () => {
    // Delete " sana" (5 characters): move + select + delete.
    expect(editCost('asante sana', 'asante')).toMatchObject({ edits: 5, keystrokes: 3, length: 6 })
    // Insert " sana": move + 5 letters.
    expect(editCost('asante', 'asante sana')).toMatchObject({ edits: 5, keystrokes: 6 })
    // Two separate fixes are two runs: "kat" -> "kata", "mtu" -> "watu" (one ins; one sub + one ins).
    expect(editCost('kat mtu', 'kata watu')).toMatchObject({ edits: 3, keystrokes: 2 + 4 })
  })

  it('an empty hypothesis costs as much as typing from scratch, plus moving there once', () => {
    const c = editCost('', 'ndiyo')
    expect(c).toMatchObject({ edits: 5, cost: 1, keystrokes: 6, typingKeystrokes: 5 })
  })

  it('a wrong hypothesis longer than the truth can cost more than typing from scratch', () => {
    const c = editCost('the quick brown fox', 'ndiyo')
    expect(c.cost).toBeGreaterThan(1)
  })

  it('aligns by minimal character edits (Levenshtein), counting case and punctuation', () => {
    expect(characterEdits('Kitabu.', 'kitabu')).toEqual([
      'sub',
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'del',
    ])
    expect(characterEdits('', '')).toEqual([])
  })
})
