import Sanscript from '@indic-transliteration/sanscript'
import { charScript, type Script } from './script'

/**
 * Indic scripts ↔ Latin with @indic-transliteration/sanscript, for "show romanised" and for
 * transliteration-normalised scoring (docs/metrics.md). Other scripts pass through unchanged.
 */
export const INDIC_SCHEMES = {
  Devanagari: 'devanagari',
  Bengali: 'bengali',
  Gurmukhi: 'gurmukhi',
  Gujarati: 'gujarati',
  Oriya: 'oriya',
  Tamil: 'tamil',
  Telugu: 'telugu',
  Kannada: 'kannada',
  Malayalam: 'malayalam',
} as const satisfies Partial<Record<Script, string>>

export type IndicScript = keyof typeof INDIC_SCHEMES

/**
 * Latin schemes: ISO 15919 (covers Hindi's nukta letters and ऑ/ॅ, unlike IAST), IAST, ITRANS,
 * Harvard-Kyoto, and 'loose': ASCII the way people type Hindi in chats (no length marks, the
 * final inherent vowel dropped: ऑफिस → ophis, कंप्यूटर → kampyutar).
 */
export type RomanScheme = 'iso' | 'iast' | 'itrans' | 'hk' | 'loose'

export function isIndicScript(script: string): script is IndicScript {
  return Object.hasOwn(INDIC_SCHEMES, script)
}

/** Each Indic-script stretch of the text in a Latin scheme; everything else as it was. */
export function romanize(text: string, scheme: RomanScheme = 'iso'): string {
  let out = ''
  let run = ''
  let runScript: IndicScript | null = null
  const flush = (): void => {
    if (run && runScript) out += romanizeRun(run, runScript, scheme)
    else out += run
    run = ''
  }
  for (const char of text) {
    const s = charScript(char)
    // Combining marks and joiners belong to the letter before them.
    const script: IndicScript | null =
      s === 'Inherited' && runScript ? runScript : isIndicScript(s) ? s : null
    if (script !== runScript) {
      flush()
      runScript = script
    }
    run += char
  }
  flush()
  return out
}

/**
 * Latin text in a scheme (ITRANS by default) written in an Indic script, word by word. With
 * `finalVirama` false (the default) a word ending in a consonant gets no virama, as Hindi is
 * written: "ghar" → घर, not घर्.
 */
export function fromRoman(
  text: string,
  script: IndicScript,
  scheme: Exclude<RomanScheme, 'loose'> = 'itrans',
  { finalVirama = false } = {},
): string {
  return Sanscript.t(text, scheme, INDIC_SCHEMES[script], { syncope: !finalVirama })
}

function romanizeRun(run: string, script: IndicScript, scheme: RomanScheme): string {
  const target = scheme === 'loose' ? 'iso' : scheme
  const roman = Sanscript.t(prepareFor(toDevanagari(run, script), target), NUKTA_SCHEME, target)
  return scheme === 'loose' ? looseFromIso(roman) : roman
}

/**
 * Sanscript converts between Indic scripts letter by letter but knows no nukta outside
 * Devanagari, so the script's own nukta sign becomes Devanagari's first. Its Sanskrit-minded
 * tables need corrections for the modern languages: Bengali has one letter for b and v,
 * and says b; Punjabi ਸ਼ is sh and ਲ਼ is ḷ; Malayalam's chillu letters are unknown to it; Tamil, whose one letter each stands for k/g,
 * t/d, p/b, comes back from Sanscript as the voiced aspirate (க → घ), so Tamil goes by the
 * Unicode blocks' shared layout instead (க U+0B95 → क U+0915).
 */
function toDevanagari(run: string, script: IndicScript): string {
  const block = scriptBlock[script]
  if (script === 'Devanagari') return run
  if (script === 'Tamil') {
    return run.replace(/[\u0B80-\u0BFF]/gu, (c) =>
      String.fromCodePoint(c.codePointAt(0)! - block + 0x0900),
    )
  }
  const nukta = String.fromCodePoint(0x093c - 0x0900 + block)
  const source = run.replaceAll(nukta, '\u093C').replace(/[\u0D7A-\u0D7F]/gu, (c) => chillu[c] ?? c)
  const dev = Sanscript.t(source, INDIC_SCHEMES[script], 'devanagari')
  if (script === 'Bengali') return dev.replaceAll('व', 'ब')
  if (script === 'Gurmukhi') return dev.replaceAll('स\u093C', 'श').replaceAll('ल\u093C', 'ळ')
  return dev
}

/** Malayalam's chillu letters are a consonant without its vowel, which Sanscript does not know. */
const chillu: Record<string, string> = {
  '\u0D7A': 'ണ്',
  '\u0D7B': 'ന്',
  '\u0D7C': 'ര്',
  '\u0D7D': 'ല്',
  '\u0D7E': 'ള്',
  '\u0D7F': 'ക്',
}

