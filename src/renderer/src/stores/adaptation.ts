import { defineStore } from 'pinia'
import type { AcquisitionStrategy, AdaptationStatus } from '../../../shared/domain'
import { CallError } from '../api/client'
import { useAsync } from '../composables/useAsync'
import { useClient } from '../composables/useClient'
import { useAnnotatorStore } from './annotator'
import { useJobsStore } from './jobs'

/** The project's adaptation: checkpoints (the learning curve), queue strategy, training. */
export const useAdaptationStore = defineStore('adaptation', () => {
  const client = useClient()
  const jobs = useJobsStore()
  const annotator = useAnnotatorStore()
  const status = useAsync<AdaptationStatus>()

  async function load(): Promise<void> {
    await status.run(() => client.call('adaptation.status', {}))
  }

  async function update(patch: {
    strategy?: AcquisitionStrategy
    autoTrainAfter?: number
  }): Promise<void> {
    await status.run(() => client.call('adaptation.update', patch))
  }

  async function train(): Promise<void> {
    const { jobId } = await client.call('train.start', {})
    jobs.track(jobId, 'train')
    await load()
  }

  /** Puts a checkpoint (or the base model) back in use, saying why; a lead only. */
  async function activate(checkpoint: number | 'base', reason: string): Promise<void> {
    const actorId = annotator.current?.id
    if (actorId === undefined) throw new CallError('forbidden', 'choose your profile first.')
    status.data.value = await client.call('checkpoint.activate', { actorId, checkpoint, reason })
  }

  /** A training that ends (or starts by itself after enough corrections) changes the status. */
  function listen(): () => void {
    const offFinished = client.on('job.finished', (f) => {
      if (f.kind === 'train') void load()
    })
    const offProgress = client.on('job.progress', (p) => {
      if (p.kind === 'train' && status.data.value && !status.data.value.training) void load()
    })
    return () => {
      offFinished()
      offProgress()
    }
  }

  return { status: status.data, error: status.error, load, update, train, activate, listen }
})
