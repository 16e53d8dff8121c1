import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { SavedSearch, SearchFilter, SearchPage } from '../../../shared/domain'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'
import { useClient } from '../composables/useClient'
import { useAnnotatorStore } from './annotator'

export const SEARCH_PAGE_SIZE = 50

/**
 * The data view: a search, its filters and the page shown, kept for as long as the app is open,
 * so opening a result in the editor and coming back shows the same results at the same place.
 * Saved filters are the current profile's (an account's own on a team server).
 */
export const useSearchStore = defineStore('search', () => {
  const client = useClient()
  const annotator = useAnnotatorStore()

  const filter = ref<SearchFilter>({})
  const offset = ref(0)
  const page = shallowRef<SearchPage | null>(null)
  const status = ref<'idle' | 'loading' | 'done' | 'error'>('idle')
  const error = shallowRef<CallError | null>(null)
  const saved = shallowRef<SavedSearch[]>([])
  const savedError = shallowRef<CallError | null>(null)
  /** The result last opened in the editor, which the editor offers to come back from. */
  const openedId = ref<number | null>(null)

  const actorId = computed(() => annotator.current?.id)
  let latest = 0

  /** Runs the search at `at` (the first page unless given); a later run wins over a slow one. */
  async function run(at = 0): Promise<void> {
    const ticket = ++latest
    status.value = 'loading'
    error.value = null
    try {
      const result = await client.call('search.utterances', {
        filter: filter.value,
        offset: at,
        limit: SEARCH_PAGE_SIZE,
        ...(actorId.value !== undefined ? { actorId: actorId.value } : {}),
      })
      if (ticket !== latest) return
      page.value = result
      offset.value = at
      status.value = 'done'
    } catch (caught) {
      if (ticket !== latest) return
      error.value = toCallError(caught)
      status.value = 'error'
    }
  }

  async function loadSaved(): Promise<void> {
    if (actorId.value === undefined) return
    try {
      saved.value = await client.call('search.saved', { actorId: actorId.value })
      savedError.value = null
    } catch (caught) {
      savedError.value = toCallError(caught)
    }
  }

  async function save(name: string): Promise<void> {
    if (actorId.value === undefined) return
    try {
      await client.call('search.save', { actorId: actorId.value, name, filter: filter.value })
      await loadSaved()
    } catch (caught) {
      savedError.value = toCallError(caught)
    }
  }

  async function forget(id: number): Promise<void> {
    if (actorId.value === undefined) return
    try {
      await client.call('search.forget', { actorId: actorId.value, id })
      await loadSaved()
    } catch (caught) {
      savedError.value = toCallError(caught)
    }
  }

  async function apply(search: SavedSearch): Promise<void> {
    filter.value = { ...search.filter }
    await run(0)
  }

  return {
    filter,
    offset,
    page,
    status,
    error,
    saved,
    savedError,
    openedId,
    hasProfile: computed(() => actorId.value !== undefined),
    run,
    loadSaved,
    save,
    forget,
    apply,
  }
})
