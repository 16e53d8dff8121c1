import type { CallInput, CallResult, EventName, Method } from '../../../shared/contract'
import type { SautiPreloadBridge } from './bridge'
import type { EventHandler, SautiClient } from './client'
import { CallError, unwrap } from './call-error'

/** The contract over Electron IPC, through the preload's `window.sauti`. */
export function createElectronClient(bridge: SautiPreloadBridge): SautiClient {
  return {
    transport: 'electron',
    async call<M extends Method>(method: M, input: CallInput<M>): Promise<CallResult<M>> {
      let envelope: unknown
      try {
        envelope = await bridge.call(method, input)
      } catch (error) {
        // IPC itself failed (e.g. the main process is shutting down): not a core error.
        const message = error instanceof Error ? error.message : String(error)
        throw new CallError('unavailable', `${method}: ${message}`)
      }
      return unwrap<CallResult<M>>(method, envelope)
    },
    on<E extends EventName>(event: E, listener: EventHandler<E>): () => void {
      return bridge.on(event, (payload) => listener(payload as Parameters<EventHandler<E>>[0]))
    },
    mediaUrl(recordingId: number): string {
      return bridge.mediaUrl(recordingId)
    },
    // IPC events are not dropped while the window lives: nothing to catch up on.
    onReconnect: () => () => undefined,
    pickPaths: (kind) => bridge.pickPaths(kind),
  }
}
