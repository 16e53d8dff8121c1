import type { FlagReason, RevisionInfo, Utterance, UtteranceDetail } from '../../../shared/domain'
import type { WordTime } from '../../../shared/word-time'
import type { EditorState } from '../transcript/edit-history'
import { remapSpans, splitWords } from '../transcript/text-model'
import { tierWords } from '../transcript/word-tier'

/* The editor store's state and what a save sends (stores/editor.ts). */

export type SaveState = 'saved' | 'pending' | 'saving' | 'error' | 'conflict'

export interface Conflict {
  theirs: RevisionInfo | null
  message: string
}

export interface SaveRequest {
  draft: boolean
  status?: 'corrected' | 'skipped' | 'flagged'
  flagReason?: FlagReason
}

/** The editor's state when an utterance opens. */
export function initialState(detail: UtteranceDetail): EditorState {
  // A draft or a decision on file wins; otherwise the model's best guess is the starting text.
  if (detail.head)
    return {
      text: detail.head.text,
      spans: detail.head.spans,
      hypothesisId: detail.head.hypothesisId,
      wordTimes: detail.wordTier?.source === 'revision' ? detail.wordTier.words : null,
    }
  // A reference (phones, another language) is never the text: the field starts empty then; and
  // so it does where fixing the best guess is expected to cost more keys than typing.
  const best = detail.hypotheses.find((h) => !h.reference)
  if (!best || detail.start?.prefill === false)
    return { text: '', spans: [], hypothesisId: null, wordTimes: null }
  return { text: best.text, spans: [], hypothesisId: best.id, wordTimes: null }
}

/** The word times a save carries: those the annotator set, for the words of the text saved. */
export function timesToSave(state: EditorState, detail: UtteranceDetail): WordTime[] | undefined {
  if (!state.wordTimes) return undefined
  const words = tierWords(state.text, state.wordTimes, detail.utterance)
  if (words.length !== splitWords(state.text).length) return undefined
  return words.map((w) => ({ word: w.word, start: w.start, end: w.end }))
}

/** What the open utterance shows once the server took a save. */
export function afterSave(
  shown: UtteranceDetail,
  saved: { revision: RevisionInfo | null; status: Utterance['status'] },
  request: SaveRequest,
  wordTimes: WordTime[] | undefined,
  by: string,
): UtteranceDetail {
  return {
    ...shown,
    revisionCount: shown.revisionCount + (saved.revision ? 1 : 0),
    head: saved.revision ?? shown.head,
    utterance: { ...shown.utterance, status: saved.status },
    // A correction makes the text a person's, whatever it started from.
    machineImport: request.status === 'corrected' ? null : shown.machineImport,
    wordTier: wordTimes ? { source: 'revision', words: wordTimes, by } : shown.wordTier,
  }
}

/** The annotator's text in place of the editor's; language spans follow the words they tagged. */
export function withText(state: EditorState, text: string): EditorState {
  return { ...state, text, spans: remapSpans(state.text, text, state.spans) }
}

/** An N-best alternative (1-based rank) as the text; null for a reference, never a transcript. */
export function withAlternative(
  state: EditorState,
  detail: UtteranceDetail | null,
  rank: number,
): EditorState | null {
  const alternative = detail?.hypotheses.find((h) => h.rank === rank)
  if (!alternative || alternative.reference) return null
  return { ...withText(state, alternative.text), hypothesisId: alternative.id }
}

/** The machine output an import brought, untouched; null when there is none. */
export function withMachineImport(
  state: EditorState,
  detail: UtteranceDetail | null,
): EditorState | null {
  const imported = detail?.machineImport
  return imported ? { ...withText(state, imported.text), hypothesisId: null } : null
}
