import type { CallInput, CallResult, EventMap, EventName, Method } from '../../../shared/contract'
import { createElectronClient } from './ipc-transport'
import { createHttpClient } from './http-transport'

export { CallError, toCallError } from './call-error'

export type EventHandler<E extends EventName> = (payload: EventMap[E]) => void

/** The renderer's typed view of the contract, whichever host serves it. */
export interface SautiClient {
  readonly transport: 'electron' | 'http'
  /** Resolves with the call's value; rejects with a CallError. */
  call<M extends Method>(method: M, input: CallInput<M>): Promise<CallResult<M>>
  /** Subscribes to a pushed event; returns its own unsubscribe. */
  on<E extends EventName>(event: E, listener: EventHandler<E>): () => void
  /** A URL the `<audio>` element can stream (with Range) for a recording. */
  mediaUrl(recordingId: number): string
  /**
   * Called when the event stream comes back after a drop (HTTP only): events sent meanwhile
   * are lost, so listeners re-read what they show. Returns its own unsubscribe.
   */
  onReconnect(listener: () => void): () => void
  /** The desktop's OS file picker (Electron only): the chosen paths, none when cancelled. */
  pickPaths?(kind: 'files' | 'folder'): Promise<string[]>
}

/** Electron when the preload bridge is there, else the HTTP host that served this page. */
export function createClient(): SautiClient {
  const bridge = window.sauti
  return bridge ? createElectronClient(bridge) : createHttpClient()
}
