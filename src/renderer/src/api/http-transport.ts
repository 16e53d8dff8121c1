import type { CallInput, CallResult, EventName, Method } from '../../../shared/contract'
import type { EventHandler, SautiClient } from './client'
import { CallError, unwrap } from './call-error'

type AnyListener = (payload: unknown) => void

/**
 * The contract over `sauti serve`: POST /api/<method>, events over SSE at /events, audio at
 * /media/<id>. The session cookie was set when the page was opened with its token, so
 * same-origin requests carry it.
 */
export function createHttpClient(): SautiClient {
  // One EventSource for all events, opened on the first subscription and closed after the
  // last, so a page with no listeners holds no connection.
  let source: EventSource | null = null
  const listeners = new Map<EventName, Set<AnyListener>>()
  const forwarders = new Map<EventName, (event: MessageEvent<string>) => void>()
  const reconnectListeners = new Set<() => void>()
  let dropped = false

  function open(): EventSource {
    const created = new EventSource('/events', { withCredentials: true })
    // EventSource reconnects by itself; what was pushed while it was away is gone.
    created.addEventListener('error', () => (dropped = true))
    created.addEventListener('open', () => {
      if (!dropped) return
      dropped = false
      for (const listener of [...reconnectListeners]) listener()
    })
    return created
  }

  function forward(event: EventName): (message: MessageEvent<string>) => void {
    return (message) => {
      let payload: unknown
      try {
        payload = JSON.parse(message.data)
      } catch {
        return // a frame we cannot read is dropped, the next one will be fine
      }
      for (const listener of [...(listeners.get(event) ?? [])]) listener(payload)
    }
  }

  function subscribe(event: EventName, listener: AnyListener): () => void {
    if (!source) source = open()
    let set = listeners.get(event)
    if (!set) {
      set = new Set()
      listeners.set(event, set)
      const forwarder = forward(event)
      forwarders.set(event, forwarder)
      source.addEventListener(event, forwarder)
    }
    set.add(listener)
    return () => {
      set.delete(listener)
      if (set.size > 0) return
      listeners.delete(event)
      const forwarder = forwarders.get(event)
      forwarders.delete(event)
      if (forwarder) source?.removeEventListener(event, forwarder)
      if (listeners.size === 0) {
        source?.close()
        source = null
      }
    }
  }

  return {
    transport: 'http',
    async call<M extends Method>(method: M, input: CallInput<M>): Promise<CallResult<M>> {
      let response: Response
      try {
        response = await fetch(`/api/${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        })
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        throw new CallError('unavailable', `cannot reach the Sauti server (${message})`)
      }
      let envelope: unknown
      try {
        envelope = await response.json()
      } catch {
        // Errors still come back as envelopes; anything else is a proxy or a crashed server.
        throw new CallError(
          response.status === 401 ? 'forbidden' : 'internal',
          `${method}: the server answered ${response.status} ${response.statusText} without a result`,
        )
      }
      return unwrap<CallResult<M>>(method, envelope)
    },
    on<E extends EventName>(event: E, listener: EventHandler<E>): () => void {
      return subscribe(event, listener as AnyListener)
    },
    mediaUrl(recordingId: number): string {
      return `/media/${Math.trunc(recordingId)}`
    },
    onReconnect(listener: () => void): () => void {
      reconnectListeners.add(listener)
      return () => reconnectListeners.delete(listener)
    },
  }
}
