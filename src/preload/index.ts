/**
 * Exposes exactly the contract as `window.sauti`: a call function that accepts only the
 * contract's method names, an event subscription for the contract's events, the media URL of a
 * recording and the OS file picker (paths only). Nothing of Node or Electron leaks into the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  eventNameList,
  IPC_CALL_CHANNEL,
  IPC_EVENT_CHANNEL,
  IPC_PICK_CHANNEL,
  MEDIA_SCHEME,
  methodNames,
} from '../shared/methods'

const methods = new Set<string>(methodNames)
const events = new Set<string>(eventNameList)

const bridge = {
  call(method: string, input: unknown): Promise<unknown> {
    if (!methods.has(method)) {
      return Promise.resolve({
        ok: false,
        error: { kind: 'not_found', message: `no such call: ${String(method)}` },
      })
    }
    return ipcRenderer.invoke(IPC_CALL_CHANNEL, method, input)
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!events.has(event)) throw new Error(`no such event: ${event}`)
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped)
    return () => void ipcRenderer.off(IPC_EVENT_CHANNEL, wrapped)
  },
  mediaUrl(recordingId: number): string {
    return `${MEDIA_SCHEME}://recording/${Math.trunc(recordingId)}`
  },
  /** The OS file picker; resolves with the chosen paths (none when cancelled). */
  pickPaths(kind: 'files' | 'folder'): Promise<string[]> {
    return ipcRenderer.invoke(IPC_PICK_CHANNEL, kind === 'folder' ? 'folder' : 'files')
  },
}

contextBridge.exposeInMainWorld('sauti', bridge)
