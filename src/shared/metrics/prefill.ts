/**
 * Whether the editor starts from the model's hypothesis or from an empty field (docs/metrics.md,
 * "Pre-fill or start empty"): pre-filled unless correcting it is expected to take more
 * keystrokes than typing the utterance, by the keystroke model of `edit-cost.ts`. The
 * expectation is what corrections of hypotheses of about the same confidence have cost in this
 * project; until there are enough of them, the hypothesis is pre-filled as it always was.
 */

/** A project setting: decide per utterance, or always one way. */
export type PrefillSetting = 'automatic' | 'always' | 'never'
export const prefillSettings: readonly PrefillSetting[] = ['automatic', 'always', 'never']

/** One earlier correction: its hypothesis' predicted share of wrong words, and what it cost. */
export interface CostObservation {
  /** 1 − the hypothesis' utterance confidence. */
  predictedError: number
  /** Keystrokes to turn the hypothesis into the saved text (edit-cost.ts). */
  keystrokes: number
  /** Keystrokes to type the saved text from scratch. */
  typing: number
}

export interface PrefillInput {
  setting: PrefillSetting
  /** The hypothesis that would be shown. */
  text: string
  /** Its utterance confidence: P(word right) averaged when calibrated, else the raw score. */
  confidence: number | null
  calibrated: boolean
  /** Earlier corrections whose hypotheses had the same kind of confidence (calibrated or raw). */
  history: readonly CostObservation[]
}

export interface PrefillDecision {
  prefill: boolean
  /**
   * Why: the project's setting; the project's corrections of hypotheses like it; too few of
   * those yet, so only the keystroke model's optimistic expectation (always pre-filled); or no
   * confidence to go by (pre-filled).
   */
  basis: 'setting' | 'history' | 'model' | 'unknown'
  /** Expected keystrokes to correct it ÷ typing from scratch; null when not estimated. */
  expectedShare: number | null
}

/** How near in predicted error an earlier correction must be to count (Gaussian kernel width). */
const BANDWIDTH = 0.1
/**
 * The nearby corrections needed before they decide, in typed characters (kernel-weighted), and
 * what the keystroke model's expectation weighs against them.
 */
const PRIOR_WEIGHT = 100

/**
 * The keystroke model's optimistic expectation, with nothing measured: a right word costs
 * nothing; a wrong word of n letters, if it is one letter off, costs moving there, selecting and
 * deleting the letter, and typing it (3), against n + 1 to type it with its space; retyped whole
 * it would cost n + 3. Which it is, word confidence does not say: on ivr5-es, hypotheses with
 * most words wrong cost 60 % of typing (a letter or two off per word), so the optimistic end is
 * the one that does not start empty on a guess. With calibrated confidence, 1 − confidence is
 * the expected share of wrong words.
 */
export function modelShare(predictedError: number, text: string): number {
  const words = text.split(/\s+/u).filter(Boolean)
  const letters = words.reduce((s, w) => s + Array.from(w).length, 0)
  const n = words.length ? letters / words.length : 1
  return (predictedError * 3) / (n + 1)
}

/**
 * Expected keystrokes ÷ typing for a hypothesis predicted at `predictedError`: the earlier
 * corrections of about that predicted error (kernel-weighted by closeness and length), drawn
 * towards the keystroke model's expectation while they are few. Null when there is no basis.
 */
export function expectedShare(
  predictedError: number,
  history: readonly CostObservation[],
  prior: number | null,
): { share: number; basis: 'history' | 'model' } | null {
  let keys = 0
  let typed = 0
  for (const o of history) {
    const z = (o.predictedError - predictedError) / BANDWIDTH
    const k = Math.exp(-0.5 * z * z)
    keys += k * o.keystrokes
    typed += k * o.typing
  }
  if (prior === null)
    return typed >= PRIOR_WEIGHT ? { share: keys / typed, basis: 'history' } : null
  return {
    share: (keys + PRIOR_WEIGHT * prior) / (typed + PRIOR_WEIGHT),
    basis: typed >= PRIOR_WEIGHT ? 'history' : 'model',
  }
}

/**
 * Start empty when the project's corrections say that correcting is expected to take more
 * keystrokes than starting empty (typing the text, plus putting the cursor in the field: the
 * model counts one keystroke there for an empty hypothesis too). The hypothesis' length stands
 * in for the text's, unknown yet. Starting empty wrongly costs more than pre-filling wrongly
 * (a good guess retyped against a bad one mended), so the keystroke model alone never does it.
 */
export function decidePrefill(input: PrefillInput): PrefillDecision {
  if (input.setting !== 'automatic')
    return { prefill: input.setting === 'always', basis: 'setting', expectedShare: null }
  if (input.confidence === null) return { prefill: true, basis: 'unknown', expectedShare: null }
  const error = 1 - input.confidence
  const expected = expectedShare(
    error,
    input.history,
    input.calibrated ? modelShare(error, input.text) : null,
  )
  if (!expected) return { prefill: true, basis: 'unknown', expectedShare: null }
  const length = Math.max(1, Array.from(input.text).length)
  return {
    prefill: expected.basis !== 'history' || expected.share * length < length + 1,
    basis: expected.basis,
    expectedShare: expected.share,
  }
}
