/**
 * The one contract between the UI (or a script) and the workbench. Every call has a
 * name, an input schema that every host validates before the core sees it, and a result
 * type. Events are what the core pushes. Hosts only translate this contract.
 */
import { z } from 'zod'
import type {
  AppInfo,
  DoctorReport,
  ImportSummary,
  JobInfo,
  JobKind,
  LabelSummary,
  ModelSummary,
  Page,
  Peaks,
  ProjectRef,
  ProjectSummary,
  Recording,
  Utterance,
} from './domain'
import type { ErrorInfo } from './errors'

/** A call's spec: its input schema and, as a phantom type, its result. */
export interface CallSpec<I extends z.ZodType, O> {
  input: I
  description: string
  /** Never set at run time; carries the result type. */
  readonly output?: O
}

function call<O>() {
  return <I extends z.ZodType>(input: I, description: string): CallSpec<I, O> => ({
    input,
    description,
  })
}

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
const pageInput = {
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
}
/** A path on the machine that runs the core. Checked again (existence, type) by the core. */
const localPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')

export const contract = {
  'app.info': call<AppInfo>()(
    z.object({}).strict(),
    'Version, host, data folder and the open project.',
  ),
  'app.doctor': call<DoctorReport>()(
    z.object({}).strict(),
    'Versions, execution providers, data folder and database integrity.',
  ),
  'project.list': call<ProjectRef[]>()(z.object({}).strict(), 'Projects in the data folder.'),
  'project.summary': call<ProjectSummary>()(
    z.object({}).strict(),
    'Counts and duration of the open project.',
  ),
  'recording.list': call<Page<Recording>>()(
    z.object({ ...pageInput }).strict(),
    'Recordings of the open project, newest import last.',
  ),
  'recording.get': call<Recording>()(z.object({ id }).strict(), 'One recording.'),
  'recording.peaks': call<Peaks>()(
    z
      .object({
        id,
        /** The caller's budget: the finest cached level with at most this many peaks is returned. */
        maxPeaks: z.number().int().min(100).max(2_000_000).default(20_000),
      })
      .strict(),
    'Precomputed waveform peaks of a recording at the finest level that fits the budget.',
  ),
  'utterance.list': call<Page<Utterance>>()(
    z
      .object({
        recordingId: id.optional(),
        ...pageInput,
      })
      .strict(),
    'Utterances with their newest transcript, in recording order.',
  ),
  'import.start': call<{ jobId: string }>()(
    z
      .object({
        /** Files, folders of clips, or manifests (.tsv/.csv) on the machine that runs the core. */
        paths: z.array(localPath).min(1).max(10_000),
      })
      .strict(),
    'Import audio (clips, a long recording, a folder or a manifest) as a background job.',
  ),
  'model.list': call<ModelSummary[]>()(
    z.object({}).strict(),
    'Models registered in the data folder.',
  ),
  'label.start': call<{ jobId: string }>()(
    z
      .object({
        /** A registered model's id (or a unique prefix of it, or its name). */
        model: z.string().min(1).max(200),
        nBest: z.number().int().min(1).max(20).default(5),
        beamWidth: z.number().int().min(1).max(256).default(16),
        /** Shallow fusion with a word n-gram from the project's transcripts and these files. */
        lm: z
          .object({
            weight: z.number().min(0).max(5),
            wordBonus: z.number().min(-10).max(10).default(0),
            textFiles: z.array(localPath).max(50).default([]),
          })
          .strict()
          .optional(),
      })
      .strict(),
    'Pseudo-label every utterance that has no hypothesis from this model yet, as a background job.',
  ),
  'job.list': call<JobInfo[]>()(z.object({}).strict(), 'Background jobs of this session.'),
  'job.cancel': call<{ cancelled: boolean }>()(
    z.object({ jobId: z.string().min(1).max(64) }).strict(),
    'Cancel a running job; files already imported stay, the file in flight is rolled back.',
  ),
} as const

export type Contract = typeof contract
export type Method = keyof Contract
export const methods = Object.keys(contract) as Method[]

export type CallInput<M extends Method> = z.input<Contract[M]['input']>
export type ParsedInput<M extends Method> = z.output<Contract[M]['input']>
export type CallResult<M extends Method> = NonNullable<Contract[M]['output']>

export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** Events the core pushes to every connected UI. */
export interface EventMap {
  /** `done` counts whole units (files) and is fractional while a long one is under way. */
  'job.progress': { jobId: string; kind: JobKind; done: number; total: number; label: string }
  'job.finished': {
    jobId: string
    kind: JobKind
    status: 'done' | 'failed' | 'cancelled'
    /** An import's result. */
    summary?: ImportSummary
    /** A labelling run's result. */
    labelled?: LabelSummary
    error?: ErrorInfo
  }
  'project.changed': { projectId: string; what: ('recordings' | 'utterances')[] }
}
export type EventName = keyof EventMap
export const eventNames: EventName[] = ['job.progress', 'job.finished', 'project.changed']

/** What the renderer (or a script) holds: one typed function per call. */
export type SautiApi = {
  [M in Method]: (input: CallInput<M>) => Promise<CallResult<M>>
}

/** The typed bridge: calls plus an event subscription that returns its own unsubscribe. */
export interface SautiBridge {
  call<M extends Method>(method: M, input: CallInput<M>): Promise<CallResult<M>>
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
}
