import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Annotator, AnnotatorRole } from '../../../shared/domain'
import { useClient } from '../composables/useClient'
import { useSessionStore } from './session'

const STORAGE_KEY = 'sauti.annotator'

/**
 * Who is annotating, recorded on every revision: on a team server the signed-in account's
 * profile; otherwise chosen (or created) on start.
 */
export const useAnnotatorStore = defineStore('annotator', () => {
  const client = useClient()
  const session = useSessionStore()
  const profiles = ref<Annotator[]>([])
  const current = ref<Annotator | null>(null)
  const loaded = ref(false)

  async function load(): Promise<void> {
    profiles.value = await client.call('annotator.list', {})
    const account = session.account
    const remembered = account ? String(account.annotatorId) : localStorage.getItem(STORAGE_KEY)
    current.value = profiles.value.find((p) => String(p.id) === remembered) ?? null
    loaded.value = true
  }

  function choose(profile: Annotator): void {
    current.value = profile
    localStorage.setItem(STORAGE_KEY, String(profile.id))
  }

  async function create(input: {
    name: string
    role: AnnotatorRole
    languages: string[]
  }): Promise<Annotator> {
    const profile = await client.call('annotator.create', input)
    profiles.value = [...profiles.value, profile].sort((a, b) => a.name.localeCompare(b.name))
    choose(profile)
    return profile
  }

  function signOut(): void {
    current.value = null
    localStorage.removeItem(STORAGE_KEY)
    if (session.account) void session.signOut()
  }

  return {
    profiles,
    current,
    loaded,
    needsProfile: computed(() => loaded.value && current.value === null),
    load,
    choose,
    create,
    signOut,
  }
})
