import { describe, expect, it } from 'vitest'
import { utteranceChange } from '../../src/shared/metrics/compare'

describe('how one utterance changed between two models', () => {
  // An empty base-model guess (100 % WER and CER) against a checkpoint that spells most letters
  // right but adds a word: worse on WER, much better on CER.
  const u = { a: { wer: 1, cer: 1 }, b: { wer: 1.4, cer: 0.38 } }

  it('is told on CER while WER is saturated, so closer letters are not called worse', () => {
    expect(utteranceChange(u, 'cer')).toEqual({ points: -62, metric: 'cer' })
  })

  it('is told on WER once WER moves', () => {
    expect(utteranceChange(u, 'wer')).toEqual({ points: 40, metric: 'wer' })
  })

  it('falls back to the other metric where the deciding one did not move (rounded points)', () => {
    const same = { a: { wer: 0.5, cer: 0.2 }, b: { wer: 0.504, cer: 0.1 } }
    expect(utteranceChange(same, 'wer')).toEqual({ points: -10, metric: 'cer' })
    expect(utteranceChange({ a: same.a, b: same.a }, 'cer')).toEqual({ points: 0, metric: 'wer' })
  })
})
