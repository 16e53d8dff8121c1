import type { Ref, ShallowRef } from 'vue'
import { ref, shallowRef } from 'vue'
import type { CallError } from '../api/client'
import { toCallError } from '../api/client'

export type AsyncStatus = 'idle' | 'loading' | 'done' | 'error'

export interface AsyncState<T> {
  status: Ref<AsyncStatus>
  error: ShallowRef<CallError | null>
  data: ShallowRef<T | null>
  /** Runs the task; a run started later wins, so a slow earlier reply never overwrites it. */
  run(task: () => Promise<T>): Promise<T | undefined>
}

/** One piece of loaded data with its status and error, for a component to render. */
export function useAsync<T>(): AsyncState<T> {
  const status = ref<AsyncStatus>('idle')
  const error = shallowRef<CallError | null>(null)
  const data = shallowRef<T | null>(null)
  let latest = 0

  async function run(task: () => Promise<T>): Promise<T | undefined> {
    const ticket = ++latest
    status.value = 'loading'
    error.value = null
    try {
      const value = await task()
      if (ticket !== latest) return undefined
      data.value = value
      status.value = 'done'
      return value
    } catch (caught) {
      if (ticket !== latest) return undefined
      error.value = toCallError(caught)
      status.value = 'error'
      return undefined
    }
  }

  return { status, error, data, run }
}
