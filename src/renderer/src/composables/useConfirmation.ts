import type { ComputedRef, ShallowRef } from 'vue'
import { computed, useTemplateRef } from 'vue'
import type { CallError } from '../api/client'
import { useAsync } from './useAsync'

/** What a confirmation dialog offers its screen (ConsentConfirmDialog). */
interface ConfirmDialog {
  open(): unknown
  close(): void
}

export interface Confirmation<T> {
  /** The change is under way (the dialog's button waits). */
  busy: ComputedRef<boolean>
  /** Why the change was refused, shown in the dialog, which stays open. */
  error: ShallowRef<CallError | null>
  /** Opens the dialog, the last refusal cleared. */
  ask(): void
  /** Makes the confirmed change and closes the dialog once it is made; undefined when refused. */
  confirm(change: () => Promise<T>): Promise<T | undefined>
}

/**
 * A change a user confirms in a dialog (withdrawing consent, a merge, a purge): the dialog named
 * `refName` in the template opens clean, waits while the change runs, and closes once it is made,
 * or stays open with the refusal.
 */
export function useConfirmation<T>(refName: string): Confirmation<T> {
  const dialog = useTemplateRef<ConfirmDialog>(refName)
  const change = useAsync<T>()

  function ask(): void {
    change.error.value = null
    void dialog.value?.open()
  }

  async function confirm(task: () => Promise<T>): Promise<T | undefined> {
    const done = await change.run(task)
    if (done) dialog.value?.close()
    return done
  }

  return {
    busy: computed(() => change.status.value === 'loading'),
    error: change.error,
    ask,
    confirm,
  }
}
