import { editCost } from '../../../shared/metrics/edit-cost'
import { wordOutcomes } from '../../../shared/metrics/confidence-quality'
import { decidePrefill, type CostObservation } from '../../../shared/metrics/prefill'
import {
  calibratedConfidence,
  chooseCalibration,
  type CalibrationModel,
  type LabelledWord,
} from '../asr/calibration'
import { utteranceConfidence } from '../asr/confidence'
import { decodeUtterance } from '../asr/decode-utterance'
import { defaultTranscribeOptions } from '../asr/transcribe-options'
import type { Vocabulary } from '../asr/vocab'
import { posteriors, type AdapterHeadParams } from '../train/adapter-head'
import type { Loaded } from './train-job'

/*
 * The simulated annotator's editor (docs/metrics.md, "Pre-fill or start empty"): what the app
 * would show for a pick (the head's best beam hypothesis, with its utterance confidence
 * calibrated on dev as adaptation calibrates every checkpoint), and what correcting it, typing
 * it from scratch, or the app's choice between the two would cost.
 */

/** A head's hypothesis as the editor would get it. */
interface Shown {
  text: string
  confidence: number | null
  calibrated: boolean
}

function decoded(
  params: AdapterHeadParams,
  e: Loaded,
  vocabulary: Vocabulary,
): { text: string; features: number[][]; confidence: number | null } | null {
  const p = posteriors(params, e.hidden, e.frames)
  const item = { utteranceId: e.utteranceId, pcmPath: '', startSec: 0, endSec: 1 }
  const best = decodeUtterance(vocabulary, item, p, defaultTranscribeOptions).hypotheses[0]
  return best ? { text: best.text, features: best.wordFeatures, confidence: best.confidence } : null
}

/** The calibration the app would fit for this head on the dev split; null when it keeps raw scores. */
export function headCalibration(
  params: AdapterHeadParams,
  vocabulary: Vocabulary,
  dev: readonly Loaded[],
): CalibrationModel | null {
  const words: LabelledWord[] = []
  for (const e of dev) {
    const h = decoded(params, e, vocabulary)
    if (!h) continue
    // Simulation transcripts are normalised already, as the app normalises them for calibration.
    const outcomes = wordOutcomes(
      e.text.split(/\s+/u).filter(Boolean),
      h.text.split(/\s+/u).filter(Boolean),
      (w) => [w],
    )
    outcomes.forEach((correct, i) => {
      if (correct !== null && h.features[i])
        words.push({ features: h.features[i]!, correct, group: e.utteranceId })
    })
  }
  return chooseCalibration(words).model
}

export function shownHypothesis(
  params: AdapterHeadParams,
  e: Loaded,
  vocabulary: Vocabulary,
  calibration: CalibrationModel | null,
): Shown {
  const h = decoded(params, e, vocabulary)
  if (!h) return { text: '', confidence: null, calibrated: false }
  if (!calibration) return { text: h.text, confidence: h.confidence, calibrated: false }
  const words = h.features.map((f) => calibratedConfidence(calibration, f))
  return { text: h.text, confidence: utteranceConfidence(words), calibrated: true }
}

/** Keystrokes of a step's picks under the three ways of starting, and the typing they replace. */
export interface PrefillTally {
  prefilled: number
  empty: number
  policy: number
  typing: number
  /** Picks the policy started empty. */
  startedEmpty: number
  picks: number
}

export const emptyTally = (): PrefillTally => ({
  prefilled: 0,
  empty: 0,
  policy: 0,
  typing: 0,
  startedEmpty: 0,
  picks: 0,
})

/**
 * Adds one correction: the policy decides with what the app knows before it (the hypothesis'
 * confidence and the corrections so far, of the same kind of confidence), then the costs are
 * counted against the transcript, and the correction joins the history.
 */
export function tallyPick(
  tally: PrefillTally,
  history: (CostObservation & { calibrated: boolean })[],
  shown: Shown,
  transcript: string,
): { edits: number; length: number } {
  const decision = decidePrefill({
    setting: 'automatic',
    text: shown.text,
    confidence: shown.confidence,
    calibrated: shown.calibrated,
    history: history.filter((o) => o.calibrated === shown.calibrated),
  })
  const corrected = editCost(shown.text, transcript)
  const typed = editCost('', transcript)
  tally.prefilled += corrected.keystrokes
  tally.empty += typed.keystrokes
  tally.policy += decision.prefill ? corrected.keystrokes : typed.keystrokes
  tally.typing += corrected.typingKeystrokes
  tally.picks++
  if (!decision.prefill) tally.startedEmpty++
  if (shown.confidence !== null)
    history.push({
      predictedError: 1 - shown.confidence,
      keystrokes: corrected.keystrokes,
      typing: corrected.typingKeystrokes,
      calibrated: shown.calibrated,
    })
  return { edits: corrected.edits, length: corrected.length }
}
