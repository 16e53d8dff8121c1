import type { Hypothesis, UtteranceDetail } from '../../../../shared/domain'
import type { PrefillDecision } from '../../../../shared/metrics/prefill'

/** The model's best guess, left out of the transcript field and shown to read beside it. */
export interface GuessAside {
  guess: Hypothesis
  /** How the editor started; 'typed' when it reopened a transcript typed without the guess. */
  basis: PrefillDecision['basis'] | 'typed'
  /** Why the field started empty, as the line under the field says it. */
  reason: string
}

type Translate = (key: string, values?: Record<string, unknown>) => string

/**
 * The best guess left out of the field (docs/ui.md, "Started empty"): the editor started empty
 * because fixing it would cost more keys than typing, or a transcript was typed without it. Null
 * once a hypothesis is the text's source, or when the model gave no transcript.
 */
export function guessAside(
  detail: UtteranceDetail | null,
  best: Hypothesis | undefined,
  hypothesisId: number | null,
  t: Translate,
): GuessAside | null {
  if (!detail || !best || hypothesisId !== null) return null
  const decision = detail.start?.prefill === false ? detail.start : null
  const typed = detail.head?.sourceKind === 'annotator' && detail.head.hypothesisId === null
  if (!decision && !typed) return null
  return { guess: best, basis: decision?.basis ?? 'typed', reason: reason(t, decision) }
}

function reason(t: Translate, decision: PrefillDecision | null): string {
  if (!decision) return t('workspace.startedEmpty.typed')
  if (decision.basis === 'setting') return t('workspace.startedEmpty.setting')
  const percent = `${Math.round((decision.expectedShare ?? 1) * 100)} %`
  return t(
    decision.basis === 'history'
      ? 'workspace.startedEmpty.history'
      : 'workspace.startedEmpty.model',
    { percent },
  )
}
