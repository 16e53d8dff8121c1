import { join } from 'node:path'
import { rm } from 'node:fs/promises'
import type { Method } from '../../shared/contract'
import type { Account } from '../../shared/domain'
import type { ErrorInfo, Result } from '../../shared/errors'
import { admit, bind } from './accounts/access'
import { localOwner, type Caller } from './accounts/caller'
import { accountsCalls } from './accounts/calls'
import { noServerPaths, type ServerPaths } from './accounts/server-paths'
import { acceptLink, signIn } from './accounts/sign-in'
import { SautiError } from '../../shared/errors'
import { composeRooms } from '../../shared/rooms'
import { adaptCalls } from './adapt/calls'
import { LearningLoop } from './adapt/learning-loop'
import type { SimulationOptions, SimulationReport } from './adapt/simulation'
import type { TrainWorkers } from './adapt/train-workers'
import { annotateCalls } from './annotate/calls'
import { asrCalls } from './asr/calls'
import { SpanDecoder } from './asr/span-decoder'
import { WordAligner } from './asr/word-alignment'
import type { InferenceWorkers } from './asr/inference-workers'
import { importModel } from './asr/model-store'
import type { SessionSettings } from './asr/providers'
import type { AudioWorkers } from './audio/audio-workers'
import { audioCalls, mediaFile } from './audio/calls'
import { backupCalls } from './backup/calls'
import type { CallContext, CallTable } from './call-context'
import { consentCalls } from './consent/calls'
import { corpusImportCalls } from './corpus-import/calls'
import { discussCalls } from './discuss/calls'
import type { OpenDatabaseOptions } from './db/connection'
import { classify, dispatch } from './dispatch'
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
import { searchCalls } from './search/calls'
import { tiersCalls } from './tiers/calls'

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
  /** What team accounts may name on the server's disk (none by default). */
  serverPaths?: ServerPaths
  /** How long a claim on an utterance lasts without being renewed (default 10 minutes). */
  claimIdleMs?: number
}

const defaultClaimIdleMs = 10 * 60_000

/**
 * The workbench: composes the rooms' call tables into the contract, once, over one open
 * project. Each room (a folder of core) owns its calls; hosts only translate.
 */
export class Workbench {
  readonly events = new EventBus()
  readonly jobs: Jobs
  private readonly domain = new DomainEvents()
  private readonly learning: LearningLoop
  private readonly aligner: WordAligner
  private readonly spanDecoder: SpanDecoder
  private readonly handlers: CallTable<Method>
  private caller: Caller = localOwner
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
      serverPaths: options.serverPaths ?? noServerPaths,
      claimIdleMs: options.claimIdleMs ?? defaultClaimIdleMs,
      changed: (ids) => this.events.emit('utterance.changed', { projectId: ref.id, ids }),
      projectChanged: (what) => this.events.emit('project.changed', { projectId: ref.id, what }),
    }
    this.learning = new LearningLoop(ctx)
    this.aligner = new WordAligner(ctx)
    this.spanDecoder = new SpanDecoder(ctx)
    this.handlers = composeRooms(
      projectCalls(ctx, { version: options.version, host: options.host }),
      audioCalls(ctx),
      asrCalls(ctx, {
        vadModel: options.vadModel,
        aligner: this.aligner,
        spanDecoder: this.spanDecoder,
      }),
      annotateCalls(ctx),
      adaptCalls(ctx, this.learning),
      consentCalls(ctx),
      provenanceCalls(ctx),
      exportCalls(ctx),
      corpusImportCalls(ctx),
      languageCalls(ctx),
      reviewCalls(ctx),
      reportCalls(ctx),
      accountsCalls(ctx),
      backupCalls(ctx, options.version),
      discussCalls(ctx),
      searchCalls(ctx),
      tiersCalls(ctx),
    )
  }

  get project(): OpenProject {
    return this.options.project
  }

  /** Who makes the calls that name no caller: the CLI's `--account`; the local owner otherwise. */
  actAs(caller: Caller): void {
    this.caller = caller
  }

  /**
   * Validates and runs one contract call for the caller the host established (by default the
   * one `actAs` set); never throws.
   */
  call(method: unknown, input: unknown, caller: Caller = this.caller): Promise<Result<unknown>> {
    const { db } = this.options.project
    const server = this.options.serverPaths ?? noServerPaths
    // Files uploaded through the host wait in the project's uploads folder for their import.
    const paths = { ...server, importRoots: [...server.importRoots, this.uploadsDir] }
    return dispatch(this.handlers, method, input, caller, {
      admit: (m) => admit(db, caller, m),
      bind: (m, parsed) => bind(db, caller, m, parsed, paths),
    })
  }

  /** The folder team accounts export and back up into, and download exports from. */
  get exportRoot(): string | null {
    return this.options.serverPaths?.exportRoot ?? null
  }

  /** Where the HTTP host streams uploads before importing them (docs/team-server.md). */
  get uploadsDir(): string {
    return join(this.project.paths.root, 'uploads')
  }

  /** Why the caller may not make this call (null when they may): for a host's own routes. */
  refusal(method: Method, caller: Caller): ErrorInfo | null {
    try {
      admit(this.project.db, caller, method)
      return null
    } catch (error) {
      return classify(error)
    }
  }

  /** A team account's sign-in (accounts/sign-in.ts); null for any wrong combination. */
  signIn(login: string, password: string): Promise<Account | null> {
    return signIn(this.project.db, login, password)
  }

  /** Sets the password an invitation or reset link asks for; the link is used up. */
  acceptLink(token: string, password: string): Promise<Account> {
    return acceptLink(this.project.db, token, password)
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
    await this.aligner.close()
    await this.spanDecoder.close()
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
