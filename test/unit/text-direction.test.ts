import { describe, expect, it } from 'vitest'
import { textDirection } from '../../src/shared/text/direction'

describe('the direction a transcript is shown in', () => {
  it('is right to left for Arabic, Urdu, Persian and Hebrew, with or without a region', () => {
    for (const tag of ['ar', 'ur', 'fa', 'he', 'ar-EG', 'fa_IR', 'ckb', 'AR'])
      expect(textDirection(tag)).toBe('rtl')
  })

  it('follows a script subtag where there is one', () => {
    expect(textDirection('ur-Latn')).toBe('ltr')
    expect(textDirection('sw-Arab')).toBe('rtl')
    expect(textDirection('ha-Arab-NG')).toBe('rtl')
    expect(textDirection('hi-Deva')).toBe('ltr')
  })

  it('leaves the text to decide for other languages and for none', () => {
    for (const tag of ['sw', 'en', 'hi-en', 'am', 'und', '', null, undefined])
      expect(textDirection(tag)).toBe('auto')
  })
})
