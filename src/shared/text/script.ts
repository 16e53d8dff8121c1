/** Scripts of South-East Asia written without spaces between words. */
const SOUTHEAST_ASIAN_UNSPACED = [
  'Thai',
  'Lao',
  'Khmer',
  'Myanmar',
  'Tai_Tham',
  'Tai_Le',
  'New_Tai_Lue',
  'Tai_Viet',
  'Balinese',
  'Javanese',
] as const
/** East Asian scripts written without spaces between words (Hangul is written with them). */
const EAST_ASIAN_UNSPACED = ['Han', 'Hiragana', 'Katakana', 'Bopomofo'] as const

/**
 * The writing system of each token, from the Unicode Script property (docs/metrics.md). A
 * token's script is the one most of its letters are in; characters shared between scripts
 * (Common: digits, punctuation, the danda; Inherited: combining marks, joiners) never decide.
 */
export const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Georgian',
  'Hebrew',
  'Arabic',
  'Syriac',
  'Thaana',
  'Nko',
  'Devanagari',
  'Bengali',
  'Gurmukhi',
  'Gujarati',
  'Oriya',
  'Tamil',
  'Telugu',
  'Kannada',
  'Malayalam',
  'Sinhala',
  'Ol_Chiki',
  'Meetei_Mayek',
  'Chakma',
  'Lepcha',
  'Limbu',
  'Tibetan',
  ...SOUTHEAST_ASIAN_UNSPACED,
  'Sundanese',
  ...EAST_ASIAN_UNSPACED,
  'Hangul',
  'Yi',
  'Mongolian',
  'Ethiopic',
  'Tifinagh',
  'Vai',
  'Bamum',
  'Adlam',
  'Osage',
  'Mende_Kikakui',
  'Cherokee',
  'Canadian_Aboriginal',
] as const

export type Script = (typeof SCRIPTS)[number]

/** The scripts written without spaces between words (scriptio continua), for error rates. */
export const UNSPACED_SCRIPTS: readonly Script[] = [
  ...EAST_ASIAN_UNSPACED,
  'Yi',
  ...SOUTHEAST_ASIAN_UNSPACED,
]

/**
 * A token's script: one of SCRIPTS; 'Common' when it has no letters of any script (numbers,
 * symbols); 'Mixed' when no script has more than half its letters; 'Other' for a script not
 * in the list.
 */
export type TokenScript = Script | 'Common' | 'Mixed' | 'Other'

type CharScript = Script | 'Common' | 'Inherited' | 'Other'

const matchers: [Script, RegExp][] = SCRIPTS.map((s) => [s, new RegExp(`^\\p{Script=${s}}$`, 'u')])
const common = /^\p{Script=Common}$/u
const inherited = /^\p{Script=Inherited}$/u
/** Code point → script, filled as characters are met; bounded by the characters in use. */
const cache = new Map<number, CharScript>()

export function charScript(char: string): CharScript {
  const cp = char.codePointAt(0) ?? 0
  const known = cache.get(cp)
  if (known) return known
  let script: CharScript = 'Other'
  if (common.test(char)) script = 'Common'
  else if (inherited.test(char)) script = 'Inherited'
  else script = matchers.find(([, re]) => re.test(char))?.[0] ?? 'Other'
  cache.set(cp, script)
  return script
}

/** How many of a token's characters are in each script, Common and Inherited left out. */
export function scriptCounts(token: string): Map<Script | 'Other', number> {
  const counts = new Map<Script | 'Other', number>()
  for (const char of token) {
    const s = charScript(char)
    if (s === 'Common' || s === 'Inherited') continue
    counts.set(s, (counts.get(s) ?? 0) + 1)
  }
  return counts
}

export function tokenScript(token: string): TokenScript {
  const counts = scriptCounts(token)
  let total = 0
  let best: Script | 'Other' | null = null
  let bestCount = 0
  for (const [s, n] of counts) {
    total += n
    if (n > bestCount) [best, bestCount] = [s, n]
  }
  if (best === null) return 'Common'
  return bestCount * 2 > total ? best : 'Mixed'
}

/** The script of each whitespace-separated token of a text, in order. */
export function tokenScripts(text: string): { token: string; script: TokenScript }[] {
  return text
    .split(/\s+/u)
    .filter(Boolean)
    .map((token) => ({ token, script: tokenScript(token) }))
}
