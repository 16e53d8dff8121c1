import type { Ref } from 'vue'
import { onMounted, ref } from 'vue'
import { useAction } from './useAction'

export interface EditedList<T> {
  /** What the server held at the last reading. */
  items: Ref<T[]>
  /** Why the last change or reading failed, in the interface language. */
  error: Ref<string | null>
  /** Runs a change, then reads the list again; a failure is said in `error`. */
  change(task: () => Promise<unknown>): Promise<void>
}

/**
 * A list a screen changes through calls (a team's accounts, who holds which utterance): read on
 * opening and again after each change, so it always shows what the server holds rather than a
 * guess at what the change did.
 */
export function useEditedList<T>(read: () => Promise<T[]>): EditedList<T> {
  const action = useAction()
  const items = ref<T[]>([]) as Ref<T[]>

  async function change(task: () => Promise<unknown>): Promise<void> {
    await action.run(async () => {
      await task()
      items.value = await read()
    })
  }

  onMounted(() => change(async () => {}))
  return { items, error: action.error, change }
}
