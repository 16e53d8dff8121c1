import { describe, expect, it } from 'vitest'
import { sumTagAgreement, tagAgreement } from '../../src/shared/metrics/tag-agreement'

describe('language-tag agreement', () => {
  it('counts the words both versions wrote that carry different languages', () => {
    const a = { text: 'mujhe kal office jaana hai', spans: [{ start: 2, end: 3, lang: 'en' }] }
    const b = { text: 'mujhe kal office jaana hai', spans: [] }
    expect(tagAgreement(a, b, 'hi')).toEqual({ compared: 5, differing: 1, rate: 0.2 })
    expect(tagAgreement(a, a, 'hi')).toEqual({ compared: 5, differing: 0, rate: 0 })
  })

  it('leaves words only one version has to the word error rate', () => {
    const a = { text: 'nitaenda market kesho asubuhi', spans: [{ start: 1, end: 2, lang: 'en' }] }
    const b = { text: 'nitaenda sokoni kesho', spans: [{ start: 1, end: 2, lang: 'en' }] }
    expect(tagAgreement(a, b, 'sw')).toEqual({ compared: 2, differing: 0, rate: 0 })
  })

  it('compares words as the project normalises them, and a tag in the matrix language as none', () => {
    const a = { text: 'Habari yako!', spans: [] }
    const b = { text: 'habari yako', spans: [{ start: 0, end: 2, lang: 'sw' }] }
    expect(tagAgreement(a, b, 'sw')).toEqual({ compared: 2, differing: 0, rate: 0 })
  })

  it('is 0 of 0 when the versions share no word, and sums counts before the rate', () => {
    expect(tagAgreement({ text: '', spans: [] }, { text: 'ndiyo', spans: [] }, 'sw')).toEqual({
      compared: 0,
      differing: 0,
      rate: 0,
    })
    expect(
      sumTagAgreement([
        { compared: 1, differing: 1, rate: 1 },
        { compared: 3, differing: 0, rate: 0 },
      ]),
    ).toEqual({ compared: 4, differing: 1, rate: 0.25 })
  })
})
