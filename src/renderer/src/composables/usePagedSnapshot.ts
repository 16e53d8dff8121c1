import { ref, shallowRef, triggerRef } from 'vue'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'

/** What a list view needs of a paged snapshot (a store that wraps one passes it on). */
export interface PagedList<T> {
  readonly total: number
  readonly empty: boolean
  itemAt(index: number): T | undefined
  fetchItem(index: number): Promise<T | undefined>
  indexOf(id: number): number
}

/** One page from the store; the total is null when the call did not count this time. */
export type PageFetch<T> = (
  offset: number,
  limit: number,
  /** Ids the snapshot keeps above the store's ranking: the store leaves them out. */
  exclude: number[],
) => Promise<{ items: T[]; total: number | null }>

/**
 * A long list ranked by the store, held as a snapshot of pages fetched as they come into view
 * (the annotation queue, the review queue). A page is fetched once; a new snapshot (`reload`)
 * drops the pages and ignores answers still on their way for the old one.
 *
 * `keepThrough` starts a new snapshot that keeps the rows up to one index as they are (the
 * `head`) and takes the store's new ranking only below them: someone working down the list never
 * sees rows above their place move, and moving on reaches every row that was above it.
 */
export function usePagedSnapshot<T>(
  pageSize: number,
  fetch: PageFetch<T>,
  idOf: (item: T) => number,
) {
  const total = ref(0)
  const head = shallowRef<T[]>([])
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
    const kept = head.value
    const task = (async () => {
      try {
        const page = await fetch(index * pageSize, pageSize, kept.map(idOf))
        if (ticket !== generation) return
        if (page.total !== null) total.value = kept.length + page.total
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

  async function restart(kept: T[]): Promise<void> {
    generation++
    inFlight.clear()
    head.value = kept
    pages.value = new Map()
    loading.value = true
    try {
      await fetchPage(0)
    } finally {
      loading.value = false
    }
  }

  /** A new snapshot: the first page, and the counts. */
  function reload(): Promise<void> {
    return restart([])
  }

  /** The rows of this snapshot up to `index` (those fetched), in their places. */
  function rowsThrough(index: number): T[] {
    const rows: T[] = []
    for (let i = 0; i <= index; i++) {
      const item = itemAt(i)
      if (item !== undefined) rows.push(item)
    }
    return rows
  }

  /** A new snapshot below the row at `index`: that row and those above it stay as they are. */
  function keepThrough(index: number): Promise<void> {
    return restart(index < 0 ? [] : rowsThrough(index))
  }

  function itemAt(index: number): T | undefined {
    const kept = head.value
    if (index < kept.length) return kept[index]
    const ranked = index - kept.length
    return pages.value.get(Math.floor(ranked / pageSize))?.[ranked % pageSize]
  }

  /** The item at an index, fetching its page first if need be. */
  async function fetchItem(index: number): Promise<T | undefined> {
    if (index < 0 || index >= total.value) return undefined
    const ranked = index - head.value.length
    if (ranked >= 0) await fetchPage(Math.floor(ranked / pageSize))
    return itemAt(index)
  }

  /** The rows from `index` on that the snapshot keeps (the store is not asked about them). */
  function keptFrom(index: number): T[] {
    return head.value.slice(Math.max(0, index))
  }

  /** Where the rows ranked by the store begin: the store's offset of a list index is past it. */
  function rankedOffset(index: number): number {
    return Math.max(0, index - head.value.length)
  }

  function indexOf(id: number): number {
    const kept = head.value.findIndex((item) => idOf(item) === id)
    if (kept >= 0) return kept
    for (const [page, items] of pages.value) {
      const i = items.findIndex((item) => idOf(item) === id)
      if (i >= 0) return head.value.length + page * pageSize + i
    }
    return -1
  }

  /** Updates a row in place (the snapshot keeps its place). */
  function patch(id: number, changes: Partial<T>): void {
    for (const items of [head.value, ...pages.value.values()]) {
      const i = items.findIndex((item) => idOf(item) === id)
      if (i >= 0) {
        items[i] = { ...items[i]!, ...changes }
        triggerRef(pages)
        triggerRef(head)
      }
    }
  }

  return {
    total,
    pages,
    head,
    error,
    loading,
    fetchPage,
    reload,
    keepThrough,
    keptFrom,
    rankedOffset,
    itemAt,
    fetchItem,
    indexOf,
    patch,
  }
}
