import { describe, expect, it } from 'vitest'
import {
  characters,
  normalize,
  normalizationRulesSchema,
  normalizeChars,
  normalizeForScoring,
  normalizeWords,
  recommendedRules,
  scoringDefaults,
  words,
  type NormalizationRules,
} from '../../../src/shared/text/normalize'

/** normalizeForScoring as it was before rules existed, verbatim: the default must not drift. */
function before(text: string): string {
  const wordChar = /[\p{L}\p{M}\p{N}]/u
  const lowered = text.normalize('NFC').toLowerCase().replace(/’/g, "'")
  return lowered
    .replace(/[\p{P}\p{S}]/gu, (mark, at: number) => {
      const inWord = wordChar.test(lowered[at - 1] ?? '') && wordChar.test(lowered[at + 1] ?? '')
      return inWord && (mark === "'" || mark === '-') ? mark : ' '
    })
    .replace(/\s+/gu, ' ')
    .trim()
}

const rules = (r: Partial<NormalizationRules>): NormalizationRules => ({ ...scoringDefaults, ...r })

const NUKTA_KA = {
  precomposed: '\u0958', // क़ as one code point (composition-excluded)
  sequence: '\u0915\u093C', // क + nukta
  nfc: '\u0958'.normalize('NFC'), // what NFC makes of the precomposed letter
}

describe('default rules keep what scoring always did', () => {
  const texts = [
    '  Habari, Mama!  "Umeamkaje" leo?',
    "Don’t co-operate - 'quoted'",
    'cafe\u0301 \u0958िला मुझे कल office जाना है। 24 घंटे',
    'क्\u200Dष می\u200Cخواهم كتاب ٣٥ ۴۶ २४',
    'ÀÉÎ\tİstanbul—straße…',
    '私はofficeに行きます。コーヒー、ください！',
  ]
  it.each(texts)('%s', (text) => {
    expect(normalizeForScoring(text)).toBe(before(text))
    expect(normalize(text)).toBe(before(text))
    expect(words(text)).toEqual(before(text) ? before(text).split(' ') : [])
    expect(characters(text)).toEqual(Array.from(before(text)))
  })
})

describe('nukta letters', () => {
  it('are one word whichever way they were typed, under every rule set', () => {
    for (const r of [scoringDefaults, recommendedRules, rules({ nukta: 'strip' })]) {
      const spellings = Object.values(NUKTA_KA).map((ka) => normalize(`${ka}िला`, r))
      expect(new Set(spellings).size).toBe(1)
    }
    expect(NUKTA_KA.nfc).toBe(NUKTA_KA.sequence) // NFC decomposes it: the brief's third spelling
  })

  it('covers Bengali, Gurmukhi and Odia nukta letters too', () => {
    const pairs = [
      ['\u09DC', '\u09A1\u09BC'], // ড়
      ['\u09DF', '\u09AF\u09BC'], // য়
      ['\u0A36', '\u0A38\u0A3C'], // ਸ਼
      ['\u0A5B', '\u0A1C\u0A3C'], // ਜ਼
      ['\u0B5C', '\u0B21\u0B3C'], // ଡ଼
    ]
    for (const [precomposed, sequence] of pairs)
      expect(normalize(precomposed!, recommendedRules)).toBe(normalize(sequence!, recommendedRules))
  })

  it("'unify' also moves a nukta typed after the vowel sign back to its consonant", () => {
    const typedLate = 'क\u093F\u093Cला' // क ि ़ ला: NFC leaves this order alone
    expect(normalize(typedLate)).not.toBe(normalize('क़िला'))
    expect(normalize(typedLate, rules({ nukta: 'unify' }))).toBe(normalize('क़िला'))
    expect(normalize('ज\u093C\u093Cरा', rules({ nukta: 'unify' }))).toBe(normalize('ज़रा'))
  })

  it("'strip' makes ज़िंदगी and जिंदगी one word", () => {
    expect(normalize('ज़िंदगी', rules({ nukta: 'strip' }))).toBe('जिंदगी')
    expect(normalize('ज़िंदगी')).not.toBe('जिंदगी')
  })
})

describe('the other rules', () => {
  it('removes zero-width joiners when asked', () => {
    const persian = 'می\u200Cخواهم'
    expect(normalize(persian, rules({ joiners: 'remove' }))).toBe('میخواهم')
    expect(normalize(persian)).toBe(persian)
    expect(normalize('क्\u200Dष', rules({ joiners: 'remove' }))).toBe(normalize('क्ष'))
  })

  it('unifies Arabic-script yeh and kaf in either direction', () => {
    const arabicKeyboard = 'كتاب علي مصطفى'
    const persianKeyboard = 'کتاب علی مصطفی'
    expect(normalize(arabicKeyboard, rules({ arabicLetters: 'persian' }))).toBe(persianKeyboard)
    expect(normalize(persianKeyboard, rules({ arabicLetters: 'arabic' }))).toBe('كتاب علي مصطفي')
    expect(normalize(arabicKeyboard)).not.toBe(normalize(persianKeyboard))
  })

  it('maps native digits to ASCII when asked', () => {
    const digits = '२०२४ ٣٥ ۴۶ ৭৮ ๑๒ １２ 9'
    expect(normalize(digits, rules({ numerals: 'ascii' }))).toBe('2024 35 46 78 12 12 9')
    expect(normalize(digits)).toBe(digits)
  })

  it('can keep case and punctuation (for storing what the annotator typed)', () => {
    const r = rules({ caseFold: false, punctuation: 'keep' })
    expect(normalize('  Haan, ठीक   है।  OK? ', r)).toBe('Haan, ठीक है। OK?')
    expect(normalizeWords('Haan, ठीक है।', r)).toEqual(['Haan,', 'ठीक', 'है।'])
  })

  it('gives words and characters under the same rules', () => {
    expect(normalizeWords('२४ घंटे, OK', recommendedRules)).toEqual(['24', 'घंटे', 'ok'])
    expect(normalizeChars('Ab, c', recommendedRules)).toEqual(['a', 'b', ' ', 'c'])
    expect(normalizeWords(' ,. ')).toEqual([])
  })

  it('reads stored rules, filling gaps with the scoring defaults and refusing unknown ones', () => {
    expect(normalizationRulesSchema.parse({})).toEqual(scoringDefaults)
    expect(normalizationRulesSchema.parse({ nukta: 'strip' }).nukta).toBe('strip')
    expect(() => normalizationRulesSchema.parse({ nukta: 'drop' })).toThrow()
    expect(() => normalizationRulesSchema.parse({ accents: 'strip' })).toThrow()
  })
})
