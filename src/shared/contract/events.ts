/** Events the core pushes to every connected UI. */
import type {
  AnnotationImportSummary,
  ComparisonScoring,
  ExportSummary,
  ImportSummary,
  JobKind,
  LabelSummary,
  ModelRegistration,
  TrainSummary,
} from '../domain'
import type { ErrorInfo } from '../errors'
import type { Said } from '../messages'

export interface EventMap {
  /** `done` counts whole units (files) and is fractional while a long one is under way. */
  /** `label` is the step in English; `said` the same by key, when it is words to translate. */
  'job.progress': {
    jobId: string
    kind: JobKind
    done: number
    total: number
    label: string
    said?: Said
  }
  'job.finished': {
    jobId: string
    kind: JobKind
    status: 'done' | 'failed' | 'cancelled'
    /** An import's result. */
    summary?: ImportSummary
    /** A labelling run's result. */
    labelled?: LabelSummary
    /** A training run's result. */
    trained?: TrainSummary
    /** An export's result (absent when cancelled: nothing was written). */
    exported?: ExportSummary
    /** An annotation import's result. */
    annotations?: AnnotationImportSummary
    /** A model import's or pull's result. */
    registered?: ModelRegistration
    /** What a scoring job for a comparison decoded. */
    scored?: ComparisonScoring
    error?: ErrorInfo
  }
  'project.changed': { projectId: string; what: ('recordings' | 'utterances')[] }
  /** Utterances an annotator saved, moved, split or merged (in any window). */
  'utterance.changed': { projectId: string; ids: number[] }
}
export type EventName = keyof EventMap
export const eventNames: EventName[] = [
  'job.progress',
  'job.finished',
  'project.changed',
  'utterance.changed',
]
