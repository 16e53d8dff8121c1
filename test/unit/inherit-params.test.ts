import { describe, expect, it } from 'vitest'
import { buildVocabulary, inheritParams } from '../../src/main/core/adapt/vocabulary'
import {
  initParams,
  tensorViews,
  type AdapterHeadShape,
} from '../../src/main/core/train/adapter-head'

describe('a child checkpoint’s starting parameters', () => {
  const parentVocabulary = buildVocabulary(null, ['ab'])
  const parentShape: AdapterHeadShape = { dim: 4, bottleneck: 2, vocab: 4 }
  const parent = { params: initParams(parentShape, 5), vocabulary: parentVocabulary }

  it('marks what came from the parent: its adapter and the rows of the tokens both know', () => {
    const vocabulary = buildVocabulary(parentVocabulary, ['abc'])
    const shape = { ...parentShape, vocab: vocabulary.tokens.length }
    const { params, inherited } = inheritParams(parent, shape, vocabulary, 9)
    const marks = tensorViews(shape, inherited)
    const values = tensorViews(shape, params.data)
    const from = tensorViews(parentShape, parent.params.data)
    expect([...marks['adapter.down.weight']!].every((k) => k === 1)).toBe(true)
    expect([...values['adapter.down.weight']!]).toEqual([...from['adapter.down.weight']!])
    // Rows 0-3 (blank, delimiter, a, b) are the parent's; row 4 (c) starts fresh.
    expect([...marks['head.bias']!]).toEqual([1, 1, 1, 1, 0])
    expect([...marks['head.weight']!.subarray(4 * 4)]).toEqual([0, 0, 0, 0])
    expect([...values['head.weight']!.subarray(0, 16)]).toEqual([...from['head.weight']!])
  })

  it('marks nothing without a parent, or when the hidden size differs', () => {
    expect(inheritParams(null, parentShape, parentVocabulary, 9).inherited.some((k) => k)).toBe(
      false,
    )
    const wider = { ...parentShape, dim: 8 }
    expect(inheritParams(parent, wider, parentVocabulary, 9).inherited.some((k) => k)).toBe(false)
  })
})
