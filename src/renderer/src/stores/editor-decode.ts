import type { ShallowRef } from 'vue'
import { shallowRef } from 'vue'
import type { UtteranceDetail } from '../../../shared/domain'
import { toCallError, type CallError } from '../api/call-error'
import type { EditorFetch } from './editor-fetch'

/** The open utterance's guess for its new span: being decoded, or why it could not be. */
export type SpanDecodeState = { state: 'decoding' } | { state: 'failed'; error: CallError } | null

export interface DecodeDeps {
  fetcher: EditorFetch
  detail: ShallowRef<UtteranceDetail | null>
  /** Nothing was typed, picked or tagged since the open utterance was shown. */
  untouched: () => boolean
  /** Shows the utterance anew, its field starting from the guess as on opening it. */
  reshow: (next: UtteranceDetail) => void
}

export interface EditorDecode {
  status: ShallowRef<SpanDecodeState>
  /** Asks the server for an utterance's guess for its new span (the open one's is shown). */
  decode: (id: number) => void
  /** The open utterance was shown anew: follow a decode of it under way, if any. */
  shown: () => void
}

/**
 * The guess for an utterance whose edges just moved (or that was split or merged), decoded in
 * the server's worker (`utterance.decode`) while the annotator goes on. The answer is shown only
 * on the utterance and span it was asked for: after another edge move, another utterance or a
 * newer decode, a late answer is dropped (the server keeps it as what that span read).
 */
export function editorDecode(deps: DecodeDeps): EditorDecode {
  const underWay = new Map<number, Promise<UtteranceDetail>>()
  const status = shallowRef<SpanDecodeState>(null)
  /** The decode whose answer the open utterance waits for. */
  let followed: Promise<UtteranceDetail> | null = null

  function decode(id: number): void {
    const task = deps.fetcher.decode(id)
    underWay.set(id, task)
    const done = (): void => {
      if (underWay.get(id) === task) underWay.delete(id)
    }
    task.then(done, done)
    if (deps.detail.value?.utterance.id === id) follow(task)
  }

  function shown(): void {
    followed = null
    status.value = null
    const open = deps.detail.value
    const task = open ? underWay.get(open.utterance.id) : undefined
    if (task && open?.hypotheses.length === 0) follow(task)
  }

  function follow(task: Promise<UtteranceDetail>): void {
    followed = task
    status.value = { state: 'decoding' }
    task.then(
      (fresh) => {
        if (followed !== task) return
        followed = null
        status.value = null
        apply(fresh)
      },
      (caught: unknown) => {
        if (followed !== task) return
        followed = null
        status.value = { state: 'failed', error: toCallError(caught) }
      },
    )
  }

  function apply(fresh: UtteranceDetail): void {
    const now = deps.detail.value
    if (
      !now ||
      now.utterance.id !== fresh.utterance.id ||
      now.utterance.startSec !== fresh.utterance.startSec ||
      now.utterance.endSec !== fresh.utterance.endSec
    )
      return
    // The guess and what follows from it; the text, its revision and its times stay the editor's.
    const next: UtteranceDetail = {
      ...now,
      hypotheses: fresh.hypotheses,
      start: fresh.start,
      wordTier: now.wordTier ?? fresh.wordTier,
      utterance: {
        ...now.utterance,
        confidence: fresh.utterance.confidence,
        status: now.utterance.status === 'new' ? fresh.utterance.status : now.utterance.status,
      },
    }
    // Without a transcript and untouched, the field starts from the new guess as on opening.
    if (!now.head && deps.untouched()) deps.reshow(next)
    else deps.detail.value = next
  }

  return { status, decode, shown }
}
