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
  QueueFacets,
  QueuePage,
  Recording,
  RevisionInfo,
  Spectrogram,
  Annotator,
  Utterance,
  UtteranceDetail,
} from './domain'
import { flagReasons } from './domain'
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

/** A BCP 47-style language tag as projects use them: sw, hi, en, sw-KE, hi-Latn. */
const languageTag = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$/, 'not a language tag such as sw, hi or en-GB')
const utteranceStatus = z.enum(['new', 'pseudo', 'corrected', 'reviewed', 'flagged', 'skipped'])
const seconds = z.number().min(0).max(1e7)
/** Transcripts: long enough for any utterance, short enough that a request cannot flood the store. */
const transcript = z
  .string()
  .max(20_000)
  .refine((t) => !t.includes('\0'), 'text contains a NUL byte')
const spans = z
  .array(
    z
      .object({ start: z.number().int().min(0), end: z.number().int().min(1), lang: languageTag })
      .strict()
      .refine((s) => s.end > s.start, 'a span must cover at least one word'),
  )
  .max(1000)

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
  'annotator.list': call<Annotator[]>()(
    z.object({}).strict(),
    'Annotator profiles of the project.',
  ),
  'annotator.create': call<Annotator>()(
    z
      .object({
        name: z.string().trim().min(1).max(80),
        role: z.enum(['annotator', 'reviewer', 'lead']).default('annotator'),
        languages: z.array(languageTag).max(50).default([]),
      })
      .strict(),
    'Create a local annotator profile; every revision records who made it.',
  ),
  'project.setDefaultLanguage': call<ProjectSummary>()(
    z.object({ language: languageTag.nullable() }).strict(),
    'The language new spans and utterances without one default to.',
  ),
  'queue.list': call<QueuePage>()(
    z
      .object({
        order: z.enum(['confidence', 'file', 'duration', 'speaker']).default('confidence'),
        descending: z.boolean().default(false),
        filter: z
          .object({
            status: z.array(utteranceStatus).max(6).optional(),
            speakers: z.array(z.string().min(1).max(200)).max(500).optional(),
            languages: z.array(languageTag).max(200).optional(),
            minConfidence: z.number().min(0).max(1).optional(),
            maxConfidence: z.number().min(0).max(1).optional(),
            hasHypothesis: z.boolean().optional(),
          })
          .strict()
          .default({}),
        /** Also count the whole filtered queue (costs more than the page: ask once per snapshot). */
        counts: z.boolean().default(true),
        ...pageInput,
      })
      .strict(),
    'Utterances to annotate, ranked by the store: least confident first by default. Speakers without consent to annotation are left out.',
  ),
  'queue.facets': call<QueueFacets>()(
    z.object({}).strict(),
    'What the queue can be filtered by, with counts (consented utterances only).',
  ),
  'utterance.get': call<UtteranceDetail>()(
    z.object({ id }).strict(),
    'One utterance for the editor: hypotheses, newest revision, speaker and consent.',
  ),
  'utterance.save': call<{ revision: RevisionInfo | null; status: Utterance['status'] }>()(
    z
      .object({
        id,
        annotatorId: id,
        /** The newest revision the editor started from; another one means someone else saved. */
        baseRevisionId: id.nullable(),
        /** The hypothesis the text started from (an N-best pick), for provenance. */
        hypothesisId: id.nullable().default(null),
        text: transcript,
        spans: spans.default([]),
        /** An autosave: a revision that does not change the utterance's status. */
        draft: z.boolean().default(false),
        /** What the save does to the utterance; ignored for drafts. */
        status: z.enum(['corrected', 'skipped', 'flagged']).default('corrected'),
        flagReason: z.enum(flagReasons).optional(),
      })
      .strict()
      .refine((s) => s.status !== 'flagged' || s.flagReason !== undefined, {
        message: 'flagging needs a reason',
        path: ['flagReason'],
      }),
    'Save the editor: a revision by the annotator (when the text changed or the save is final) and the new status. Refused with "conflict" when another window saved first.',
  ),
  'utterance.setBounds': call<UtteranceDetail>()(
    z
      .object({ id, annotatorId: id, startSec: seconds, endSec: seconds })
      .strict()
      .refine((b) => b.endSec - b.startSec >= 0.05, 'an utterance must last at least 50 ms'),
    "Move an utterance's edges. Its hypotheses no longer describe its audio and are set aside.",
  ),
  'utterance.split': call<{ left: UtteranceDetail; right: UtteranceDetail }>()(
    z
      .object({
        id,
        annotatorId: id,
        baseRevisionId: id.nullable(),
        atSec: seconds,
        leftText: transcript,
        rightText: transcript,
      })
      .strict(),
    'Split an utterance in two at a time inside it; each half keeps its share of the text.',
  ),
  'utterance.merge': call<UtteranceDetail>()(
    z.object({ id, nextId: id, annotatorId: id, text: transcript }).strict(),
    'Merge an utterance with the next one of the same recording.',
  ),
  'recording.spectrogram': call<Spectrogram>()(
    z
      .object({
        id,
        startSec: seconds,
        endSec: seconds,
        /** Frames the caller will draw: the window is resampled to at most this many. */
        maxFrames: z.number().int().min(16).max(8192).default(1024),
      })
      .strict()
      .refine((w) => w.endSec > w.startSec && w.endSec - w.startSec <= 600, {
        message: 'a spectrogram window must be longer than 0 and at most 600 s',
      }),
    'A log-magnitude spectrogram of a window of a recording, computed in an audio worker.',
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

/** What the renderer (or a script) holds: one typed function per call. */
export type SautiApi = {
  [M in Method]: (input: CallInput<M>) => Promise<CallResult<M>>
}

/** The typed bridge: calls plus an event subscription that returns its own unsubscribe. */
export interface SautiBridge {
  call<M extends Method>(method: M, input: CallInput<M>): Promise<CallResult<M>>
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void
}
