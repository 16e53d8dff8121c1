import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import type { LanguageSpan, RevisionInfo, UtteranceDetail } from '../../../shared/domain'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'
import { mark } from '../composables/marks'
import { useClient } from '../composables/useClient'
import type { WordTime } from '../../../shared/word-time'
import { EditHistory, type EditorState } from '../transcript/edit-history'
import { splitWords, tagWords } from '../transcript/text-model'
import { useAnnotatorStore } from './annotator'
import { editorDecode } from './editor-decode'
import { editorFetch } from './editor-fetch'
import {
  afterSave,
  initialState,
  timesToSave,
  withAlternative,
  withMachineImport,
  withText,
  type Conflict,
  type SaveRequest,
  type SaveState,
} from './editor-state'
import { editorUnsaved } from './editor-unsaved'

/** After a failed save (server away, restarting), try again this often until it is back. */
export const SAVE_RETRY_MS = 3000

/** Autosave waits for a pause in typing, but never lets more than a second of work go unsaved. */
export const AUTOSAVE_PAUSE_MS = 400
export const AUTOSAVE_MAX_WAIT_MS = 1000

/**
 * The utterance being corrected: its text, spans and the hypothesis it came from, with undo,
 * debounced autosave as draft revisions, and saves that fail loudly on a conflict instead of
 * overwriting another window's work. Saves run one at a time, in order.
 */
