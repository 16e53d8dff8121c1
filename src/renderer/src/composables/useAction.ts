import type { Ref } from 'vue'
import { ref } from 'vue'
import { toCallError } from '../api/call-error'
import { useErrorText } from './useErrorText'

export interface Action {
  /** The action is running (its button waits). */
  busy: Ref<boolean>
  /** Why it failed, in the interface language; the screen may set it too, for a refusal of its own. */
  error: Ref<string | null>
  /** Runs the task, the last error cleared first; false when it failed. */
  run(task: () => Promise<unknown>): Promise<boolean>
}

/**
 * Something a user does that calls the core (sign in, back up, decide, save settings): busy while
 * it runs, and a failure said in the interface language. Unlike useAsync it keeps no data, and
 * its error is a sentence the screen shows as it is.
 */
export function useAction(): Action {
  const errorText = useErrorText()
  const busy = ref(false)
  const error = ref<string | null>(null)

  async function run(task: () => Promise<unknown>): Promise<boolean> {
    busy.value = true
    error.value = null
    try {
      await task()
      return true
    } catch (caught) {
      error.value = errorText(toCallError(caught))
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, error, run }
}
