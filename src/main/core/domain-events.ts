import type { UtteranceStatus } from '../../shared/domain'

/**
 * What happened in the project, for work that follows it in other rooms (docs/ARCHITECTURE.md,
 * "Domain events"). Published after the change is committed, never inside its transaction, so
 * a subscriber sees the change and cannot undo it. These stay in the core; the windows hear the
 * contract's events (events.ts).
 */
export interface DomainEventMap {
  /** A final save (not an autosave) was committed; `status` is the utterance's status after it. */
  'utterance.saved': { utteranceId: number; actorId: number; status: UtteranceStatus }
  /** A save left the utterance flagged (noise, another language, …). */
  'utterance.flagged': { utteranceId: number }
  /** A labelling run stored new hypotheses for this many utterances. */
  'utterances.labelled': { count: number }
}
export type DomainEventName = keyof DomainEventMap

type Subscriber<E extends DomainEventName> = (payload: DomainEventMap[E]) => void | Promise<void>

/** A typed bus for domain events; `on()` returns its own unsubscribe. */
export class DomainEvents {
  private readonly subscribers = new Map<DomainEventName, Set<Subscriber<never>>>()

  on<E extends DomainEventName>(event: E, subscriber: Subscriber<E>): () => void {
    let set = this.subscribers.get(event)
    if (!set) this.subscribers.set(event, (set = new Set()))
    set.add(subscriber as Subscriber<never>)
    return () => set.delete(subscriber as Subscriber<never>)
  }

  /**
   * Calls every subscriber in the order they subscribed, then waits for those that returned a
   * promise: a publisher that must not finish before the follow-up work (a labelling job and its
   * re-ranking) awaits this; one that must not wait (a save) has subscribers that return at once.
   */
  async publish<E extends DomainEventName>(event: E, payload: DomainEventMap[E]): Promise<void> {
    const pending = [...(this.subscribers.get(event) ?? [])].map((s) =>
      (s as Subscriber<E>)(payload),
    )
    await Promise.all(pending)
  }
}
