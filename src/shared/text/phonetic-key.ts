import { tokenScript } from './script'
import { isIndicScript, romanize } from './transliterate'

/**
 * A rough sound skeleton of a Latin-script word, so that an English word written in Devanagari
 * and its English spelling meet: "ऑफिस" → ophis → afs, "office" → afs. The rules are in
 * docs/metrics.md with the false matches they cause; they are deliberately few. In order:
 *
 * 1. ASCII letters and digits only, lower case (diacritics dropped).
 * 2. Spelling that English writes one way and Hindi romanisation another: initial kn → n,
 *    wr → r; tion → shon; sch → sk; ck → k; ph → f.
 * 3. ch and sh are one sound each; h after a consonant (Hindi aspiration: kh, gh, th, dh, bh,
 *    jh; English th, wh) is dropped.
 * 4. c before e, i, y → s, other c → k; q → k; x → ks; z → j; w → v.
 * 5. Doubled letters once.
 * 6. Vowels dropped (y counts as one except first), except that a word starting with a vowel
 *    keeps one "a" for it.
 */
export function phoneticKey(word: string): string {
  let w = asciiFold(word)
  if (!/[a-z]/.test(w)) return w
  w = w
    .replace(/^kn/, 'n')
    .replace(/^wr/, 'r')
    .replace(/tion/g, 'shon')
    .replace(/sch/g, 'sk')
    .replace(/ck/g, 'k')
    .replace(/ph/g, 'f')
    .replace(/ch/g, 'C')
    .replace(/sh/g, 'S')
    .replace(/([bdgjkprtwCS])h/g, '$1')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/c/g, 'k')
    .replace(/q/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/z/g, 'j')
    .replace(/w/g, 'v')
    .replace(/(.)\1+/g, '$1')
  const first = /[aeiou]/.test(w[0]!) ? 'a' : w[0]!
  return first + w.slice(1).replace(/[aeiouy]/g, '')
}

const special: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ł: 'l',
  þ: 'th',
  ð: 'd',
  ı: 'i',
}

function asciiFold(word: string): string {
  return word
    .toLowerCase()
    .replace(/[ßæœøđłþðı]/g, (c) => special[c] ?? c)
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '')
}

/**
 * The key a token is compared by in transliteration-normalised scoring: Indic-script text is
 * romanised loosely first (its digits become ASCII), then Latin text gets its phonetic key.
 * Tokens in other scripts (Arabic, Han, …), which Sauti cannot romanise, are their own key.
 */
export function comparisonKey(token: string): string {
  const script = tokenScript(token)
  if (script === 'Latin') return phoneticKey(token)
  if (!isIndicScript(script) && script !== 'Mixed') return token
  const roman = romanize(token, 'loose')
  const romanScript = tokenScript(roman)
  if (romanScript === 'Latin') return phoneticKey(roman)
  return romanScript === 'Common' ? roman : token
}
