import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, triggerRef, watch } from 'vue'
import type {
  QueueFacets,
  QueueFilter,
  QueueItem,
  QueueOrder,
  UtteranceStatus,
} from '../../../shared/domain'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'
import { useClient } from '../composables/useClient'
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
  const total = ref(0)
  const withoutConsent = ref(0)
  const pages = shallowRef(new Map<number, QueueItem[]>())
  const error = shallowRef<CallError | null>(null)
  const facets = shallowRef<QueueFacets | null>(null)
  const loading = ref(false)
  let generation = 0
  const inFlight = new Map<number, Promise<void>>()

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
      ...(annotator.current ? { annotatorId: annotator.current.id } : {}),
    }
  }

  async function fetchPage(index: number): Promise<void> {
    if (pages.value.has(index)) return
    const running = inFlight.get(index)
    if (running) return running
    const ticket = generation
    const task = (async () => {
      try {
        const page = await client.call('queue.list', query(index * PAGE_SIZE))
        if (ticket !== generation) return
        if (page.total !== null) total.value = page.total
        if (page.withoutConsent !== null) withoutConsent.value = page.withoutConsent
        pages.value.set(index, page.items)
        triggerRef(pages)
        error.value = null
      } catch (caught) {
        if (ticket === generation) error.value = toCallError(caught)
      } finally {
        inFlight.delete(index)
      }
    })()
    inFlight.set(index, task)
    return task
  }

  /** A new snapshot: the first page, and the counts. */
  async function reload(): Promise<void> {
    generation++
    inFlight.clear()
    pages.value = new Map()
    loading.value = true
    try {
      await fetchPage(0)
    } finally {
      loading.value = false
    }
  }

  async function loadFacets(): Promise<void> {
    facets.value = await client.call('queue.facets', {})
  }

  function itemAt(index: number): QueueItem | undefined {
    return pages.value.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE]
  }

  /** The item at an index, fetching its page first if need be. */
  async function fetchItem(index: number): Promise<QueueItem | undefined> {
    if (index < 0 || index >= total.value) return undefined
    await fetchPage(Math.floor(index / PAGE_SIZE))
    return itemAt(index)
  }

  function indexOf(id: number): number {
    for (const [page, items] of pages.value) {
      const i = items.findIndex((item) => item.id === id)
      if (i >= 0) return page * PAGE_SIZE + i
    }
    return -1
  }

  /** Updates a row after this window saved it (the snapshot keeps its place). */
  function patch(id: number, changes: Partial<QueueItem>): void {
    for (const items of pages.value.values()) {
      const i = items.findIndex((item) => item.id === id)
      if (i >= 0) {
        items[i] = { ...items[i]!, ...changes }
        triggerRef(pages)
      }
    }
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
    loadFacets,
    fetchPage,
    fetchItem,
    itemAt,
    indexOf,
    patch,
  }
})
