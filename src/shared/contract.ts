/**
 * The one contract between the UI (or a script) and the workbench. Every call has a
 * name, an input schema that every host validates before the core sees it, and a result
 * type. Events are what the core pushes. Hosts only translate this contract.
 */
import { z } from 'zod'
import type {
  AdaptationStatus,
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
  TrainSummary,
  Annotator,
  Utterance,
  UtteranceDetail,
} from './domain'
import { acquisitionStrategies, flagReasons } from './domain'
import type { ErrorInfo } from './errors'
import type {
  AnnotationImportSummary,
  AuditEntry,
  AuditReport,
  ConsentRecord,
  ExportSummary,
  PurgeRecord,
  RevisionHistoryEntry,
  Speaker,
  WithdrawalSummary,
} from './domain'
import { consentScopes, exportAudios, exportFormats } from './domain'
import { isoTime, languageTag, speakerCode, speakerFields, transcript } from './fields'
import type {
  AdjudicationResult,
  AdjudicationView,
  AgreementReport,
  LanguageTokens,
  ProjectEvaluation,
  ProjectReport,
  ReviewQueuePage,
  ReviewSettings,
  ReviewVerdict,
  UtteranceReviewHistory,
} from './domain'
import type { NormalizationRules } from './text/normalize'

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
/*
 * `actorId` is the one name for the person making a call (an annotator profile's id), in every
 * call that carries one: the writer of a save, the lead who records consent or exports, the
 * reviewer who decides, the viewer of a blind utterance. The core checks what that profile may do.
 */
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

