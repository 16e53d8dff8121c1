import type { CallResult, Method, ParsedInput } from '../../shared/contract'
import type { ProjectRef } from '../../shared/domain'
import type { InferenceWorkers } from './asr/inference-workers'
import type { SessionSettings } from './asr/providers'
import type { TrainWorkers } from './adapt/train-workers'
import type { AudioWorkers } from './audio/audio-workers'
import type { WriteDb, OpenDatabaseOptions } from './db/connection'
import type { DomainEvents } from './domain-events'
import type { EventBus } from './events'
import type { Jobs } from './jobs'
import type { ProjectPaths } from './project/paths'

/** A room's share of the contract: one handler for each call the room owns. */
export type CallTable<M extends Method> = {
  [K in M]: (input: ParsedInput<K>) => Promise<CallResult<K>>
}

/**
 * What every room's calls may use: the open project, the workers, the jobs and both event
 * buses. The workbench builds it once and hands it to each room (docs/ARCHITECTURE.md).
 */
export interface CallContext {
  db: WriteDb
  paths: ProjectPaths
  project: ProjectRef
  /** The data folder: registered models, the other projects. */
  dataDir: string
  dbOptions: OpenDatabaseOptions
  jobs: Jobs
  /** Events pushed to the windows (the contract's). */
  events: EventBus
  /** What happened in the project, for work in other rooms that follows it. */
  domain: DomainEvents
  audioWorkers: AudioWorkers
  inferenceWorkers: InferenceWorkers
  trainWorkers: TrainWorkers
  sessionSettings?: SessionSettings
  /** Tells every window which utterances changed, so their queues and open editors catch up. */
  changed(ids: number[]): void
  /** Tells every window which lists changed. */
  projectChanged(what: ('recordings' | 'utterances')[]): void
}
