/**
 * What the Electron preload exposes as `window.sauti`. It returns the raw result envelope so
 * that errors cross the context bridge as plain data; api/electron.ts unwraps it.
 */
import type { Result } from '../../../shared/errors'

export interface SautiPreloadBridge {
  call(method: string, input: unknown): Promise<Result<unknown>>
  on(event: string, listener: (payload: unknown) => void): () => void
  mediaUrl(recordingId: number): string
  pickPaths(kind: 'files' | 'folder'): Promise<string[]>
}

declare global {
  interface Window {
    /** Present only inside the Electron window; the browser build talks HTTP instead. */
    sauti?: SautiPreloadBridge
  }
}
