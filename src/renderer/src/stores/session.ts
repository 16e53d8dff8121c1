import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Identity } from '../../../shared/domain'
import type { CallError } from '../api/call-error'
import { toCallError } from '../api/call-error'
import * as auth from '../api/http-auth'
import { useClient } from '../composables/useClient'

/**
 * Who the server takes this window to be (docs/team-server.md): the local owner (the desktop
 * app, a loopback `sauti serve`), who chooses profiles as before, or a team account, signed in.
 */
export const useSessionStore = defineStore('session', () => {
  const client = useClient()
  const identity = ref<Identity | null>(null)
  const state = ref<'loading' | 'signedOut' | 'ready' | 'error'>('loading')
  const error = ref<CallError | null>(null)

  async function load(): Promise<void> {
    try {
      identity.value = await client.call('account.me', {})
      state.value = 'ready'
    } catch (caught) {
      const e = toCallError(caught)
      identity.value = null
      state.value = e.details?.signIn === true ? 'signedOut' : 'error'
      error.value = state.value === 'error' ? e : null
    }
  }

  async function signIn(login: string, password: string): Promise<void> {
    await auth.signIn(login, password)
    await load()
  }

  async function accept(token: string, password: string): Promise<void> {
    await auth.acceptLink(token, password)
    await load()
  }

  async function signOut(): Promise<void> {
    await auth.signOut()
    identity.value = null
    state.value = 'signedOut'
  }

  const account = computed(() =>
    identity.value?.mode === 'account' ? identity.value.account : null,
  )
  /** Leads and admins (and the owner) run the project: people, consent, backups. */
  const runsProject = computed(
    () => identity.value?.mode === 'owner' || ['lead', 'admin'].includes(account.value?.role ?? ''),
  )
  return { identity, state, error, account, runsProject, load, signIn, accept, signOut }
})
