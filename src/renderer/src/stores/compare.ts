import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EventMap } from '../../../shared/contract/events'
import type { CheckpointComparison, ComparedHead } from '../../../shared/domain'
import { CallError, toCallError } from '../api/client'
import { useAsync } from '../composables/useAsync'
import { useClient } from '../composables/useClient'
import { useJobsStore } from './jobs'

/** Which way the utterances the two read differently are listed. */
export type CompareOrder = 'worse' | 'better'

/** Older first: the base model, then checkpoints by id, so B is the newer one. */
const older = (x: ComparedHead, y: ComparedHead): number =>
  x === 'base' ? -1 : y === 'base' ? 1 : x - y

/**
 * The comparison of two models on the Model screen (docs/ui.md, "Comparing two models"), kept
 * while the app is open: opening an utterance in the editor and coming back shows it as it was.
 */
export const useCompareStore = defineStore('compare', () => {
  const client = useClient()
  const jobs = useJobsStore()
  const pair = ref<{ a: ComparedHead; b: ComparedHead } | null>(null)
  const split = ref<'dev' | 'test'>('dev')
  const order = ref<CompareOrder>('worse')
  const result = useAsync<CheckpointComparison>()
  /** The scoring job this view started, while it runs. */
  const scoringJob = ref<string | null>(null)
  const scoreError = shallowRef<CallError | null>(null)
  /** The utterance last opened in the editor, which the editor offers to come back from. */
  const openedId = ref<number | null>(null)

  const scoring = computed(() => jobs.running.find((j) => j.id === scoringJob.value) ?? null)
  const utterances = computed(() => {
    const list = result.data.value?.utterances ?? []
    return order.value === 'worse' ? list : [...list].reverse()
  })

  async function load(): Promise<void> {
    const chosen = pair.value
    if (!chosen) return
    await result.run(() => client.call('checkpoint.compare', { ...chosen, split: split.value }))
  }

  /** Shows the two side by side, the older as A. */
  async function open(x: ComparedHead, y: ComparedHead): Promise<void> {
    const [a, b] = [x, y].sort(older) as [ComparedHead, ComparedHead]
    pair.value = { a, b }
    openedId.value = null
    result.data.value = null
    await load()
  }

  function close(): void {
    pair.value = null
    openedId.value = null
  }

  async function swap(): Promise<void> {
    if (!pair.value) return
    pair.value = { a: pair.value.b, b: pair.value.a }
    await load()
  }

  async function setSplit(next: 'dev' | 'test'): Promise<void> {
    split.value = next
    await load()
  }

  function finished(f: EventMap['job.finished']): void {
    scoringJob.value = null
    if (f.status === 'failed' && f.error)
      scoreError.value = new CallError(f.error.kind, f.error.message)
    void load()
  }

  /** Decodes today's split with both where they have not, as a job; the view reloads after it. */
  async function score(): Promise<void> {
    const chosen = pair.value
    if (!chosen) return
    scoreError.value = null
    try {
      const { jobId } = await client.call('checkpoint.score', { ...chosen, split: split.value })
      // A job of a few utterances can end before this answer arrives: the jobs store has kept
      // its end, which this view's own listener, not yet knowing the id, let pass.
      const early = jobs.finished.find((j) => j.jobId === jobId)
      if (early) return finished(early)
      scoringJob.value = jobId
      jobs.track(jobId, 'evaluate')
    } catch (caught) {
      scoreError.value = toCallError(caught)
    }
  }

  function listen(): () => void {
    return client.on('job.finished', (f) => {
      if (f.jobId === scoringJob.value) finished(f)
    })
  }

  return {
    pair,
    split,
    order,
    comparison: result.data,
    status: result.status,
    error: result.error,
    utterances,
    scoring,
    scoringJob,
    scoreError,
    openedId,
    load,
    open,
    close,
    swap,
    setSplit,
    score,
    listen,
  }
})
