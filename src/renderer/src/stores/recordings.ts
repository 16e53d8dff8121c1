import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Page, Recording, Utterance } from '../../../shared/domain'
import { useAsync } from '../composables/useAsync'
import { useClient } from '../composables/useClient'

export const recordingPageSize = 25
export const utterancePageSize = 100

/** The recordings of the open project, the selected one, and its utterances. */
export const useRecordingsStore = defineStore('recordings', () => {
  const client = useClient()
  const recordings = useAsync<Page<Recording>>()
  const utterances = useAsync<Page<Utterance>>()
  const recordingOffset = ref(0)
  const utteranceOffset = ref(0)
  // Kept apart from the page so the selection survives paging through the list.
  const selected = shallowRef<Recording | null>(null)
  const selectedId = computed(() => selected.value?.id ?? null)

  async function loadUtterances(offset = utteranceOffset.value): Promise<void> {
    const recording = selected.value
    if (!recording) return
    utteranceOffset.value = offset
    await utterances.run(() =>
      client.call('utterance.list', {
        recordingId: recording.id,
        offset,
        limit: utterancePageSize,
      }),
    )
  }

  async function select(recording: Recording): Promise<void> {
    if (selected.value?.id === recording.id) return
    selected.value = recording
    utterances.data.value = null
    await loadUtterances(0)
  }

  async function loadRecordings(offset = recordingOffset.value): Promise<void> {
    recordingOffset.value = offset
    const page = await recordings.run(() =>
      client.call('recording.list', { offset, limit: recordingPageSize }),
    )
    if (!page) return
    const current = selected.value
    const fresh = current ? page.items.find((item) => item.id === current.id) : undefined
    if (fresh) {
      // Same recording, newer counts (e.g. it was just segmented).
      selected.value = fresh
    } else if (!current && page.items[0]) {
      await select(page.items[0])
    }
  }

  /** Follows imports as they land; returns the unsubscribe. */
  function listen(): () => void {
    return client.on('project.changed', (change) => {
      void loadRecordings()
      if (change.what.includes('utterances')) void loadUtterances()
    })
  }

  return {
    recordings: recordings.data,
    recordingsStatus: recordings.status,
    recordingsError: recordings.error,
    recordingOffset,
    utterances: utterances.data,
    utterancesStatus: utterances.status,
    utterancesError: utterances.error,
    utteranceOffset,
    selected,
    selectedId,
    loadRecordings,
    loadUtterances,
    select,
    listen,
  }
})
