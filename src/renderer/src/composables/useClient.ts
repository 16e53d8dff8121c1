import type { InjectionKey } from 'vue'
import { inject } from 'vue'
import type { SautiClient } from '../api/client'

/** main.ts provides the one client for the app; components and stores inject it. */
export const clientKey: InjectionKey<SautiClient> = Symbol('sauti-client')

export function useClient(): SautiClient {
  const client = inject(clientKey)
  if (!client) throw new Error('useClient() needs a client provided with app.provide(clientKey, …)')
  return client
}