export const useEditorStore = defineStore('editor', () => {
  const client = useClient()
  const annotator = useAnnotatorStore()
  const detail = shallowRef<UtteranceDetail | null>(null)
  const state = ref<EditorState>({ text: '', spans: [], hypothesisId: null, wordTimes: null })
  const baseRevisionId = ref<number | null>(null)
  const saveState = ref<SaveState>('saved')
  const saveError = shallowRef<CallError | null>(null)
  const conflict = shallowRef<Conflict | null>(null)
  const loadError = shallowRef<CallError | null>(null)
  const loading = ref(false)
  const canUndo = ref(false)
  const canRedo = ref(false)
  let history = new EditHistory(state.value)
  let timer: ReturnType<typeof setTimeout> | null = null
  let firstUnsaved = 0
  let chain: Promise<unknown> = Promise.resolve()
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  /** The save that failed for want of the server, to be made again as it was asked for. */
  let failedRequest: SaveRequest | null = null
  const fetcher = editorFetch(client)
  const spanDecoder = editorDecode({
    fetcher,
    detail,
    untouched: () => !history.canUndo && saveState.value === 'saved',
    reshow: show,
  })

  const words = computed(() => splitWords(state.value.text))
  const dirty = computed(() => saveState.value === 'pending' || saveState.value === 'saving')

  function syncHistory(): void {
    canUndo.value = history.canUndo
    canRedo.value = history.canRedo
  }

  function show(next: UtteranceDetail): void {
    detail.value = next
    state.value = initialState(next)
    baseRevisionId.value = next.head?.id ?? null
    history = new EditHistory(state.value)
    syncHistory()
    saveState.value = 'saved'
    saveError.value = null
    conflict.value = null
    remoteNotice.value = null
    spanDecoder.shown()
  }

  /** The newest open: an answer for an older one, arriving late, is dropped. */
  let opening = 0

  /**
   * Opens an utterance; the current one's unsaved typing is saved as a draft first. False when
   * it failed, or when a newer open (a link followed while moving on) took its place meanwhile.
   */
  async function open(id: number): Promise<boolean> {
    const ticket = ++opening
    await flush()
    loading.value = true
    loadError.value = null
    try {
      const next = await fetcher.take(id)
      if (ticket !== opening) return false
      show(next)
      alignHead()
      await unsaved.restoreUnsaved(id)
      mark('sauti:shown')
      return ticket === opening
    } catch (caught) {
      if (ticket === opening) {
        loadError.value = toCallError(caught)
        detail.value = null
      }
      return false
    } finally {
      if (ticket === opening) loading.value = false
    }
  }

  /** Has the newest revision's text aligned (typed, imported), for the tier if still shown. */
  function alignHead(): void {
    const shown = detail.value
    if (!shown) return
    fetcher
      .align(shown)
      .then((wordTier) => {
        const now = detail.value
        if (wordTier && now?.utterance.id === shown.utterance.id && now.head?.id === shown.head?.id)
          detail.value = { ...now, wordTier }
      })
      .catch(() => undefined)
  }

  /** Refetches the open utterance (after a split, a merge or an edge move elsewhere). */
  async function refresh(): Promise<void> {
    if (!detail.value) return
    fetcher.forget(detail.value.utterance.id)
    show(await fetcher.get(detail.value.utterance.id))
  }

  function change(next: EditorState, typing: boolean): void {
    state.value = next
    history.push(next, typing)
    syncHistory()
    scheduleAutosave()
  }

  const unsaved = editorUnsaved({
    client,
    detail,
    state,
    baseRevisionId,
    reopen(edit, base) {
      state.value = edit
      baseRevisionId.value = base
      history = new EditHistory(state.value)
      syncHistory()
      scheduleAutosave()
    },
  })

  /** After a reconnect (or while the server is away, every few seconds): save what failed. */
  function retryFailedSave(): void {
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    if (saveState.value !== 'error' || !detail.value) return
    saveState.value = 'pending'
    void save(failedRequest ?? { draft: true })
  }

  /** The annotator typed: spans follow the words they tagged. */
  function setText(text: string): void {
    change(withText(state.value, text), true)
  }

  /** Replaces the text with an N-best alternative (1-based rank); a reference never is the text. */
  function pickAlternative(rank: number): boolean {
    const next = withAlternative(state.value, detail.value, rank)
    if (next) change(next, false)
    return next !== null
  }

  /** Puts back the machine output an import brought, untouched (its "accept as is"). */
  function takeMachineImport(): boolean {
    const next = withMachineImport(state.value, detail.value)
    if (next) change(next, false)
    return next !== null
  }

  function tag(from: number, to: number, lang: string | null): void {
    const spans = tagWords(words.value.length, state.value.spans, from, to, lang)
    change({ ...state.value, spans }, false)
  }

  /**
   * The annotator moved a boundary on the word tier: the times are saved at once as a draft (a
   * drag is a finished gesture, not typing to wait out).
   */
  function setWordTimes(times: WordTime[]): Promise<boolean> {
    change({ ...state.value, wordTimes: times }, false)
    return save({ draft: true })
  }

  /** Undo and redo: the state history steps to, if any, becomes the editor's. */
  function stepTo(next: EditorState | null): boolean {
    if (!next) return false
    state.value = next
    syncHistory()
    scheduleAutosave()
    return true
  }
  const undo = (): boolean => stepTo(history.undo())
  const redo = (): boolean => stepTo(history.redo())

  function scheduleAutosave(): void {
    if (!detail.value) return
    unsaved.remember()
    if (saveState.value === 'conflict') return
    const now = Date.now()
    if (saveState.value !== 'pending') firstUnsaved = now
    saveState.value = 'pending'
    if (timer) clearTimeout(timer)
    const wait = Math.max(0, Math.min(AUTOSAVE_PAUSE_MS, firstUnsaved + AUTOSAVE_MAX_WAIT_MS - now))
    timer = setTimeout(() => void flush(), wait)
  }

  /** Queues a save of the editor as it is now; resolves false on a conflict or an error. */
  function save(request: SaveRequest): Promise<boolean> {
    if (timer) clearTimeout(timer)
    timer = null
    const current = detail.value
    const who = annotator.current
    if (!current || !who) return Promise.resolve(false)
    const snapshot = { ...state.value, spans: [...state.value.spans] as LanguageSpan[] }
    const wordTimes = timesToSave(snapshot, current)
    const task = chain.then(async () => {
      if (conflict.value && detail.value?.utterance.id === current.utterance.id) return false
      saveState.value = 'saving'
      try {
        const saved = await client.call('utterance.save', {
          id: current.utterance.id,
          actorId: who.id,
          baseRevisionId: baseRevisionId.value,
          hypothesisId: snapshot.hypothesisId,
          text: snapshot.text,
          spans: snapshot.spans,
          ...(wordTimes ? { wordTimes } : {}),
          draft: request.draft,
          ...(request.status ? { status: request.status } : {}),
          ...(request.flagReason ? { flagReason: request.flagReason } : {}),
        })
        mark('sauti:saved')
        if (detail.value?.utterance.id === current.utterance.id) {
          if (saved.revision) baseRevisionId.value = saved.revision.id
          // Typing during the save leaves work to save again.
          const unchanged =
            state.value.text === snapshot.text &&
            JSON.stringify(state.value.spans) === JSON.stringify(snapshot.spans) &&
            state.value.wordTimes === snapshot.wordTimes
          saveState.value = unchanged ? 'saved' : 'pending'
          failedRequest = null
          unsaved.acknowledge(current.utterance.id, snapshot.text)
          if (!unchanged) scheduleAutosave()
          detail.value = afterSave(detail.value, saved, request, wordTimes, who.name)
          if (wordTimes) mark('sauti:words-saved')
          else if (saved.revision && unchanged) alignHead()
        }
        saveError.value = null
        return true
      } catch (caught) {
        const error = toCallError(caught)
        if (error.kind === 'conflict') {
          conflict.value = {
            theirs: (error.details?.head as RevisionInfo | null | undefined) ?? null,
            message: error.message,
          }
          saveState.value = 'conflict'
        } else {
          saveError.value = error
          saveState.value = 'error'
          // The edit is still in IndexedDB; while the server is away, keep trying.
          if (error.kind === 'unavailable' || error.kind === 'forbidden') {
            failedRequest = request
            if (retryTimer) clearTimeout(retryTimer)
            retryTimer = setTimeout(retryFailedSave, SAVE_RETRY_MS)
          }
        }
        return false
      }
    })
    chain = task
    return task
  }

  /** Saves pending typing now (before leaving the utterance or the page). */
  async function flush(): Promise<void> {
    if (saveState.value === 'pending') await save({ draft: true })
    else await chain
  }

  /** Set when another window's save replaced what this editor showed. */
  const remoteNotice = ref<string | null>(null)

  /**
   * Another window saved this utterance. With nothing unsaved here, show their revision; with
   * unsaved typing, the next save will meet the conflict and ask.
   */
  async function checkRemote(): Promise<void> {
    const open = detail.value
    if (!open || dirty.value) return
    const fresh = await fetcher.get(open.utterance.id)
    if (detail.value?.utterance.id !== open.utterance.id || dirty.value) return
    if ((fresh.head?.id ?? null) === baseRevisionId.value) return
    show(fresh)
    remoteNotice.value = fresh.head?.annotator ?? fresh.head?.sourceKind ?? null
  }

  client.onReconnect(() => {
    retryFailedSave()
    void unsaved.replayUnsaved()
  })

  // Another profile chosen: what it may see of a blind utterance differs, so read it again.
  let lastProfile: number | undefined
  watch(
    () => annotator.current?.id,
    (now) => {
      if (now === undefined) return
      fetcher.forget()
      if (lastProfile !== undefined && now !== lastProfile && detail.value)
        void refresh().catch((caught: unknown) => (loadError.value = toCallError(caught)))
      lastProfile = now
    },
    { immediate: true },
  )

  /** Keep this window's text: save it on top of the other window's revision. */
  async function keepMine(): Promise<void> {
    const theirs = conflict.value?.theirs
    conflict.value = null
    baseRevisionId.value = theirs?.id ?? null
    saveState.value = 'pending'
    await save({ draft: true })
  }

  /** Take the other window's text and drop this window's unsaved edits. */
  function takeTheirs(): void {
    const theirs = conflict.value?.theirs
    conflict.value = null
    if (!theirs || !detail.value) return
    baseRevisionId.value = theirs.id
    state.value = {
      text: theirs.text,
      spans: theirs.spans,
      hypothesisId: theirs.hypothesisId,
      wordTimes: null,
    }
    unsaved.forget(detail.value.utterance.id)
    history.push(state.value, false)
    syncHistory()
    saveState.value = 'saved'
  }

  return {
    detail,
    state,
    words,
    baseRevisionId,
    saveState,
    saveError,
    conflict,
    loadError,
    loading,
    canUndo,
    canRedo,
    dirty,
    open,
    refresh,
    prefetch: (id: number | undefined) => fetcher.ahead(id, detail.value?.utterance.id),
    setText,
    pickAlternative,
    takeMachineImport,
    tag,
    setWordTimes,
    undo,
    redo,
    save,
    flush,
    keepMine,
    takeTheirs,
    checkRemote,
    remoteNotice,
    replayUnsaved: unsaved.replayUnsaved,
    /** The open utterance's guess for its new span: being decoded, or why it could not be. */
    spanDecode: spanDecoder.status,
    decodeSpan: spanDecoder.decode,
  }
})
