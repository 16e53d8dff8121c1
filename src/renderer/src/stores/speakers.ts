import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { CallInput } from '../../../shared/contract'
import type {
  ConsentRecord,
  ConsentScope,
  ExportCounts,
  PurgeRecord,
  Speaker,
  WithdrawalSummary,
} from '../../../shared/domain'
import { CallError, toCallError } from '../api/client'
import { useClient } from '../composables/useClient'
import { useAnnotatorStore } from './annotator'
import { useJobsStore } from './jobs'

export type SpeakerFields = Omit<CallInput<'speaker.create'>, 'actorId'>
export type GrantInput = Omit<CallInput<'consent.grant'>, 'actorId' | 'speakerId'>
export type ExportInput = Omit<CallInput<'export.start'>, 'actorId'>
export type ExportPreviewInput = Omit<CallInput<'export.preview'>, 'actorId'>

/**
 * The speaker registry and the selected speaker's consent records. Every change names the
 * profile in use as `actorId`; the core decides whether that profile may make it (a lead for consent,
 * merges, assignments and exports), so a refusal comes back as a `forbidden` CallError.
 */
export const useSpeakersStore = defineStore('speakers', () => {
  const client = useClient()
  const annotator = useAnnotatorStore()
  const jobs = useJobsStore()
  const speakers = ref<Speaker[]>([])
  const selectedId = ref<number | null>(null)
  const records = ref<ConsentRecord[]>([])
  const purges = ref<PurgeRecord[]>([])
  const loadError = shallowRef<CallError | null>(null)
  const loading = ref(false)

  const selected = computed(() => speakers.value.find((s) => s.id === selectedId.value) ?? null)
  /** Speakers that can still take recordings (merged duplicates only resolve old references). */
  const active = computed(() => speakers.value.filter((s) => s.mergedInto === null))
  const isLead = computed(() => annotator.current?.role === 'lead')

  /** The acting profile's id; without one the core would refuse anyway, so say it here. */
  function by(): number {
    const id = annotator.current?.id
    if (id === undefined) throw new CallError('forbidden', 'choose your profile first.')
    return id
  }

  async function loadRecords(): Promise<void> {
    const id = selectedId.value
    if (id === null) {
      records.value = []
      purges.value = []
      return
    }
    const [list, allPurges] = await Promise.all([
      client.call('consent.list', { speakerId: id }),
      client.call('consent.purges', {}),
    ])
    if (selectedId.value !== id) return
    records.value = list
    purges.value = allPurges.filter((p) => p.speakerId === id)
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      speakers.value = await client.call('speaker.list', {})
      if (selectedId.value !== null && !selected.value) selectedId.value = null
      await loadRecords()
      loadError.value = null
    } catch (caught) {
      loadError.value = toCallError(caught)
    } finally {
      loading.value = false
    }
  }

  async function select(id: number | null): Promise<void> {
    selectedId.value = id
    records.value = []
    purges.value = []
    try {
      await loadRecords()
    } catch (caught) {
      loadError.value = toCallError(caught)
    }
  }

  async function create(fields: SpeakerFields): Promise<Speaker> {
    const speaker = await client.call('speaker.create', { actorId: by(), ...fields })
    await load()
    await select(speaker.id)
    return speaker
  }

  async function update(id: number, fields: Partial<SpeakerFields>): Promise<Speaker> {
    const speaker = await client.call('speaker.update', { actorId: by(), id, ...fields })
    await load()
    return speaker
  }

  async function merge(sourceId: number, targetId: number): Promise<Speaker> {
    const target = await client.call('speaker.merge', { actorId: by(), sourceId, targetId })
    await load()
    await select(target.id)
    return target
  }

  async function assign(
    speakerId: number,
    recordingIds: number[],
  ): Promise<{ recordings: number; utterances: number }> {
    const result = await client.call('speaker.assign', { actorId: by(), speakerId, recordingIds })
    await load()
    return result
  }

  async function grant(speakerId: number, input: GrantInput): Promise<ConsentRecord[]> {
    const granted = await client.call('consent.grant', { actorId: by(), speakerId, ...input })
    await load()
    return granted
  }

  async function withdraw(
    speakerId: number,
    scope: ConsentScope | 'all',
  ): Promise<WithdrawalSummary> {
    const summary = await client.call('consent.withdraw', { actorId: by(), speakerId, scope })
    await load()
    return summary
  }

  async function purge(
    speakerId: number,
    reason: string,
    includeShared: boolean,
  ): Promise<PurgeRecord> {
    const record = await client.call('consent.purge', {
      actorId: by(),
      speakerId,
      reason,
      includeShared,
    })
    await load()
    return record
  }

  /** What an export with these choices would hold and leave out, before it runs. */
  function previewExport(input: ExportPreviewInput): Promise<ExportCounts> {
    return client.call('export.preview', { actorId: by(), ...input })
  }

  /** Starts an export job and shows it in the status bar at once. */
  async function startExport(input: ExportInput): Promise<string> {
    const { jobId } = await client.call('export.start', { actorId: by(), ...input })
    jobs.track(jobId, 'export', input.dir)
    return jobId
  }

  return {
    speakers,
    active,
    selectedId,
    selected,
    records,
    purges,
    loadError,
    loading,
    isLead,
    load,
    select,
    create,
    update,
    merge,
    assign,
    grant,
    withdraw,
    purge,
    previewExport,
    startExport,
  }
})