const scriptBlock: Record<IndicScript, number> = {
  Devanagari: 0x0900,
  Bengali: 0x0980,
  Gurmukhi: 0x0a00,
  Gujarati: 0x0a80,
  Oriya: 0x0b00,
  Tamil: 0x0b80,
  Telugu: 0x0c00,
  Kannada: 0x0c80,
  Malayalam: 0x0d00,
}

/**
 * Nukta letters. NFC text spells most of them as consonant + ़ (two characters), and Sanscript
 * reads Brahmic text one character at a time, so "ज़" would come out as "ja" and a stray
 * mark. A private copy of its Devanagari scheme gives each nukta letter a single stand-in
 * character (from the Private Use Area) under Sanscript's own key for the letter, so the
 * target scheme's spelling of it (ISO: z, f, q, ṛ, …) is used.
 */
const NUKTA_SCHEME = 'sauti_devanagari'
/** NFC pair (consonant + ़) → Sanscript key (schemes spell some keys precomposed) → stand-in. */
let standIns: Map<string, Map<string, string>> | null = null

function nuktaStandIns(): Map<string, Map<string, string>> {
  if (standIns) return standIns
  const devanagari = Sanscript.schemes.devanagari!
  const extra: Record<string, string> = { ...devanagari.extra_consonants }
  const map = new Map<string, Map<string, string>>()
  const keys = new Set(
    Object.values(Sanscript.schemes).flatMap((s) => Object.keys(s.extra_consonants ?? {})),
  )
  let next = 0xe000
  for (const key of keys) {
    const nfc = key.normalize('NFC')
    if ([...nfc].length !== 2 || !nfc.endsWith('\u093C')) continue
    const standIn = String.fromCodePoint(next++)
    extra[key] = standIn
    map.set(nfc, (map.get(nfc) ?? new Map<string, string>()).set(key, standIn))
  }
  const scheme = Object.fromEntries(
    Object.entries(devanagari).filter(([group]) => group !== 'alternates'),
  )
  Sanscript.addBrahmicScheme(NUKTA_SCHEME, { ...scheme, extra_consonants: extra })
  standIns = map
  return map
}

/**
 * Prepares Devanagari for a target scheme: nukta letters as stand-ins where the target spells
 * them, else as the plain letter; ऑ and ॅ (English "o" in "office", "a" in "bank") as ओ and
 * ए where the target has no letter for them (IAST, ITRANS, Harvard-Kyoto).
 */
function prepareFor(dev: string, target: string): string {
  const map = nuktaStandIns()
  const scheme = Sanscript.schemes[target] ?? {}
  const spelled = scheme.extra_consonants ?? {}
  const standInFor = (pair: string, base: string): string => {
    for (const [key, standIn] of map.get(pair) ?? []) if (spelled[key]) return standIn
    return base
  }
  let text = dev
    .normalize('NFC')
    .replace(/([\u0915-\u0939])\u093C/gu, (pair: string, base: string) => standInFor(pair, base))
    .replace(/\u093C/gu, '')
    // The three nukta letters NFC composes (ऩ ऱ ऴ) as their plain letter where unspelled.
    .replace(/[\u0929\u0931\u0934]/gu, (c) => (spelled[c] ? c : c.normalize('NFD')[0]!))
  if (!scheme.vowels?.['ऑ']) text = text.replace(/ऑ/gu, 'ओ').replace(/ॉ/gu, 'ो')
  if (!scheme.vowels?.['ऍ']) text = text.replace(/ऍ/gu, 'ए').replace(/ॅ/gu, 'े')
  return text
}

/** ISO 15919 vowels; r̥ and l̥ are vocalic by their ring below (U+0325). */
const isoVowel = /[aāiīuūeēoōêô]|\u0325/u
const labial = /^[pbm]/u

/**
 * ISO 15919 → plain ASCII as Hindi is commonly typed: the final inherent vowel dropped (Hindi
 * does not pronounce it: घर is "ghar"), length and dots removed, anusvara as m before p, b, m
 * and n elsewhere, ś and ṣ as sh, c as ch.
 */
export function looseFromIso(iso: string): string {
  return iso
    .normalize('NFC')
    .split(/(\s+)/u)
    .map((word) => {
      let w = word
      if (w.endsWith('a') && !isoVowel.test(w.at(-2) ?? 'a') && isoVowel.test(w.slice(0, -1)))
        w = w.slice(0, -1)
      w = w
        .replace(/[ṁṃ](.?)/gu, (_, next: string) => (labial.test(next) ? 'm' : 'n') + next)
        .replace(/m\u0310/gu, 'n')
        .replace(/r\u0325\u0304?/gu, 'ri')
        .replace(/l\u0325\u0304?/gu, 'li')
        .replace(/c/gu, 'ch')
        .replace(/[śṣ]/gu, 'sh')
        .replace(/ʦ/gu, 'ts')
        .replace(/ž/gu, 'zh')
      return w
        .normalize('NFD')
        .replace(/\p{M}/gu, '')
        .toLowerCase()
        .replace(/[^a-z0-9'\s-]/gu, '')
    })
    .join('')
}
