import { z } from 'zod'
import {
  asciiDigits,
  removeJoiners,
  stripNukta,
  unifyArabicLetters,
  unifyNukta,
} from './letter-variants'

/**
 * Text normalisation, one function for storing, searching and scoring (docs/metrics.md), so a
 * word found by search is the word the scorer counts. Unicode NFC always; the rest is a
 * project's choice, because what is "the same word" differs between languages.
 */
export interface NormalizationRules {
  /**
   * Indic nukta. 'keep': as NFC spells it (NFC already unifies precomposed क़ and क + ़);
   * 'unify': also a nukta typed after a vowel sign moves back to its consonant, doubled ones
   * collapse; 'strip': nukta removed, so ज़िंदगी = जिंदगी.
   */
  nukta: 'keep' | 'unify' | 'strip'
  /** Zero-width joiner and non-joiner (U+200D, U+200C). */
  joiners: 'keep' | 'remove'
  /** Arabic-script yeh and kaf: as typed, or all in their Persian/Urdu or Arabic forms. */
  arabicLetters: 'keep' | 'persian' | 'arabic'
  /** Lower case, locale-independent. */
  caseFold: boolean
  /**
   * 'remove': Unicode punctuation and symbols become spaces, except an apostrophe or hyphen
   * between two letters or digits ("don't", "co-operate"); ’ counts as '.
   */
  punctuation: 'remove' | 'keep'
  /** 'ascii': native decimal digits (०-९, ٠-٩, ۰-۹, …) as 0-9. */
  numerals: 'keep' | 'ascii'
}

/** What scoring has always done; the default wherever no project rules are given. */
export const scoringDefaults: Readonly<NormalizationRules> = Object.freeze({
  nukta: 'keep',
  joiners: 'keep',
  arabicLetters: 'keep',
  caseFold: true,
  punctuation: 'remove',
  numerals: 'keep',
})

/** A sensible start for a new project with Indic or Arabic-script languages. */
export const recommendedRules: Readonly<NormalizationRules> = Object.freeze({
  ...scoringDefaults,
  nukta: 'unify',
  joiners: 'remove',
  numerals: 'ascii',
})

/** A project's stored rules: any rule left out takes its scoring default. */
export const normalizationRulesSchema = z
  .object({
    nukta: z.enum(['keep', 'unify', 'strip']).default(scoringDefaults.nukta),
    joiners: z.enum(['keep', 'remove']).default(scoringDefaults.joiners),
    arabicLetters: z.enum(['keep', 'persian', 'arabic']).default(scoringDefaults.arabicLetters),
    caseFold: z.boolean().default(scoringDefaults.caseFold),
    punctuation: z.enum(['remove', 'keep']).default(scoringDefaults.punctuation),
    numerals: z.enum(['keep', 'ascii']).default(scoringDefaults.numerals),
  })
  .strict()

const wordChar = /[\p{L}\p{M}\p{N}]/u

export function normalize(text: string, rules: NormalizationRules = scoringDefaults): string {
  let t = text.normalize('NFC')
  if (rules.joiners === 'remove') t = removeJoiners(t)
  if (rules.nukta !== 'keep') {
    t = (rules.nukta === 'strip' ? stripNukta(t) : unifyNukta(t)).normalize('NFC')
  }
  if (rules.arabicLetters !== 'keep') t = unifyArabicLetters(t, rules.arabicLetters)
  if (rules.numerals === 'ascii') t = asciiDigits(t)
  if (rules.caseFold) t = t.toLowerCase()
  if (rules.punctuation === 'remove') t = removePunctuation(t)
  return t.replace(/\s+/gu, ' ').trim()
}

function removePunctuation(text: string): string {
  const t = text.replace(/’/g, "'")
  return t.replace(/[\p{P}\p{S}]/gu, (mark, at: number) => {
    const inWord = wordChar.test(t[at - 1] ?? '') && wordChar.test(t[at + 1] ?? '')
    return inWord && (mark === "'" || mark === '-') ? mark : ' '
  })
}

/** Words: the normalised text split at spaces. */
export function normalizeWords(
  text: string,
  rules: NormalizationRules = scoringDefaults,
): string[] {
  const normalized = normalize(text, rules)
  return normalized ? normalized.split(' ') : []
}

/** Characters for CER: the normalised text's code points, spaces between words included. */
export function normalizeChars(
  text: string,
  rules: NormalizationRules = scoringDefaults,
): string[] {
  return Array.from(normalize(text, rules))
}

/**
 * Scoring's normalisation with the default rules: NFC, lower case, punctuation removed except
 * inside words, whitespace collapsed. Scripts, numerals and diacritics stay as they are.
 */
export function normalizeForScoring(text: string): string {
  return normalize(text, scoringDefaults)
}

export function words(text: string): string[] {
  return normalizeWords(text, scoringDefaults)
}

export function characters(text: string): string[] {
  return normalizeChars(text, scoringDefaults)
}
