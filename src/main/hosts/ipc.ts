import type { Result } from '../../shared/errors'
import type { Workbench } from '../core/workbench'

/** The parts of Electron's IpcMainInvokeEvent the handler needs (this file stays electron-free). */
export interface InvokeEventLike {
  senderFrame: { url: string; parent: unknown } | null
}

/**
 * The Electron IPC host: accepts a call only from our own top-level frame, then lets the
 * workbench validate the input against the contract. Returns the `{ok, value | error}`
 * envelope; nothing is thrown across the process boundary.
 */
export function createIpcCallHandler(
  workbench: Workbench,
  isOwnRendererUrl: (url: string) => boolean,
): (event: InvokeEventLike, method: unknown, input: unknown) => Promise<Result<unknown>> {
  return async (event, method, input) => {
    const frame = event.senderFrame
    if (!frame || frame.parent !== null || !isOwnRendererUrl(frame.url)) {
      return {
        ok: false,
        error: { kind: 'forbidden', message: 'calls are accepted only from the Sauti window' },
      }
    }
    return workbench.call(method, input)
  }
}
