import { onScopeDispose } from 'vue'

/**
 * What an owner registered (event listeners, plugin and client subscriptions, timers),
 * kept as the functions that undo it and released together, the way wavesurfer's plugins keep
 * their `subscriptions`: nothing registered is left behind when the owner goes.
 */
export class Subscriptions {
  private undo: (() => void)[] = []

  /** Keeps an unsubscribe function (wavesurfer's `on()`, the client's `on()`). */
  add(unsubscribe: () => void): void {
    this.undo.push(unsubscribe)
  }

  listen<K extends keyof WindowEventMap>(
    target: Window,
    type: K,
    listener: (event: WindowEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void
  listen<K extends keyof DocumentEventMap>(
    target: Document,
    type: K,
    listener: (event: DocumentEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void
  listen<K extends keyof HTMLElementEventMap>(
    target: HTMLElement,
    type: K,
    listener: (event: HTMLElementEventMap[K]) => void,
    options?: AddEventListenerOptions,
  ): void
  listen(
    target: EventTarget,
    type: string,
    listener: (event: Event) => void,
    options?: AddEventListenerOptions,
  ): void {
    target.addEventListener(type, listener, options)
    this.add(() => target.removeEventListener(type, listener, options))
  }

  /** Undoes everything registered so far, newest first; the owner may register again after. */
  release(): void {
    const undo = this.undo
    this.undo = []
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!()
  }
}

/** Subscriptions released when the calling component (or effect scope) ends. */
export function useSubscriptions(): Subscriptions {
  const subscriptions = new Subscriptions()
  onScopeDispose(() => subscriptions.release())
  return subscriptions
}
