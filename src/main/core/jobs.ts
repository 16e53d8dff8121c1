import { randomUUID } from 'node:crypto'
import type {
  AnnotationImportSummary,
  ComparisonScoring,
  ExportSummary,
  ImportSummary,
  JobInfo,
  JobKind,
  LabelSummary,
  ModelRegistration,
  TrainSummary,
} from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { formatMessage, type Said } from '../../shared/messages'
import type { Caller } from './accounts/caller'
import { classify } from './dispatch'
import type { EventBus } from './events'

/**
 * What a job is doing now: words by key (said in the reader's language in the UI), or a name
 * that needs no translating (a file, a model).
 */
export type JobStep = Said | string

export interface JobContext {
  signal: AbortSignal
  progress(done: number, total: number, step?: JobStep): void
}

/**
 * What long work takes from the job that runs it: the signal that cancels it and where to say
 * how far it has come. Work run outside a job (a script, a test) may leave both out.
 */
export interface WorkControl {
  signal?: AbortSignal
  onProgress?: (done: number, total: number, step: JobStep) => void
}

/** A step's English text, and its key and arguments when it has them. */
function stepText(step: JobStep): { label: string; said?: Said } {
  return typeof step === 'string'
    ? { label: step }
    : { label: formatMessage(step.key, step.args), said: step }
}

/** A step in English, as the CLI prints it. */
export const stepLabel = (step: JobStep): string => stepText(step).label

/** What a finished job reports, by kind. */
export type JobOutcome =
  | { summary: ImportSummary }
  | { labelled: LabelSummary }
  | { trained: TrainSummary }
  | { exported?: ExportSummary }
  | { annotations: AnnotationImportSummary }
  | { registered: ModelRegistration }
  | { scored: ComparisonScoring }

/**
 * Where jobs are recorded across processes (project/lease.ts): who runs them, and how they
 * ended. `begin` gives null for jobs it does not record.
 */
export interface JobLedger {
  begin(kind: JobKind, label: string, input: unknown): number | null
  end(runId: number, status: 'done' | 'cancelled' | 'failed', message: string): void
}

/** A job's record, before the one asking is told whether they may cancel it. */
export type JobRecord = Omit<JobInfo, 'cancellable'>

/**
 * Who started a job: the caller of the call that started it, or null for work the project
 * starts by itself (a training after enough corrections). Kept in memory with the job, since
 * only a running job can be cancelled (accounts/access.ts says who may).
 */
export type JobStarter = Caller | null

export interface JobStart {
  startedBy: JobStarter
  /**
   * What it would take to run the job again (recorded with it, so an interrupted labelling can
   * be resumed by the next start).
   */
  input?: unknown
}

interface RunningJob {
  info: JobRecord
  startedBy: JobStarter
  controller: AbortController
  promise: Promise<void>
}

/** Long work with progress and cancellation; results and failures arrive as events. */
export class Jobs {
  private readonly jobs = new Map<string, RunningJob>()

  constructor(
    private readonly events: EventBus,
    private readonly ledger?: JobLedger,
  ) {}

  /** Whether a job of one of these kinds is running (one training, one labelling at a time). */
  running(...kinds: JobKind[]): boolean {
    return [...this.jobs.values()].some(
      (j) => kinds.includes(j.info.kind) && j.info.status === 'running',
    )
  }

  /** Starts `work` as a job named by `title`, recording who started it. */
  start(
    kind: JobKind,
    title: Said,
    work: (ctx: JobContext) => Promise<JobOutcome>,
    { startedBy, input = {} }: JobStart,
  ): string {
    const id = randomUUID()
    const label = formatMessage(title.key, title.args)
    const runId = this.ledger?.begin(kind, label, input)
    const record = (status: 'done' | 'cancelled' | 'failed', message: string): void => {
      if (runId !== undefined && runId !== null) this.ledger?.end(runId, status, message)
    }
    const controller = new AbortController()
    const info: JobRecord = {
      id,
      kind,
      label,
      said: title,
      status: 'running',
      done: 0,
      total: 0,
      startedAt: new Date().toISOString(),
    }
    let lastEmit = 0
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, step) => {
        info.done = done
        info.total = total
        const now = Date.now()
        // At most ~10 events a second, but always the last one.
        if (now - lastEmit < 100 && done < total) return
        lastEmit = now
        const shown = step === undefined ? { label, said: title } : stepText(step)
        this.events.emit('job.progress', { jobId: id, kind, done, total, ...shown })
      },
    }
    const promise = work(ctx).then(
      (outcome) => {
        info.status = controller.signal.aborted ? 'cancelled' : 'done'
        record(info.status, '')
        this.events.emit('job.finished', { jobId: id, kind, status: info.status, ...outcome })
      },
      (error: unknown) => {
        info.status = 'failed'
        const classified = classify(error)
        record('failed', classified.message)
        this.events.emit('job.finished', { jobId: id, kind, status: 'failed', error: classified })
      },
    )
    this.jobs.set(id, { info, startedBy, controller, promise })
    return id
  }

  /** The jobs, with who started each (for `job.list` to say which the one asking may cancel). */
  list(): (JobRecord & { startedBy: JobStarter })[] {
    return [...this.jobs.values()].map((j) => ({ ...j.info, startedBy: j.startedBy }))
  }

  /** Who started a job, and what it is called, for deciding who may cancel it. */
  about(id: string): { title: Said; startedBy: JobStarter } {
    const job = this.find(id)
    return { title: job.info.said, startedBy: job.startedBy }
  }

  /**
   * Cancels a running job; false when it has ended. Whether the one asking may is the caller's
   * to check first (`about`): the CLI cancels its own jobs.
   */
  cancel(id: string): boolean {
    const job = this.find(id)
    if (job.info.status !== 'running') return false
    job.controller.abort()
    return true
  }

  /** Resolves when the job has finished (for the CLI and tests). */
  async wait(id: string): Promise<JobRecord> {
    const job = this.find(id)
    await job.promise
    return { ...job.info }
  }

  private find(id: string): RunningJob {
    const job = this.jobs.get(id)
    if (!job) throw SautiError.saying('not_found', 'noJob', { id })
    return job
  }

  async cancelAll(): Promise<void> {
    for (const job of this.jobs.values()) job.controller.abort()
    await Promise.all([...this.jobs.values()].map((j) => j.promise))
  }
}
