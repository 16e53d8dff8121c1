import type { UtteranceDetail, WordTier } from '../../../shared/domain'
import type { useClient } from '../composables/useClient'
import { useAnnotatorStore } from './annotator'

export interface EditorFetch {
  /** The utterance as the current profile may see it (blind double annotation hides the other's version). */
  get: (id: number) => Promise<UtteranceDetail>
  /** The utterance, from what was fetched ahead when it was. */
  take: (id: number) => Promise<UtteranceDetail>
  /** Fetches an utterance ahead (the next one), so "save and next" does not wait for it. */
  ahead: (id: number | undefined, openId: number | undefined) => void
  forget: (id?: number) => void
  /**
   * The word tier of the utterance's newest revision once its text is aligned to the audio (in
   * the server's worker); null when its writer set times, or it cannot be aligned.
   */
  align: (detail: UtteranceDetail) => Promise<WordTier | null>
  /**
   * The utterance once its span as it is now is decoded (in the server's worker) by the model
   * that labelled it; at once when that span was decoded already.
   */
  decode: (id: number) => Promise<UtteranceDetail>
}

/** How the editor store reads utterances, with one fetched ahead. */
export function editorFetch(client: ReturnType<typeof useClient>): EditorFetch {
  const annotator = useAnnotatorStore()
  const prefetched = new Map<number, Promise<UtteranceDetail>>()

  function get(id: number): Promise<UtteranceDetail> {
    const who = annotator.current
    return client.call('utterance.get', who ? { id, actorId: who.id } : { id })
  }

  function take(id: number): Promise<UtteranceDetail> {
    const ahead = prefetched.get(id)
    prefetched.delete(id)
    return ahead ?? get(id)
  }

  function ahead(id: number | undefined, openId: number | undefined): void {
    if (id === undefined || prefetched.has(id) || id === openId) return
    prefetched.clear()
    const task = get(id)
    task.catch(() => prefetched.delete(id))
    prefetched.set(id, task)
  }

  function forget(id?: number): void {
    if (id === undefined) prefetched.clear()
    else prefetched.delete(id)
  }

  async function align(detail: UtteranceDetail): Promise<WordTier | null> {
    // The server answers at once for a revision it aligned already.
    if (!detail.head || detail.wordTier?.source === 'revision') return null
    const who = annotator.current
    const id = detail.utterance.id
    const { wordTier } = await client.call(
      'utterance.align',
      who ? { id, actorId: who.id } : { id },
    )
    return wordTier
  }

  async function decode(id: number): Promise<UtteranceDetail> {
    const who = annotator.current
    const { detail } = await client.call('utterance.decode', who ? { id, actorId: who.id } : { id })
    return detail
  }

  return { get, take, ahead, forget, align, decode }
}
