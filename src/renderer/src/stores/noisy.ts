import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import type { NoisyMark } from '../../../shared/domain'
import { toCallError, type CallError } from '../api/client'
import { useClient } from '../composables/useClient'
import { useAnnotatorStore } from './annotator'
import { useEditorStore } from './editor'

/**
 * The "noisy but usable" mark of the utterance open in the editor (docs/ui.md): a quality mark
 * on the clip, set and cleared at once and apart from the transcript's save, so a noisy clip can
 * be transcribed and marked. Shared by the toggle and its key.
 */
export const useNoisyStore = defineStore('noisy', () => {
  const client = useClient()
  const editor = useEditorStore()
  const annotator = useAnnotatorStore()
  const error = shallowRef<CallError | null>(null)
  const mark = computed<NoisyMark | null>(() => editor.detail?.utterance.noisy ?? null)

  async function toggle(): Promise<void> {
    const detail = editor.detail
    const who = annotator.current
    if (!detail || !who) return
    error.value = null
    try {
      const { noisy } = await client.call('utterance.markNoisy', {
        id: detail.utterance.id,
        actorId: who.id,
        noisy: mark.value === null,
      })
      // Another utterance may have opened meanwhile: the mark is only shown on its own.
      if (editor.detail?.utterance.id === detail.utterance.id)
        editor.detail = { ...editor.detail, utterance: { ...editor.detail.utterance, noisy } }
    } catch (e) {
      error.value = toCallError(e)
    }
  }

  return { mark, error, toggle }
})
