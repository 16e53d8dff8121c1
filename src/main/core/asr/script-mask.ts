import type { Posteriors } from './ctc'
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

/** A log-probability of zero probability that keeps entropy sums finite (0 · -1e4 = 0). */
const EXCLUDED = -1e4

/**
 * The posteriors with the disallowed tokens removed and each frame renormalised, so the beam
 * search, confidences and word times all see the same distribution.
 */
export function maskPosteriors(p: Posteriors, allowed: boolean[]): Posteriors {
  return maskedLogSoftmax(p.logProbs, p.frames, p.vocab, allowed)
}

/**
 * Log-softmax over the allowed tokens only, from raw logits or from log-probabilities alike (a
 * softmax does not change when every score of a frame shifts by the same amount): labelling
 * normalises the model's logits once, here, instead of once for all tokens and again for the
 * allowed ones.
 */
export function maskedLogSoftmax(
  scores: Float32Array,
  frames: number,
  vocab: number,
  allowed: boolean[],
): Posteriors {
  // The allowed tokens' indices once, so each frame's three passes visit only them.
  const kept = Int32Array.from(allowed.flatMap((ok, v) => (ok ? [v] : [])))
  const logProbs = new Float32Array(frames * vocab).fill(EXCLUDED)
  for (let t = 0; t < frames; t++) {
    const row = t * vocab
    let max = -Infinity
    for (const v of kept) if (scores[row + v]! > max) max = scores[row + v]!
    let sum = 0
    for (const v of kept) sum += Math.exp(scores[row + v]! - max)
    const norm = max + Math.log(sum)
    for (const v of kept) logProbs[row + v] = scores[row + v]! - norm
  }
  return { frames, vocab, logProbs }
}
