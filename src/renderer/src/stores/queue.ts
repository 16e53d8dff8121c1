import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import type {
  QueueFacets,
  QueueFilter,
  QueueItem,
  QueueOrder,
  UtteranceStatus,
} from '../../../shared/domain'
import { useClient } from '../composables/useClient'
import { usePagedSnapshot } from '../composables/usePagedSnapshot'
import { useAnnotatorStore } from './annotator'

export const PAGE_SIZE = 100
/** The default queue is the work still to do. */
export const todoStatuses: UtteranceStatus[] = ['new', 'pseudo']

/**
 * The annotation queue as the store ranks it, fetched a page at a time as the list scrolls.
 * The list is a snapshot: saving an utterance updates its row in place instead of reshuffling
 * the rows under the annotator's eyes; changing the order or a filter starts a new snapshot.
 */
export const useQueueStore = defineStore('queue', () => {
  const client = useClient()
  const annotator = useAnnotatorStore()
  // Most useful first: the project's active-learning strategy ranks the queue.
  const order = ref<QueueOrder>('priority')
  const descending = ref(false)
  const filter = reactive<QueueFilter>({ status: [...todoStatuses] })
  const withoutConsent = ref(0)
  const facets = shallowRef<QueueFacets | null>(null)

  function query(offset: number) {
    return {
      order: order.value,
      descending: descending.value,
      filter: JSON.parse(JSON.stringify(filter)) as QueueFilter,
      offset,
      limit: PAGE_SIZE,
      // The counts belong to the snapshot: its first page brings them.
      counts: offset === 0,
      // Blind double annotation: each annotator sees only their own version in the list.
      ...(annotator.current ? { actorId: annotator.current.id } : {}),
    }
  }

  const list = usePagedSnapshot<QueueItem>(
    PAGE_SIZE,
    async (offset) => {
      const page = await client.call('queue.list', query(offset))
      if (page.withoutConsent !== null) withoutConsent.value = page.withoutConsent
      return page
    },
    (item) => item.id,
  )
  const { total, pages, error, loading, reload, fetchPage, fetchItem, itemAt, indexOf, patch } =
    list

  /**
   * The queue as it is now from a place in this snapshot on: what others hold or have finished
   * since the snapshot is left out by the store, so its first items are free to take.
   */
  async function freeFrom(offset: number): Promise<QueueItem[]> {
    const page = await client.call('queue.list', { ...query(offset), limit: 25, counts: false })
    return page.items
  }

  async function loadFacets(): Promise<void> {
    facets.value = await client.call('queue.facets', {})
  }

  // Another profile sees other versions of blind utterances: a new snapshot for them.
  let lastProfile: number | undefined
  watch(
    () => annotator.current?.id,
    (now) => {
      if (now === undefined) return
      if (lastProfile !== undefined && now !== lastProfile) void reload()
      lastProfile = now
    },
    { immediate: true },
  )

  return {
    order,
    descending,
    filter,
    total,
    withoutConsent,
    pages,
    error,
    facets,
    loading,
    empty: computed(() => !loading.value && total.value === 0),
    reload,
    freeFrom,
    loadFacets,
    fetchPage,
    fetchItem,
    itemAt,
    indexOf,
    patch,
  }
})
