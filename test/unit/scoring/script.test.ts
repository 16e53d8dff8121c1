import { describe, expect, it } from 'vitest'
import { mixedTokens, mixedUnits } from '../../../src/shared/text/segment'
import { scriptCounts, tokenScript, tokenScripts } from '../../../src/shared/text/script'

describe('script per token', () => {
  it.each([
    ['office', 'Latin'],
    ['café', 'Latin'],
    ['ऑफिस', 'Devanagari'],
    ['क़िला', 'Devanagari'],
    ['বাংলা', 'Bengali'],
    ['ਪੰਜਾਬੀ', 'Gurmukhi'],
    ['தமிழ்', 'Tamil'],
    ['سلام', 'Arabic'],
    ['שלום', 'Hebrew'],
    ['Привет', 'Cyrillic'],
    ['Ελλάδα', 'Greek'],
    ['東京', 'Han'],
    ['ひらがな', 'Hiragana'],
    ['コーヒー', 'Katakana'],
    ['한국어', 'Hangul'],
    ['ภาษาไทย', 'Thai'],
    ['ሰላም', 'Ethiopic'],
    ['ᏣᎳᎩ', 'Cherokee'],
    ['ᚠᚢᚦ', 'Other'],
  ])('%s is %s', (token, script) => {
    expect(tokenScript(token)).toBe(script)
  })

  it('lets neither digits, punctuation nor combining marks decide', () => {
    expect(tokenScript('24')).toBe('Common')
    expect(tokenScript('।')).toBe('Common')
    expect(tokenScript('ऑफिस24')).toBe('Devanagari')
    expect(tokenScript('e\u0301\u0301')).toBe('Latin')
    expect(scriptCounts('a\u0301b1-')).toEqual(new Map([['Latin', 2]]))
  })

  it('takes the script of more than half the letters, else Mixed', () => {
    expect(tokenScript('abवाला')).toBe('Devanagari') // 2 Latin, 4 Devanagari
    expect(tokenScript('abcवाल')).toBe('Mixed') // 3 and 3
    expect(tokenScript('東京タワー')).toBe('Mixed') // 2 Han, 2 Katakana (ー is shared)
    expect(tokenScripts('मुझे office 24')).toEqual([
      { token: 'मुझे', script: 'Devanagari' },
      { token: 'office', script: 'Latin' },
      { token: '24', script: 'Common' },
    ])
  })
})

describe('MER units', () => {
  it('splits scripts written without spaces into characters and keeps words whole', () => {
    expect(mixedUnits('私はofficeに行きます')).toEqual([
      '私',
      'は',
      'office',
      'に',
      '行',
      'き',
      'ま',
      'す',
    ])
    expect(mixedUnits('コーヒー')).toEqual(['コ', 'ー', 'ヒ', 'ー'])
    // A Thai vowel sign stays on its consonant.
    expect(mixedUnits('ที่นี่')).toEqual(['ที่', 'นี่'])
    expect(mixedUnits('ऑफिस')).toEqual(['ऑफिस'])
  })

  it('normalises first, with the same rules as words', () => {
    expect(mixedTokens('私は、Office に 行きます。')).toEqual([
      '私',
      'は',
      'office',
      'に',
      '行',
      'き',
      'ま',
      'す',
    ])
  })
})
