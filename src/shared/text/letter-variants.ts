/**
 * The spelling variants that Unicode normalisation (NFC) leaves alone, for the rules in
 * normalize.ts. Each function expects NFC text and may need NFC again afterwards.
 */

/**
 * Nukta signs of the Indic scripts that have one. NFC already makes both spellings of a nukta
 * letter one (the precomposed क़ U+0958 decomposes to क + ़, because it is excluded from
 * composition), but it never reorders a nukta typed after a vowel sign (both have combining
 * class 0 or are blocked by one), which is how some keyboards produce "कि़" for "क़ि".
 */
const NUKTA = '\u093C\u09BC\u0A3C\u0ABC\u0B3C\u0C3C\u0CBC'
const nuktaAfterSigns = new RegExp(`([\\p{Mc}\\p{Mn}]+?)([${NUKTA}]+)`, 'gu')
const nuktaRun = new RegExp(`([${NUKTA}])[${NUKTA}]+`, 'gu')
const anyNukta = new RegExp(`[${NUKTA}]`, 'gu')

/** Moves a nukta typed after its consonant's vowel signs back onto the consonant; one nukta only. */
export function unifyNukta(text: string): string {
  return text
    .replace(nuktaAfterSigns, (_, signs: string, nukta: string) => nukta + signs)
    .replace(nuktaRun, '$1')
}

/** Drops every nukta: ज़िंदगी and जिंदगी become one word, as many writers of Hindi spell it. */
export function stripNukta(text: string): string {
  return text.replace(anyNukta, '')
}

/** Zero-width joiner and non-joiner: they change how letters join on screen, not the word. */
export function removeJoiners(text: string): string {
  return text.replace(/[\u200C\u200D]/gu, '')
}

/**
 * Arabic-script letters that keyboards and fonts interchange. Persian and Urdu write yeh as
 * U+06CC and kaf as U+06A9; Arabic writes U+064A (and alef maksura U+0649, often typed for
 * final yeh) and U+0643. Text typed on the other language's keyboard looks the same and
 * differs in every byte.
 */
const toPersian: Record<string, string> = {
  '\u064A': '\u06CC',
  '\u0649': '\u06CC',
  '\u0643': '\u06A9',
}
const toArabic: Record<string, string> = {
  '\u06CC': '\u064A',
  '\u0649': '\u064A',
  '\u06A9': '\u0643',
}

export function unifyArabicLetters(text: string, target: 'persian' | 'arabic'): string {
  const table = target === 'persian' ? toPersian : toArabic
  return text.replace(/[\u0643\u0649\u064A\u06A9\u06CC]/gu, (c) => table[c] ?? c)
}

const decimalDigit = /\p{Nd}/u

/**
 * Native decimal digits (Devanagari ०-९, Arabic-Indic ٠-٩, Extended Arabic-Indic ۰-۹, Bengali,
 * Thai, fullwidth, …) as ASCII. Unicode encodes every script's decimal digits as contiguous
 * runs of ten from 0 to 9, so a digit's value is its distance from the start of its run
 * modulo ten; no table of scripts to keep up to date.
 */
export function asciiDigits(text: string): string {
  return text.replace(/\p{Nd}/gu, (digit) => {
    const cp = digit.codePointAt(0)!
    if (cp <= 0x39) return digit
    let start = cp
    while (decimalDigit.test(String.fromCodePoint(start - 1))) start--
    return String((cp - start) % 10)
  })
}
