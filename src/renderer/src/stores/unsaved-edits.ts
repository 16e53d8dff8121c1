import { defineStore } from 'pinia'
import type { LanguageSpan } from '../../../shared/domain'

/**
 * An edit the server has not acknowledged yet, kept in the browser's IndexedDB so that neither a
 * server restart nor a closed tab loses it (docs/ARCHITECTURE.md, "Edits the server has not
 * acknowledged"). `scope` is the data folder and project, so two projects never mix.
 */
export interface UnsavedEdit {
  scope: string
  utteranceId: number
  actorId: number
  /** The revision the edit started from: a save on top of another one meets the conflict. */
  baseRevisionId: number | null
  text: string
  spans: LanguageSpan[]
  hypothesisId: number | null
  changedAt: number
}

const DB_NAME = 'sauti-unsaved'
const STORE = 'edits'

const keyOf = (scope: string, utteranceId: number): string => `${scope}\n${utteranceId}`

function request<T>(
  run: (store: IDBObjectStore) => IDBRequest<T>,
  db: IDBDatabase,
  mode: IDBTransactionMode,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode)
    const req = run(tx.objectStore(STORE))
    // Resolved when the transaction commits, so a put has reached the disk's queue.
    tx.oncomplete = () => resolve(req.result)
    tx.onerror = () => reject(tx.error ?? req.error)
    tx.onabort = () => reject(tx.error ?? new Error('aborted'))
  })
}

/** The unsaved edits of this browser, by data folder, project and utterance. */
export const useUnsavedEditsStore = defineStore('unsavedEdits', () => {
  let opened: Promise<IDBDatabase | null> | null = null

  /** The database, or null where the browser has none (then edits live only in memory). */
  function open(): Promise<IDBDatabase | null> {
    opened ??= new Promise((resolve) => {
      if (typeof indexedDB === 'undefined') return resolve(null)
      const req = indexedDB.open(DB_NAME, 1)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE)
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => resolve(null)
    })
    return opened
  }

  async function put(edit: UnsavedEdit): Promise<void> {
    const db = await open()
    if (db) await request((s) => s.put(edit, keyOf(edit.scope, edit.utteranceId)), db, 'readwrite')
  }

  async function get(scope: string, utteranceId: number): Promise<UnsavedEdit | null> {
    const db = await open()
    if (!db) return null
    const found = await request<UnsavedEdit | undefined>(
      (s) => s.get(keyOf(scope, utteranceId)),
      db,
      'readonly',
    )
    return found ?? null
  }

  /** Forgets an edit once the server has it; a newer edit of the same utterance is kept. */
  async function acknowledge(scope: string, utteranceId: number, text: string): Promise<void> {
    const db = await open()
    if (!db) return
    const stored = await get(scope, utteranceId)
    if (stored && stored.text === text)
      await request((s) => s.delete(keyOf(scope, utteranceId)), db, 'readwrite')
  }

  /** Forgets an edit the annotator chose to drop (they took the other version). */
  async function forget(scope: string, utteranceId: number): Promise<void> {
    const db = await open()
    if (db) await request((s) => s.delete(keyOf(scope, utteranceId)), db, 'readwrite')
  }

  async function all(scope: string): Promise<UnsavedEdit[]> {
    const db = await open()
    if (!db) return []
    const edits = await request<UnsavedEdit[]>((s) => s.getAll(), db, 'readonly')
    return edits.filter((e) => e.scope === scope)
  }

  return { put, get, acknowledge, forget, all }
})
