import type { Posteriors } from './ctc'
import { keptTokens, normaliseLogits } from './normalise'
import type { Vocabulary } from './vocab'

/**
 * Writing systems for a multilingual character head (docs/models.md, "One script per language").
 * A grapheme vocabulary shared by many scripts lets a head spell one word in three of them
 * ("gazетूkn"); when an utterance's language is known, only its scripts' letters may be written.
 */

/** ISO 15924 codes that name several Unicode scripts together. */
const scriptGroups: Record<string, string[]> = {
  Jpan: ['Hani', 'Hira', 'Kana'],
  Kore: ['Hang', 'Hani'],
  Hans: ['Hani'],
  Hant: ['Hani'],
}

/**
 * The scripts a language tag is written in (Unicode script codes), from CLDR's likely subtags;
 * a code-switched tag ("hi-en") allows its languages' scripts together. Empty when unknown.
 */
export function scriptsOfLanguage(tag: string): string[] {
  const scripts = new Set<string>()
  for (const part of tag.split(/[-_]/)) {
    let script: string | undefined
    if (/^[A-Za-z]{4}$/.test(part)) script = part[0]!.toUpperCase() + part.slice(1).toLowerCase()
    else if (/^[a-z]{2,3}$/.test(part)) {
      try {
        script = new Intl.Locale(part).maximize().script
      } catch {
        script = undefined
      }
    }
    if (script) for (const s of scriptGroups[script] ?? [script]) scripts.add(s)
  }
  return [...scripts].sort()
}

/**
 * The tokens a head may write for these scripts: every token whose letters all belong to one of
 * them (marks and signs shared by scripts count for each), and every token without letters
 * (blank, word delimiter, apostrophes, digits, `<unk>`). Null when nothing would be excluded,
 * or when no letter would be left.
 */
export function allowedTokens(vocabulary: Vocabulary, scripts: string[]): boolean[] | null {
  if (scripts.length === 0) return null
  const within = new RegExp(
    `^(?:[^\\p{L}\\p{M}]|${scripts.map((s) => `\\p{scx=${s}}`).join('|')}|\\p{scx=Zinh}|\\p{scx=Zyyy})*$`,
    'u',
  )
  const allowed = vocabulary.tokens.map(
    (token, i) => i === vocabulary.blank || /^<.*>$/.test(token) || within.test(token),
  )
  // A head that writes none of the scripts' letters is left as it is: its output is a
  // reference there (head-output.ts), better than nothing but delimiters.
  const writesSome = vocabulary.tokens.some(
    (token, i) => allowed[i] && /\p{L}/u.test(token) && !/^<.*>$/.test(token),
  )
  return allowed.every(Boolean) || !writesSome ? null : allowed
}

/**
 * The posteriors with the disallowed tokens removed and each frame renormalised, so the beam
 * search, confidences and word times all see the same distribution. Labelling does this from the
 * model's raw logits, with the frame statistics in the same pass (normalise.ts): a softmax does
 * not change when every score of a frame shifts by the same amount.
 */
export function maskPosteriors(p: Posteriors, allowed: boolean[]): Posteriors {
  const { frames, vocab, logProbs } = p
  return normaliseLogits({ frames, vocab, values: logProbs }, keptTokens(allowed)).posteriors
}
