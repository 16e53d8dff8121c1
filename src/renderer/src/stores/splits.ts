import { defineStore } from 'pinia'
import type { SplitOverview } from '../../../shared/domain'
import { useAsync } from '../composables/useAsync'
import { useClient } from '../composables/useClient'

/** How the project's transcribed audio is divided into train, dev and test. */
export const useSplitsStore = defineStore('splits', () => {
  const client = useClient()
  const overview = useAsync<SplitOverview>()

  async function load(): Promise<void> {
    await overview.run(() => client.call('splits.show', {}))
  }

  async function change(input: {
    actorId: number
    devShare?: number
    testShare?: number
    minDevMinutes?: number
    reassign: boolean
  }): Promise<void> {
    await overview.run(() => client.call('splits.set', input))
  }

  return { overview: overview.data, error: overview.error, load, change }
})
