import type { EventMap, EventName } from '../../shared/contract'

type Listener<E extends EventName> = (payload: EventMap[E]) => void
type AnyListener = <E extends EventName>(event: E, payload: EventMap[E]) => void

/** A typed event bus; on() returns its own unsubscribe, as wavesurfer's plugins do. */
export class EventBus {
  private readonly listeners = new Map<EventName, Set<Listener<EventName>>>()
  private readonly anyListeners = new Set<AnyListener>()

  on<E extends EventName>(event: E, listener: Listener<E>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as Listener<EventName>)
    return () => set.delete(listener as Listener<EventName>)
  }

  /** Every event, for hosts that forward them all (SSE, IPC). */
  onAny(listener: AnyListener): () => void {
    this.anyListeners.add(listener)
    return () => this.anyListeners.delete(listener)
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload)
    for (const listener of this.anyListeners) listener(event, payload)
  }

  listenerCount(): number {
    let n = this.anyListeners.size
    for (const set of this.listeners.values()) n += set.size
    return n
  }
}
