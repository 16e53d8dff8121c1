import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { EventMap } from '../../../shared/contract'
import type { JobKind, MachineOutputChoice } from '../../../shared/domain'
import type { ErrorInfo } from '../../../shared/errors'
import type { Said } from '../../../shared/messages'
import { toCallError } from '../api/client'
import { useClient } from '../composables/useClient'

export interface RunningJob {
  id: string
  kind: JobKind
  /** What it is doing, in English; `said` the same by key, for the status bar's language. */
  label: string
  said?: Said
  done: number
  total: number
  /** Whether this person may cancel it: they started it, or they lead (the server decides). */
  cancellable: boolean
  cancelling: boolean
  cancelError: ErrorInfo | null
}

export type FinishedJob = EventMap['job.finished'] & { label: string }

/** How many finished jobs the status bar keeps until they are dismissed. */
const keepFinished = 5

/** Background jobs of this session: progress while they run, their outcome when they end. */
export const useJobsStore = defineStore('jobs', () => {
  const client = useClient()
  const running = ref<RunningJob[]>([])
  const finished = ref<FinishedJob[]>([])
  const loadError = ref<ErrorInfo | null>(null)

  function find(jobId: string): RunningJob | undefined {
    return running.value.find((job) => job.id === jobId)
  }

  /** Adds a job the list does not show yet; a finished one stays finished. */
  function see(
    jobId: string,
    kind: JobKind,
    { label, said }: { label: string; said?: Said },
    cancellable: boolean,
  ): void {
    if (find(jobId) || finished.value.some((job) => job.jobId === jobId)) return
    running.value.push({
      id: jobId,
      kind,
      label,
      said,
      done: 0,
      total: 0,
      cancellable,
      cancelling: false,
      cancelError: null,
    })
  }

  /**
   * Shows a job this window started as soon as its start call answers, before its first
   * progress event; whoever started a job may cancel it.
   */
  function track(jobId: string, kind: JobKind, label = ''): void {
    see(jobId, kind, { label }, true)
    const job = find(jobId)
    if (job) job.cancellable = true
  }

  function onProgress(progress: EventMap['job.progress']): void {
    if (!find(progress.jobId)) {
      see(progress.jobId, progress.kind, progress, false)
      // Someone else's job (or this window's, before its start call answered): the server says
      // whether this person may cancel it.
      void load()
    }
    advance(progress.jobId, progress)
  }

  /** Where a shown job stands now, from its progress event or from the server's list. */
  function advance(
    jobId: string,
    now: Pick<RunningJob, 'done' | 'total' | 'label' | 'said'>,
  ): RunningJob | undefined {
    const job = find(jobId)
    if (!job) return undefined
    job.done = now.done
    job.total = now.total
    job.label = now.label
    job.said = now.said
    return job
  }

  function onFinished(outcome: EventMap['job.finished']): void {
    const label = find(outcome.jobId)?.label ?? ''
    running.value = running.value.filter((job) => job.id !== outcome.jobId)
    if (finished.value.some((job) => job.jobId === outcome.jobId)) return
    finished.value = [{ ...outcome, label }, ...finished.value].slice(0, keepFinished)
  }

  /** Picks up jobs running on the server, and settles tracked ones that ended unseen. */
  async function load(): Promise<void> {
    try {
      const jobs = await client.call('job.list', {})
      loadError.value = null
      for (const job of jobs) {
        if (job.status !== 'running') {
          // Finished while we were not listening (a dropped event stream): settle it here.
          if (find(job.id)) onFinished({ jobId: job.id, kind: job.kind, status: job.status })
          continue
        }
        see(job.id, job.kind, job, job.cancellable)
        const shown = advance(job.id, job)
        if (shown) shown.cancellable = job.cancellable
      }
    } catch (caught) {
      const { kind, message } = toCallError(caught)
      loadError.value = { kind, message }
    }
  }

  /** Starts an import; throws a CallError the dialog shows. */
  /**
   * Starts importing paths; with `machineOutput`, the manifests' transcripts come in as machine
   * output to correct, recorded as imported by `actorId` when a profile is chosen.
   */
  async function startImport(
    paths: string[],
    machineOutput?: MachineOutputChoice,
    actorId?: number,
  ): Promise<string> {
    const { jobId } = await client.call('import.start', {
      paths,
      ...(machineOutput ? { machineOutput } : {}),
      ...(machineOutput && actorId !== undefined ? { actorId } : {}),
    })
    track(jobId, 'import')
    return jobId
  }

  /** Starts pseudo-labelling with a registered model; throws a CallError the dialog shows. */
  async function startLabel(model: string, nBest: number): Promise<string> {
    const { jobId } = await client.call('label.start', { model, nBest })
    track(jobId, 'label')
    return jobId
  }

  async function cancel(jobId: string): Promise<void> {
    const job = find(jobId)
    if (!job || job.cancelling) return
    job.cancelling = true
    job.cancelError = null
    try {
      const { cancelled } = await client.call('job.cancel', { jobId })
      // A cancelled job leaves the list when its job.finished event arrives; one that could
      // not be cancelled (it was just finishing) gets its button back meanwhile.
      const current = find(jobId)
      if (!cancelled && current) current.cancelling = false
    } catch (caught) {
      const current = find(jobId)
      if (current) {
        current.cancelling = false
        // With its key: a refusal names the job, and the status bar says it in its language.
        current.cancelError = toCallError(caught).toInfo()
      }
    }
  }

  function dismiss(jobId: string): void {
    finished.value = finished.value.filter((job) => job.jobId !== jobId)
  }

  function listen(): () => void {
    const stops = [client.on('job.progress', onProgress), client.on('job.finished', onFinished)]
    return () => stops.forEach((stop) => stop())
  }

  return {
    running,
    finished,
    loadError,
    load,
    startImport,
    startLabel,
    cancel,
    dismiss,
    listen,
    track,
  }
})
