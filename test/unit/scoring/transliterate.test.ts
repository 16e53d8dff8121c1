import { describe, expect, it } from 'vitest'
import { comparisonKey, phoneticKey } from '../../../src/shared/text/phonetic-key'
import { fromRoman, romanize } from '../../../src/shared/text/transliterate'

describe('romanisation for display', () => {
  it('writes Hindi in ISO 15919, nukta letters and ऑ included, and leaves other scripts alone', () => {
    expect(romanize('मुझे कल office जाना है')).toBe('mujhē kala office jānā hai')
    expect(romanize('ज़िंदगी ऑफ़िस पढ़ना')).toBe('ziṁdagī ôfisa paṛhanā')
    // The nukta as NFC spells it (two characters) and as one code point read the same.
    expect(romanize('\u0915\u093Cिला')).toBe(romanize('\u0958िला'))
  })

  it('has a loose ASCII form without length marks or the final inherent vowel', () => {
    expect(romanize('ऑफिस कंप्यूटर मीटिंग घर', 'loose')).toBe('ophis kampyutar miting ghar')
    expect(romanize('अच्छा मैं हूँ', 'loose')).toBe('achchha main hun')
  })

  it('reads the other Indic scripts Sanscript supports', () => {
    expect(romanize('বাবা', 'loose')).toBe('baba') // Bengali ব is b, not Sanscript's v
    expect(romanize('ਸ਼ਹਿਰ', 'loose')).toBe('shahir')
    expect(romanize('கம்ப்யூட்டர்', 'loose')).toBe('kampyuttar') // not Sanscript's ghambhy…
    expect(romanize('കമ്പ്യൂട്ടർ', 'loose')).toBe('kampyuttar') // chillu ർ
    expect(romanize('ગુજરાતી')).toBe('gujarātī')
  })

  it('offers Sanscript’s other schemes without leaking Devanagari', () => {
    expect(romanize('ऑफ़िस कृष्ण', 'iast')).toBe('ofisa kṛṣṇa')
    expect(romanize('ऑफ़िस कृष्ण', 'itrans')).toBe('ofisa kRRiShNa')
  })

  it('romanises every Devanagari consonant with a nukta in every scheme, leaving nothing behind', () => {
    const leftovers: string[] = []
    for (let c = 0x0915; c <= 0x0939; c++)
      for (const sign of ['', 'ि', 'ा'])
        for (const scheme of ['iso', 'iast', 'itrans', 'hk', 'loose'] as const) {
          const word = String.fromCodePoint(c) + '\u093C' + sign
          const roman = romanize(word, scheme)
          // No Devanagari and none of the private stand-ins used for nukta letters.
          if (/[\u0900-\u097F\uE000-\uF8FF]/u.test(roman)) leftovers.push(`${word} ${scheme}`)
        }
    expect(leftovers).toEqual([])
  })

  it('writes Latin input in an Indic script, without a final virama by default', () => {
    expect(fromRoman('ghar jaanaa hai', 'Devanagari')).toBe('घर जाना है')
    expect(fromRoman('ghar', 'Devanagari', 'itrans', { finalVirama: true })).toBe('घर्')
    expect(fromRoman('ghar', 'Bengali')).toBe('ঘর')
  })
})

describe('comparison key for transliteration-normalised scoring', () => {
  it.each([
    ['ऑफिस', 'office'],
    ['कंप्यूटर', 'computer'],
    ['मीटिंग', 'meeting'],
    ['डॉक्टर', 'doctor'],
    ['टीचर', 'teacher'],
    ['फ़ोन', 'phone'],
    ['स्टेशन', 'station'],
    ['स्कूल', 'school'],
    ['इंटरनेट', 'internet'],
    ['প্রজেক্ট', 'project'],
    ['घर', 'ghar'],
    ['२४', '24'],
  ])('%s and %s share a key', (indic, latin) => {
    expect(comparisonKey(indic)).toBe(comparisonKey(latin))
  })

  it.each([
    ['घर', 'office'],
    ['मैनेजर', 'manager'], // soft g: a known miss
    ['ஆபீஸ்', 'office'], // Tamil has no f: a known miss
  ])('%s and %s do not', (indic, latin) => {
    expect(comparisonKey(indic)).not.toBe(comparisonKey(latin))
  })

  it('builds the documented skeleton', () => {
    expect(phoneticKey('office')).toBe('afs')
    expect(phoneticKey('computer')).toBe('kmptr')
    expect(phoneticKey('Knife')).toBe('nf')
    expect(phoneticKey('whatsapp')).toBe('vtsp')
    expect(phoneticKey('zindagi')).toBe('jndg')
    expect(phoneticKey('2024')).toBe('2024')
  })

  it('makes different words meet when they share consonants (a documented false match)', () => {
    expect(comparisonKey('कल')).toBe(comparisonKey('cool')) // "kal" (yesterday) ≠ "cool"
  })

  it('leaves scripts it cannot romanise as they are', () => {
    expect(comparisonKey('سلام')).toBe('سلام')
    expect(comparisonKey('東京')).toBe('東京')
  })
})
