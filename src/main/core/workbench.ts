import { rm } from 'node:fs/promises'
import type { Method } from '../../shared/contract'
import type { Result } from '../../shared/errors'
import { SautiError } from '../../shared/errors'
import { composeRooms } from '../../shared/rooms'
import { adaptCalls } from './adapt/calls'
import { LearningLoop } from './adapt/learning-loop'
import type { SimulationOptions, SimulationReport } from './adapt/simulation'
import type { TrainWorkers } from './adapt/train-workers'
import { annotateCalls } from './annotate/calls'
import { asrCalls } from './asr/calls'
import type { InferenceWorkers } from './asr/inference-workers'
import { importModel } from './asr/model-store'
import type { SessionSettings } from './asr/providers'
import type { AudioWorkers } from './audio/audio-workers'
import { audioCalls, mediaFile } from './audio/calls'
import type { CallContext, CallTable } from './call-context'
import { consentCalls } from './consent/calls'
import { corpusImportCalls } from './corpus-import/calls'
import type { OpenDatabaseOptions } from './db/connection'
import { dispatch } from './dispatch'
import { DomainEvents } from './domain-events'
import { EventBus } from './events'
import { exportCalls } from './export/calls'
import { Jobs } from './jobs'
import { languageCalls } from './language/calls'
import { projectCalls } from './project/calls'
import type { OpenProject } from './project/projects'
import { interruptedJobs, markResumed, ProcessLease } from './project/lease'
import { hasUnlabelled } from './project/queries'
import { provenanceCalls } from './provenance/calls'
import { reportCalls } from './report/calls'
import { reviewCalls } from './review/calls'

export interface WorkbenchOptions {
  dataDir: string
  project: OpenProject
  audioWorkers: AudioWorkers
  inferenceWorkers: InferenceWorkers
  /** The training worker (adapters and CTC heads). */
  trainWorkers: TrainWorkers
  /** Silero VAD v5 ONNX file (models/vad/silero_vad_v5.onnx). */
  vadModel: string
  /** Execution providers, threads and graph optimisation for inference. */
  sessionSettings?: SessionSettings
  version: string
  host: 'electron' | 'http'
  db?: OpenDatabaseOptions
}

/**
 * The workbench: composes the rooms' call tables into the contract, once, over one open
 * project. Each room (a folder of core) owns its calls; hosts only translate.
 */
export class Workbench {
  readonly events = new EventBus()
  readonly jobs: Jobs
  private readonly domain = new DomainEvents()
  private readonly learning: LearningLoop
  private readonly handlers: CallTable<Method>
  /** This process's claim on the project's jobs (project/lease.ts). */
  private readonly lease: ProcessLease

  constructor(private readonly options: WorkbenchOptions) {
    const { db, paths, ref } = options.project
    // Taking the lease marks the work of processes that are gone, and only theirs.
    this.lease = ProcessLease.take(db, options.host)
    this.jobs = new Jobs(this.events, this.lease.ledger())
    const ctx: CallContext = {
      db,
      paths,
      project: ref,
      dataDir: options.dataDir,
      dbOptions: options.db ?? {},
      jobs: this.jobs,
      events: this.events,
      domain: this.domain,
      audioWorkers: options.audioWorkers,
      inferenceWorkers: options.inferenceWorkers,
      trainWorkers: options.trainWorkers,
      sessionSettings: options.sessionSettings,
      changed: (ids) => this.events.emit('utterance.changed', { projectId: ref.id, ids }),
      projectChanged: (what) => this.events.emit('project.changed', { projectId: ref.id, what }),
    }
    this.learning = new LearningLoop(ctx)
    this.handlers = composeRooms(
      projectCalls(ctx, { version: options.version, host: options.host }),
      audioCalls(ctx),
      asrCalls(ctx, { vadModel: options.vadModel }),
      annotateCalls(ctx),
      adaptCalls(ctx, this.learning),
      consentCalls(ctx),
      provenanceCalls(ctx),
      exportCalls(ctx),
      corpusImportCalls(ctx),
      languageCalls(ctx),
      reviewCalls(ctx),
      reportCalls(ctx),
    )
  }

  get project(): OpenProject {
    return this.options.project
  }

  /** Validates and runs one contract call; never throws. */
  call(method: unknown, input: unknown): Promise<Result<unknown>> {
    return dispatch(this.handlers, method, input)
  }

  /** The stored original of a recording, for the hosts' media streaming. */
  mediaFile(recordingId: number): ReturnType<typeof mediaFile> {
    return mediaFile(this.project.db, this.project.paths, recordingId)
  }

  /**
   * First start of a project that no model has labelled yet, or whose first labelling was
   * interrupted: register the bundled model and label what has no hypothesis in the background,
   * so the queue shows ranked hypotheses without setup. Returns the labelling job's id, or null
   * when there was nothing to do.
   */
  async labelIfUnlabelled(modelDir: string): Promise<string | null> {
    if (!hasUnlabelled(this.project.db) || this.jobs.running('label')) return null
    const { model } = await importModel(
      this.options.dataDir,
      modelDir,
      this.options.inferenceWorkers,
    )
    const started = await this.call('label.start', { model: model.id })
    if (!started.ok) throw new SautiError(started.error.kind, started.error.message)
    return (started.value as { jobId: string }).jobId
  }

  /**
   * Starts again the labelling a process that is gone left unfinished (its recorded input; a run
   * skips what is already labelled). Returns the new job's id, or null when none was waiting.
   */
  async resumeInterruptedLabelling(): Promise<string | null> {
    const { db } = this.project
    const waiting = interruptedJobs(db, 'label')
    const newest = waiting[0]
    if (!newest || this.jobs.running('label')) return null
    const started = await this.call('label.start', newest.input)
    if (!started.ok) throw new SautiError(started.error.kind, started.error.message)
    markResumed(
      db,
      waiting.map((j) => j.runId),
      'label',
    )
    return (started.value as { jobId: string }).jobId
  }

  /** `sauti simulate` (adapt/simulation.ts): the loop with the project's transcripts as the oracle. */
  simulate(options: SimulationOptions & { model?: string }): Promise<SimulationReport> {
    return this.learning.simulate(options)
  }

  async close(): Promise<void> {
    await this.learning.close()
    await this.jobs.cancelAll()
    await this.options.audioWorkers.close()
    await this.options.inferenceWorkers.close()
    await this.options.trainWorkers.close()
    this.lease.release()
    this.project.db.close()
    // Whatever this process still had in staging is its own, and nothing uses it now.
    await rm(this.project.paths.stagingDir, { recursive: true, force: true })
  }
}