const utteranceStatus = z.enum(['new', 'pseudo', 'corrected', 'reviewed', 'flagged', 'skipped'])
const seconds = z.number().min(0).max(1e7)
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
        order: z
          .enum(['priority', 'confidence', 'file', 'duration', 'speaker'])
          .default('confidence'),
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
        /** Who is asking: blind double annotation shows each annotator only their own version. */
        actorId: id.optional(),
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
    z.object({ id, actorId: id.optional() }).strict(),
    'One utterance for the editor: hypotheses, newest revision, speaker and consent.',
  ),
  'utterance.save': call<{ revision: RevisionInfo | null; status: Utterance['status'] }>()(
    z
      .object({
        id,
        actorId: id,
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
      .object({ id, actorId: id, startSec: seconds, endSec: seconds })
      .strict()
      .refine((b) => b.endSec - b.startSec >= 0.05, 'an utterance must last at least 50 ms'),
    "Move an utterance's edges. Its hypotheses no longer describe its audio and are set aside.",
  ),
  'utterance.split': call<{ left: UtteranceDetail; right: UtteranceDetail }>()(
    z
      .object({
        id,
        actorId: id,
        baseRevisionId: id.nullable(),
        atSec: seconds,
        leftText: transcript,
        rightText: transcript,
      })
      .strict(),
    'Split an utterance in two at a time inside it; each half keeps its share of the text.',
  ),
  'utterance.merge': call<UtteranceDetail>()(
    z.object({ id, nextId: id, actorId: id, text: transcript }).strict(),
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
  'train.start': call<{ jobId: string }>()(
    z
      .object({
        /** The model to adapt (id, prefix or name); default: the one that labelled the project last. */
        model: z.string().min(1).max(200).optional(),
      })
      .strict(),
    'Train an adapter and CTC head on the corrected utterances, as a background job; then rescore the rest.',
  ),
  'adaptation.status': call<AdaptationStatus>()(
    z.object({}).strict(),
    'Checkpoints with their dev-split scores (the learning curve), the queue strategy and automatic training.',
  ),
  'adaptation.update': call<AdaptationStatus>()(
    z
      .object({
        strategy: z.enum(acquisitionStrategies).optional(),
        autoTrainAfter: z.number().int().min(0).max(100_000).optional(),
        pseudoLabels: z.boolean().optional(),
      })
      .strict(),
    'Change how the queue ranks utterances and when training starts by itself.',
  ),
  'speaker.list': call<Speaker[]>()(
    z.object({}).strict(),
    'The speaker registry: metadata, counts, split and the state of each consent scope now.',
  ),
  'speaker.create': call<Speaker>()(
    z.object({ actorId: id, ...speakerFields, code: speakerCode }).strict(),
    'Register a speaker under a pseudonymous code (any profile).',
  ),
  'speaker.update': call<Speaker>()(
    z.object({ actorId: id, id, ...speakerFields, code: speakerCode.optional() }).strict(),
    "Edit a speaker's code or metadata (any profile); only the fields given change.",
  ),
  'speaker.merge': call<Speaker>()(
    z.object({ actorId: id, sourceId: id, targetId: id }).strict(),
    'Merge a duplicate speaker into another: recordings, utterances and consent move (lead only).',
  ),
  'speaker.assign': call<{ recordings: number; utterances: number }>()(
    z
      .object({
        actorId: id,
        speakerId: id,
        recordingIds: z.array(id).max(10_000).default([]),
        utteranceIds: z.array(id).max(100_000).default([]),
      })
      .strict(),
    'Say who speaks in recordings (and all their utterances) or single utterances (lead only: it changes which consent applies).',
  ),
  'consent.list': call<ConsentRecord[]>()(
    z.object({ speakerId: id.optional() }).strict(),
    'Consent records, newest first, with their state now, evidence and who recorded them.',
  ),
  'consent.grant': call<ConsentRecord[]>()(
    z
      .object({
        actorId: id,
        speakerId: id,
        scopes: z.array(z.enum(consentScopes)).min(1).max(5),
        grantedAt: isoTime,
        expiresAt: isoTime.nullable().default(null),
        /** A scanned form or a recording of oral consent, copied into the project by its sha256. */
        evidencePath: localPath.nullable().default(null),
        evidenceNote: z.string().max(2000).default(''),
      })
      .strict(),
    'Record consent to some scopes (lead only).',
  ),
  'consent.withdraw': call<WithdrawalSummary>()(
    z.object({ actorId: id, speakerId: id, scope: z.enum([...consentScopes, 'all']) }).strict(),
    'Withdraw one scope or all, at once: queue, training and exports drop the speaker; checkpoints trained on them are tainted (lead only).',
  ),
  'consent.purge': call<PurgeRecord>()(
    z
      .object({
        actorId: id,
        speakerId: id,
        reason: z.string().max(2000).default(''),
        /** Also purge recordings in which other speakers are heard. */
        includeShared: z.boolean().default(false),
      })
      .strict(),
    "Delete a speaker's audio (originals and caches) at their request, withdrawing all consent and keeping an audit record without the audio (lead only).",
  ),
  'consent.purges': call<PurgeRecord[]>()(z.object({}).strict(), 'The purge audit records.'),
  'audit.verify': call<AuditReport>()(
    z.object({}).strict(),
    "Re-verify every utterance's revision hash chain; names each broken utterance and revision.",
  ),
  'audit.log': call<Page<AuditEntry>>()(
    z
      .object({
        utteranceId: id.optional(),
        includeDrafts: z.boolean().default(false),
        ...pageInput,
      })
      .strict(),
    'The revision history of the project: who or what wrote each label, from what, when.',
  ),
  'utterance.history': call<RevisionHistoryEntry[]>()(
    z.object({ id }).strict(),
    "An utterance's revisions with their sources, word diffs to their parents and chain checks.",
  ),
  'export.start': call<{ jobId: string }>()(
    z
      .object({
        actorId: id,
        /** The use the export is for: only speakers who consent to it are in it. */
        use: z.enum(consentScopes),
        /** A new or empty folder on the machine that runs the core. */
        dir: localPath,
        formats: z.array(z.enum(exportFormats)).min(1).max(9),
        audio: z.enum(exportAudios).default('wav'),
        statuses: z
          .array(utteranceStatus)
          .min(1)
          .max(6)
          .default(['new', 'pseudo', 'corrected', 'reviewed']),
        sources: z
          .array(z.enum(['annotator', 'import', 'model']))
          .min(1)
          .max(3)
          .default(['annotator', 'import']),
        languages: z.array(languageTag).max(200).default([]),
        licence: z.string().trim().min(1).max(200).nullable().default(null),
      })
      .strict(),
    'Export a consented dataset (formats, audio, datasheet, manifest) as a background job (lead only).',
  ),
  'annotation.import': call<{ jobId: string }>()(
    z
      .object({
        /** .eaf, .TextGrid, Common Voice .tsv, CSV/TSV manifests, or Kaldi data folders. */
        paths: z.array(localPath).min(1).max(10_000),
        /** ELAN or Praat tiers to read (default: every top-level / interval tier). */
        tiers: z.array(z.string().min(1).max(200)).max(200).optional(),
      })
      .strict(),
    'Import existing annotation with its audio as a background job; each file whole or not at all.',
  ),
  'language.tokens': call<LanguageTokens>()(
    z.union([
      z.object({ utteranceId: id, actorId: id.optional() }).strict(),
      z.object({ text: transcript, spans: spans.default([]) }).strict(),
    ]),
    "Each word with its script and language tag, and a language suggestion for untagged words (by script, else by the project's n-gram identifier); never applied.",
  ),
  'normalization.get': call<NormalizationRules>()(
    z.object({}).strict(),
    "The project's text normalisation rules (storing, searching, scoring).",
  ),
  'normalization.update': call<NormalizationRules>()(
    // Without the stored schema's defaults: a rule left out stays as the project has it.
    z
      .object({
        nukta: z.enum(['keep', 'unify', 'strip']).optional(),
        joiners: z.enum(['keep', 'remove']).optional(),
        arabicLetters: z.enum(['keep', 'persian', 'arabic']).optional(),
        caseFold: z.boolean().optional(),
        punctuation: z.enum(['remove', 'keep']).optional(),
        numerals: z.enum(['keep', 'ascii']).optional(),
      })
      .strict(),
    'Change normalisation rules; unnamed rules stay as they are.',
  ),
  'evaluate.project': call<ProjectEvaluation>()(
    z.object({ model: z.string().min(1).max(200) }).strict(),
    "A model's best hypotheses against the project's transcripts: WER, CER, MER, transliteration-normalised WER, PIER; per speaker, language, switch type and speaker group.",
  ),
  'review.settings': call<ReviewSettings>()(
    z.object({}).strict(),
    'Shares sent to double annotation and to review, and the agreement below which adjudication is needed.',
  ),
  'review.updateSettings': call<ReviewSettings>()(
    z
      .object({
        doubleAnnotationShare: z.number().min(0).max(1).optional(),
        reviewShare: z.number().min(0).max(1).optional(),
        lowAgreementWer: z.number().min(0).max(10).optional(),
        seed: z.number().int().min(0).max(1_000_000).optional(),
      })
      .strict(),
    'Change the review settings.',
  ),
  'review.queue': call<ReviewQueuePage>()(
    z
      .object({
        reasons: z
          .array(z.enum(['flagged', 'low_agreement', 'sampled']))
          .min(1)
          .max(3)
          .default(['flagged', 'low_agreement', 'sampled']),
        ...pageInput,
      })
      .strict(),
    'Utterances that need a reviewer: flagged, double annotations that disagree, and a deterministic sample of accepted work.',
  ),
  'review.history': call<UtteranceReviewHistory>()(
    z.object({ id }).strict(),
    'An utterance for the reviewer: every revision with its author, scripts, reviews and parents, and the hash chain checked.',
  ),
  'review.decide': call<{ review: ReviewVerdict; status: Utterance['status'] }>()(
    z
      .object({
        revisionId: id,
        actorId: id,
        verdict: z.enum(['approve', 'reject']),
        comment: z.string().max(4000).default(''),
      })
      .strict(),
    'Approve (the utterance becomes reviewed) or reject (back to the annotators) its newest revision, with a comment.',
  ),
  'review.edit': call<{
    revision: RevisionInfo
    review: ReviewVerdict | null
    status: Utterance['status']
  }>()(
    z
      .object({
        id,
        actorId: id,
        baseRevisionId: id.nullable(),
        text: transcript,
        spans: spans.default([]),
        comment: z.string().max(4000).default(''),
        approve: z.boolean().default(true),
      })
      .strict(),
    "A reviewer's correction: a new revision with the reviewer as its source, approved unless told otherwise.",
  ),
  'agreement.summary': call<AgreementReport>()(
    z.object({}).strict(),
    'Transcript-level agreement of double annotations: WER and CER per annotator pair and language, and against adjudicated results.',
  ),
  'adjudication.get': call<AdjudicationView>()(
    z.object({ id }).strict(),
    "Both annotators' versions of a double-annotated utterance and the model's best hypothesis, as an aligned word diff.",
  ),
  'adjudication.resolve': call<AdjudicationResult>()(
    z
      .object({
        id,
        actorId: id,
        aRevisionId: id,
        bRevisionId: id,
        /** Per column: a version's word, or the reviewer's own words; agreeing columns may be left out. */
        choices: z
          .array(
            z.union([
              z
                .object({
                  column: z.number().int().min(0).max(100_000),
                  take: z.enum(['a', 'b', 'model', 'none']),
                })
                .strict(),
              z.object({ column: z.number().int().min(0).max(100_000), text: transcript }).strict(),
            ]),
          )
          .max(100_000)
          .default([]),
        comment: z.string().max(4000).default(''),
      })
      .strict(),
    'Store the merge of the two versions as the approved revision, with both versions as its parents.',
  ),
  'report.project': call<{ report: ProjectReport; html: string }>()(
    z.object({ model: z.string().min(1).max(200).optional() }).strict(),
    'The project quality report: metrics, agreement, throughput, reviews and charts, as data and as self-contained HTML.',
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
    /** A training run's result. */
    trained?: TrainSummary
    /** An export's result (absent when cancelled: nothing was written). */
    exported?: ExportSummary
    /** An annotation import's result. */
    annotations?: AnnotationImportSummary
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
