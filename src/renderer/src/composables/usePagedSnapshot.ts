import { ref, shallowRef, triggerRef } from 'vue'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'

/** What a list view needs of a paged snapshot (a store that wraps one passes it on). */
export interface PagedList<T> {
  readonly total: number
  readonly empty: boolean
  itemAt(index: number): T | undefined
  fetchPage(page: number): Promise<void>
  fetchItem(index: number): Promise<T | undefined>
  indexOf(id: number): number
}

/**
 * A long list ranked by the store, held as a snapshot of pages fetched as they come into view
 * (the annotation queue, the review queue). A page is fetched once; a new snapshot (`reload`)
 * drops the pages and ignores answers still on their way for the old one.
 */
export function usePagedSnapshot<T>(
  pageSize: number,
  /** Fetches one page; the total is null when the call did not count this time. */
  fetch: (offset: number, limit: number) => Promise<{ items: T[]; total: number | null }>,
  idOf: (item: T) => number,
) {
  const total = ref(0)
  const pages = shallowRef(new Map<number, T[]>())
  const error = shallowRef<CallError | null>(null)
  const loading = ref(false)
  let generation = 0
  const inFlight = new Map<number, Promise<void>>()

  async function fetchPage(index: number): Promise<void> {
    if (pages.value.has(index)) return
    const running = inFlight.get(index)
    if (running) return running
    const ticket = generation
    const task = (async () => {
      try {
        const page = await fetch(index * pageSize, pageSize)
        if (ticket !== generation) return
        if (page.total !== null) total.value = page.total
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

  function itemAt(index: number): T | undefined {
    return pages.value.get(Math.floor(index / pageSize))?.[index % pageSize]
  }

  /** The item at an index, fetching its page first if need be. */
  async function fetchItem(index: number): Promise<T | undefined> {
    if (index < 0 || index >= total.value) return undefined
    await fetchPage(Math.floor(index / pageSize))
    return itemAt(index)
  }

  function indexOf(id: number): number {
    for (const [page, items] of pages.value) {
      const i = items.findIndex((item) => idOf(item) === id)
      if (i >= 0) return page * pageSize + i
    }
    return -1
  }

  /** Updates a row in place (the snapshot keeps its place). */
  function patch(id: number, changes: Partial<T>): void {
    for (const items of pages.value.values()) {
      const i = items.findIndex((item) => idOf(item) === id)
      if (i >= 0) {
        items[i] = { ...items[i]!, ...changes }
        triggerRef(pages)
      }
    }
  }

  return { total, pages, error, loading, fetchPage, reload, itemAt, fetchItem, indexOf, patch }
}
