import { normalizeWords, scoringDefaults, type NormalizationRules } from './normalize'
import { UNSPACED_SCRIPTS } from './script'

/**
 * Tokens for the mixed error rate (MER, docs/metrics.md): words for scripts written with
 * spaces between words, single characters for scripts written without (scriptio continua),
 * where "a word" is a segmenter's opinion and a character is not. Script_Extensions is used so
 * that characters shared by these scripts, such as the prolonged sound mark ー, count too.
 */
const continuous = new RegExp(
  '[' + UNSPACED_SCRIPTS.map((s) => `\\p{Script_Extensions=${s}}`).join('') + ']',
  'u',
)
const mark = /\p{M}/u

/** True for a character of a script written without spaces between words. */
export function isContinuousScript(char: string): boolean {
  return continuous.test(char)
}

/**
 * Splits one word into MER units: each character of a continuous script (with the combining
 * marks that follow it, such as Thai vowel signs) is a unit; every other run stays whole.
 * "私はofficeに行きます" → 私 は office に 行 き ま す.
 */
export function mixedUnits(word: string): string[] {
  const units: string[] = []
  let run = ''
  let lastWasContinuous = false
  for (const char of word) {
    if (mark.test(char) && lastWasContinuous && units.length > 0) {
      units[units.length - 1] += char
      continue
    }
    if (isContinuousScript(char)) {
      if (run) units.push(run)
      run = ''
      units.push(char)
      lastWasContinuous = true
    } else {
      run += char
      lastWasContinuous = false
    }
  }
  if (run) units.push(run)
  return units
}

/** The normalised text's MER units. */
export function mixedTokens(text: string, rules: NormalizationRules = scoringDefaults): string[] {
  return normalizeWords(text, rules).flatMap(mixedUnits)
}
