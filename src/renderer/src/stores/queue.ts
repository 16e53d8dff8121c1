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

const PAGE_SIZE = 100
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

  function query(offset: number, exclude: number[] = []) {
    return {
      ...(exclude.length ? { exclude } : {}),
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
    async (offset, _limit, exclude) => {
      const page = await client.call('queue.list', query(offset, exclude))
      if (page.withoutConsent !== null) withoutConsent.value = page.withoutConsent
      return page
    },
    (item) => item.id,
  )
  const { total, error, loading, reload, keepThrough, fetchItem, itemAt, indexOf, patch } = list

  /**
   * The queue as it is now from a place in this snapshot on: the rows the snapshot keeps from
   * there (their claim checks their status), then the store's ranking, which leaves out what
   * others hold or have finished since the snapshot, so its first items are free to take.
   */
  async function freeFrom(index: number): Promise<QueueItem[]> {
    const exclude = list.head.value.map((item) => item.id)
    const page = await client.call('queue.list', {
      ...query(list.rankedOffset(index), exclude),
      limit: 25,
      counts: false,
    })
    return [...list.keptFrom(index), ...page.items]
  }

  /**
   * How many rows of the snapshot are still to do: the count it came with, less the rows
   * finished in place since (they keep their place until the next snapshot).
   */
  const remaining = computed(() => {
    const wanted = filter.status?.length ? filter.status : null
    let finished = 0
    for (const item of [...list.head.value, ...[...list.pages.value.values()].flat()])
      if (wanted && !wanted.includes(item.status)) finished++
    return Math.max(0, total.value - finished)
  })

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
    remaining,
    withoutConsent,
    error,
    facets,
    loading,
    empty: computed(() => !loading.value && total.value === 0),
    reload,
    keepThrough,
    freeFrom,
    loadFacets,
    fetchItem,
    itemAt,
    indexOf,
    patch,
  }
})
