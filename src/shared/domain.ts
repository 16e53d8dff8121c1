/** Domain types shared by the core, the hosts and the renderer. Plain data only. */
import type { WordTime } from './word-time'

/** Where an utterance stands in the annotation workflow, in the order the UI lists them. */
export const utteranceStatuses = [
  'new',
  'pseudo',
  'corrected',
  'reviewed',
  'flagged',
  'skipped',
] as const
export type UtteranceStatus = (typeof utteranceStatuses)[number]
export type Split = 'train' | 'dev' | 'test'
export type RevisionSourceKind = 'import' | 'annotator' | 'model'

export interface ProjectRef {
  id: string
  name: string
  /** Absolute path of the project's SQLite file. */
  dbPath: string
  isDemo: boolean
}

export interface ProjectSummary extends ProjectRef {
  recordingCount: number
  utteranceCount: number
  transcribedCount: number
  speakerCount: number
  totalDurationSec: number
  languages: string[]
  /** Utterances with a saved human correction (corrected or reviewed). */
  correctedCount: number
  correctedDurationSec: number
  /** The language new spans and unlabelled utterances default to. */
  defaultLanguage: string | null
}

export interface Recording {
  id: number
  sha256: string
  originalName: string
  format: AudioFormat
  durationSec: number
  sampleRate: number
  channels: number
  bitDepth: number | null
  languages: string[]
  utteranceCount: number
  importedAt: string
}

export interface Utterance {
  id: number
  recordingId: number
  recordingName: string
  startSec: number
  endSec: number
  speakerCode: string | null
  language: string | null
  status: UtteranceStatus
  /** Text of the newest revision, if any. */
  text: string | null
  textSource: RevisionSourceKind | null
}

export interface Page<T> {
  total: number
  offset: number
  items: T[]
}

export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg' | 'opus'

export interface Peaks {
  recordingId: number
  durationSec: number
  peaksPerSecond: number
  /** Max absolute amplitude per bucket, in [0, 1]; mirror it to draw a waveform. */
  data: number[]
}

export type JobKind = 'import' | 'label' | 'train' | 'export' | 'annotation-import'
export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled'

export interface JobInfo {
  id: string
  kind: JobKind
  label: string
  status: JobStatus
  done: number
  total: number
  startedAt: string
}

export interface RejectedFile {
  path: string
  message: string
  /** Set when the path does not exist (the CLI exits "not found"). */
  missing?: true
}

export interface ImportSummary {
  imported: number
  duplicates: number
  rejected: RejectedFile[]
  /** Files imported (or already there) with something the user should know: a long clip kept whole, a transcript not applied, bytes ignored. */
  warnings: RejectedFile[]
  recordingIds: number[]
  /** Audio seconds newly added to the project. */
  durationSec: number
  /** Transcripts that became revisions with source `import`. */
  revisions: number
}

export interface DoctorCheck {
  name: string
  ok: boolean
  detail: string
}

export interface DoctorReport {
  versions: { sauti: string; node: string; electron: string | null; onnxruntime: string | null }
  executionProviders: { name: string; available: boolean; detail: string }[]
  dataDir: string
  projects: {
    id: string
    dbPath: string
    schemaVersion: number
    integrity: string
    /** Where the project's latest labelling ran, and why not elsewhere. */
    inference: InferenceStatus | null
  }[]
  checks: DoctorCheck[]
}

/** Where the latest labelling run ran, and why not elsewhere. */
export interface InferenceStatus {
  model: string
  provider: ExecutionProviderName | null
  attempts: ProviderAttempt[]
  finishedAt: string
}

export interface AppInfo {
  version: string
  /** Null until a model has labelled something in this project. */
  inference: InferenceStatus | null
  host: 'electron' | 'http'
  dataDir: string
  project: ProjectSummary
  uiLanguages: string[]
}

export type ExecutionProviderName = 'cuda' | 'webgpu' | 'cpu'

export interface ProviderAttempt {
  name: ExecutionProviderName
  ok: boolean
  /** Why it was not used, or what was checked when it was. */
  reason: string
}

/** What model validation found: the checks a package passed and what runs it. */
export interface ModelReport {
  name: string
  layout: 'sauti' | 'huggingface'
  sha256: string
  bytes: number
  input: { name: string; type: string; shape: (number | string)[] }
  outputs: { name: string; type: string; shape: (number | string)[] }[]
  vocabularySize: number
  /** Frames per second of audio, measured on the one-second probe. */
  framesPerSecond: number
  frameStrideSec: number
  hiddenSize: number | null
  heads: { name: string; output: string; vocabularySize: number }[]
  provider: ExecutionProviderName
  providerAttempts: ProviderAttempt[]
  probeMs: number
  warnings: string[]
}

/** What a labelling run did: how much, where it ran, and what it cost. */
export interface LabelSummary {
  modelId: string
  /** Long recordings cut into utterances by voice activity detection first. */
  segmented: { recordings: number; utterances: number }
  labelled: number
  /** Utterances that already had hypotheses from this model (the run resumed past them). */
  skipped: number
  failed: { utteranceId: number; message: string }[]
  provider: ExecutionProviderName | null
  providerAttempts: ProviderAttempt[]
  audioSec: number
  /** Time inside session.run; the worker's time on the batches (after the model was loaded); the run's wall time. */
  inferenceMs: number
  workerMs: number
  totalMs: number
}

/** Dev-split scores of a head (greedy decoding, normalised text; docs/training.md). */
export interface DevScores {
  utterances: number
  cer: number
  wer: number
}

/** What a training run did (docs/active-learning.md). */
export interface TrainSummary {
  runId: number
  /** The checkpoint it made; null when cancelled. */
  checkpointId: number | null
  /** False when it was worse than its parent on the dev split (kept, not used). */
  activated: boolean
  /** One sentence for the user: what happened and the dev-split change. */
  message: string
  trainUtterances: number
  devUtterances: number
  testUtterances: number
  /** Seconds of human-corrected audio in the training split. */
  correctedSec: number
  dev: DevScores | null
  parentDev: DevScores | null
  trainMs: number
  /** Training utterances left out: too short for their transcript. */
  skipped: number[]
  /** Utterances given new hypotheses by the new checkpoint. */
  rescored: number
  /** Machine transcripts it also trained on (off unless the project turns them on). */
  pseudoLabels: number
  /** The confidence they had to reach, chosen on the dev split for WER ≤ 10 %. */
  pseudoLabelThreshold: number | null
}

/** A checkpoint, as the learning curve and the model panel show it. */
export interface CheckpointSummary {
  id: number
  parentId: number | null
  status: 'active' | 'inactive' | 'tainted'
  taintedReason: string | null
  createdAt: string
  trainUtterances: number
  /** Seconds of transcribed audio it trained on (people's corrections and imported transcripts). */
  trainSec: number
  /** Of which corrected by annotators in Sauti. */
  correctedSec: number
  dev: DevScores | null
  parentDev: DevScores | null
  /** Speakers whose consent it was trained under. */
  speakers: number
}

/** How the "most useful first" order ranks utterances (docs/active-learning.md). */
export const acquisitionStrategies = [
  'hybrid',
  'least_confidence',
  'entropy',
  'margin',
  'committee',
  'diversity',
  'cost',
  'random',
  'file',
] as const
export type AcquisitionStrategy = (typeof acquisitionStrategies)[number]

/** Why an utterance sits where it does in the "most useful first" order. */
export interface PriorityReason {
  strategy: AcquisitionStrategy
  measure:
    | 'least_confidence'
    | 'entropy'
    | 'margin'
    | 'disagreement'
    | 'distance'
    | 'typicality'
    | 'per_second'
    | 'random'
    | 'none'
  value: number | null
  cluster?: number
  clusters?: number
  rankInCluster?: number
  speakerCorrected?: number
  /** Hybrid: of the reviewed utterances in its cluster, how many were flagged (0: left out)… */
  nearFlagged?: number
  /** …of how many reviewed there. */
  nearReviewed?: number
  /** Hybrid: the reviewed utterance most like it in its cluster was flagged (so it waits). */
  likeFlagged?: boolean
  phase?: 'diverse' | 'uncertain'
}

/** The project's adaptation state, for the model panel. */
export interface AdaptationStatus {
  strategy: AcquisitionStrategy
  autoTrainAfter: number
  /** Corrections since the last training run started. */
  newCorrections: number
  training: boolean
  activeCheckpoint: number | null
  checkpoints: CheckpointSummary[]
  /** Labelled utterances whose speakers' consent keeps them out of training. */
  withoutTrainingConsent: number
}

/** A registered model, as the UI lists it. */
export interface ModelSummary {
  id: string
  name: string
  languages: string[]
  vocabularySize: number
  layout: 'sauti' | 'huggingface'
}

/** Why an annotator set an utterance aside. */
export const flagReasons = ['noise', 'other_language', 'overlap', 'unintelligible'] as const
export type FlagReason = (typeof flagReasons)[number]

export const annotatorRoles = ['annotator', 'reviewer', 'lead'] as const
export type AnnotatorRole = (typeof annotatorRoles)[number]

export interface Annotator {
  id: number
  name: string
  role: AnnotatorRole
  languages: string[]
}

/** The orders the queue can be served in; each is backed by an index. */
export const queueOrders = ['priority', 'confidence', 'file', 'duration', 'speaker'] as const
export type QueueOrder = (typeof queueOrders)[number]

export interface QueueFilter {
  status?: UtteranceStatus[]
  speakers?: string[]
  languages?: string[]
  minConfidence?: number
  maxConfidence?: number
  hasHypothesis?: boolean
}

export interface QueueItem extends Omit<Utterance, 'text' | 'textSource'> {
  /** Confidence of the current best hypothesis, or null when no model has labelled it. */
  confidence: number | null
  /** The newest revision's text, else the best hypothesis's. */
  text: string | null
  draft: boolean
  /** Position in the "most useful first" order, and why; null once transcribed. */
  priority: number | null
  priorityReason: PriorityReason | null
}

export interface QueuePage {
  offset: number
  items: QueueItem[]
  /** The whole filtered queue's size; null when the call did not ask for counts. */
  total: number | null
  /** Utterances left out because their speaker has no valid consent to annotation (or is unknown). */
  withoutConsent: number | null
}

export interface QueueFacets {
  statuses: { status: UtteranceStatus; count: number }[]
  speakers: { code: string; count: number }[]
  languages: { language: string; count: number }[]
}

/** A language-tagged span of words: [start, end) word indices of the revision's text. */
export interface LanguageSpan {
  start: number
  end: number
  lang: string
}

export interface Hypothesis {
  id: number
  rank: number
  text: string
  confidence: number | null
  /** One per word of `text`, in [0, 1]. */
  wordConfidences: number[]
  /** One per word of `text`, in seconds from the start of the recording. */
  wordTimes: WordTime[]
  modelName: string
}

export interface RevisionInfo {
  id: number
  text: string
  spans: LanguageSpan[]
  sourceKind: RevisionSourceKind
  annotator: string | null
  hypothesisId: number | null
  draft: boolean
  createdAt: string
}

export type ConsentState = 'granted' | 'withdrawn' | 'expired' | 'none'

export interface UtteranceDetail {
  utterance: Utterance & { confidence: number | null; flagReason: FlagReason | null }
  recording: { id: number; originalName: string; durationSec: number }
  speaker: { code: string; annotationConsent: ConsentState } | null
  /** The N-best of the current model, best first; empty before labelling. */
  hypotheses: Hypothesis[]
  /** The newest revision, draft or not. */
  head: RevisionInfo | null
  revisionCount: number
  /** Neighbouring utterances of the same recording, for merging. */
  previousId: number | null
  nextId: number | null
}

export interface Spectrogram {
  recordingId: number
  startSec: number
  endSec: number
  /** Frames per second of `data`. */
  framesPerSecond: number
  frames: number
  /** Frequency bins per frame, bottom (0 Hz) first, up to `maxHz`. */
  bins: number
  maxHz: number
  /** frames × bins bytes, frame-major, 0 = silence floor, 255 = loudest; base64. */
  data: string
}

// Speakers, consent, provenance and export (docs/consent.md, docs/export.md).

/** What a speaker may consent to; every export and training run needs one of these. */
export const consentScopes = [
  'annotation',
  'model_training',
  'research_release',
  'public_release',
  'commercial',
] as const
export type ConsentScope = (typeof consentScopes)[number]
export const speakerGenders = ['female', 'male', 'nonbinary', 'unspecified'] as const
export type SpeakerGender = (typeof speakerGenders)[number]

/** A speaker in the registry, with what the project holds of them. */
export interface Speaker {
  id: number
  /** Pseudonymous code; never a name. */
  code: string
  ageBand: string | null
  gender: SpeakerGender | null
  dialect: string | null
  firstLanguage: string | null
  otherLanguages: string[]
  notes: string
  /** Set when this entry was a duplicate merged into another speaker. */
  mergedInto: number | null
  createdAt: string
  recordings: number
  utterances: number
  /** Utterances with a transcript by a person or an import. */
  transcribed: number
  durationSec: number
  split: Split | null
  /** The state of each scope now. */
  consent: Record<ConsentScope, ConsentState>
  /** Recordings whose audio was purged at the speaker's request. */
  purgedRecordings: number
}

/** One consent record: `valid` now, `pending` (granted from a later date), `expired` or `withdrawn`. */
export interface ConsentRecord {
  id: number
  speakerId: number
  speakerCode: string
  scope: ConsentScope
  state: 'valid' | 'pending' | 'expired' | 'withdrawn'
  grantedAt: string
  expiresAt: string | null
  withdrawnAt: string | null
  evidence: { sha256: string; originalName: string; byteSize: number } | null
  evidenceNote: string
  recordedBy: string | null
  withdrawnBy: string | null
  createdAt: string
}

export interface WithdrawalSummary {
  speakerId: number
  scope: ConsentScope | 'all'
  /** Consent records closed. */
  records: number
  /** Checkpoints trained on the speaker, now tainted. */
  taintedCheckpoints: number[]
}

/** The audit record of a purge: what was deleted, when and by whom, without the audio. */
export interface PurgeRecord {
  id: number
  speakerId: number
  speakerCode: string
  purgedBy: string
  purgedAt: string
  reason: string
  recordings: { id: number; sha256: string; originalName: string; durationSec: number }[]
  /** Files deleted from the project, relative to its folder, with their sha256. */
  files: { path: string; sha256: string }[]
  /** Recordings of the speaker kept because other speakers are heard in them too. */
  keptShared: { recordingId: number; otherSpeakers: string[] }[]
}

/** Where a revision came from, in words a person can check. */
export interface RevisionSourceInfo {
  kind: RevisionSourceKind
  annotator: string | null
  model: string | null
  checkpointId: number | null
  /** For imports: the file and element or line. */
  ref: string
}

export interface AuditEntry {
  revisionId: number
  utteranceId: number
  parentId: number | null
  createdAt: string
  text: string
  draft: boolean
  source: RevisionSourceInfo
}

/** A word-level difference to the parent revision. */
export interface WordDiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

export interface RevisionHistoryEntry extends AuditEntry {
  spans: LanguageSpan[]
  hash: string
  /** False from the first revision whose stored hash does not match its content. */
  intact: boolean
  /** Words changed from the parent revision (all added for the first one). */
  diff: WordDiffPart[]
}

export interface AuditReport {
  ok: boolean
  utterances: number
  revisions: number
  /** Each utterance whose chain is broken, with the first revision that does not verify. */
  broken: { utteranceId: number; revisionId: number; reason: string }[]
}

export const exportFormats = [
  'kaldi',
  'nemo',
  'huggingface',
  'commonvoice',
  'csv',
  'eaf',
  'textgrid',
  'vtt',
  'srt',
] as const
export type ExportFormat = (typeof exportFormats)[number]
/** 16 kHz 16-bit mono WAV or FLAC per utterance, or the recordings' original files. */
/** What an export takes unless told otherwise: everything not set aside (flagged, skipped). */
export const defaultExportStatuses: readonly UtteranceStatus[] = [
  'new',
  'pseudo',
  'corrected',
  'reviewed',
]

export const exportAudios = ['wav', 'flac', 'originals'] as const
export type ExportAudio = (typeof exportAudios)[number]

export interface ExportSummary {
  exportRunId: number
  directory: string
  use: ConsentScope
  speakers: number
  recordings: number
  utterances: number
  durationSec: number
  files: number
  /** Utterances that matched the filters but whose speaker lacks the consent this use needs. */
  withoutConsent: number
  /** What the writers left out or changed, and why. */
  notes: string[]
  manifestSha256: string
}

export interface AnnotationImportSummary {
  imported: {
    file: string
    format: string
    recordings: number
    utterances: number
    speakers: number
    revisions: number
  }[]
  rejected: RejectedFile[]
  notes: string[]
}

// ---- Linguist review, agreement, adjudication and reports (issue 8; docs/review.md) ----

/** One typed word of a transcript with its script, its language tag and a suggestion. */
export interface TokenInfo {
  /** Word index, as language spans count them. */
  index: number
  token: string
  /** Unicode script of the word (docs/metrics.md, "Scripts per token"). */
  script: string
  /** The language a span gives it; null when untagged. */
  lang: string | null
  /** For untagged words only: a suggestion for the annotator to confirm, never applied. */
  suggestion: { lang: string | null; score: number; by: 'script' | 'ngram' | 'none' } | null
}

export interface LanguageTokens {
  text: string
  tokens: TokenInfo[]
  /** The per-project language identifier behind the suggestions; null before anything is tagged. */
  identifier: { trainedOnRevisions: number; languages: string[]; trainedAt: string } | null
}

/** How double annotation and the reviewer's sample are drawn (docs/review.md). */
export interface ReviewSettings {
  /** Share of utterances sent to two annotators blind to each other (0 turns it off). */
  doubleAnnotationShare: number
  /** Share of accepted (corrected) work that goes to the reviewer's queue. */
  reviewShare: number
  /** Double annotations whose WER between the two versions is above this need adjudication. */
  lowAgreementWer: number
  /** Changes which utterances the deterministic samples pick. */
  seed: number
}

export type ReviewReason = 'flagged' | 'low_agreement' | 'sampled'

export interface ReviewQueueItem {
  utteranceId: number
  reason: ReviewReason
  status: UtteranceStatus
  recordingName: string
  startSec: number
  endSec: number
  speakerCode: string | null
  language: string | null
  flagReason: FlagReason | null
  /** The newest revision (blind versions are the adjudication view's business). */
  revisionId: number | null
  text: string | null
  annotator: string | null
  /** WER between the two annotators' versions (low agreement only). */
  agreementWer: number | null
}

export interface ReviewQueuePage {
  offset: number
  total: number
  items: ReviewQueueItem[]
}

export interface ReviewVerdict {
  id: number
  revisionId: number
  reviewer: string
  verdict: 'approve' | 'reject'
  comment: string
  createdAt: string
}

/** A revision as the reviewer's history shows it. */
export interface ReviewRevision extends RevisionInfo {
  parentId: number | null
  /** An adjudicated revision's second parent. */
  mergeParentId: number | null
  annotatorRole: AnnotatorRole | null
  tokens: { token: string; script: string }[]
  reviews: ReviewVerdict[]
}

export interface UtteranceReviewHistory {
  utteranceId: number
  status: UtteranceStatus
  flagReason: FlagReason | null
  language: string | null
  speaker: {
    code: string
    dialect: string | null
    gender: string | null
    ageBand: string | null
    firstLanguage: string | null
  } | null
  /** Oldest first. */
  revisions: ReviewRevision[]
  /** The hash chain recomputed: the first revision that does not verify, if any. */
  chain: { ok: boolean; brokenAt: number | null }
  doubleAnnotation: {
    annotators: string[]
    agreementWer: number | null
    adjudicatedRevisionId: number | null
  } | null
}

export interface ErrorRate {
  n: number
  hits: number
  substitutions: number
  deletions: number
  insertions: number
  rate: number
}

/** Transcript-level agreement of one pair of annotators; the first named is the reference. */
export interface AgreementPair {
  reference: string
  other: string
  utterances: number
  adjudicated: number
  wer: ErrorRate
  cer: ErrorRate
  byLanguage: { lang: string; wer: ErrorRate }[]
}

export interface AgreementReport {
  /**
   * Utterances sampled for double annotation, by state: waiting for a second version, waiting
   * for adjudication, settled because the versions agreed, adjudicated by a reviewer.
   */
  waiting: number
  pending: number
  agreed: number
  adjudicated: number
  pairs: AgreementPair[]
  /** Each annotator's versions against the adjudicated result (null before any adjudication). */
  byAnnotator: { annotator: string; utterances: number; vsAdjudicated: ErrorRate | null }[]
}

export interface AdjudicationVersion {
  revisionId: number
  annotator: string
  text: string
  spans: LanguageSpan[]
}

/** One column of the aligned word diff; null where a version has no word there. */
export interface AdjudicationColumn {
  index: number
  a: string | null
  b: string | null
  model: string | null
  aLang: string | null
  bLang: string | null
  /** a and b are the same word under the project's normalisation. */
  agree: boolean
}

export interface AdjudicationView {
  utteranceId: number
  /** The newest revision, to detect a change before the result is stored. */
  headRevisionId: number
  a: AdjudicationVersion
  b: AdjudicationVersion
  hypothesis: { id: number; text: string; modelName: string } | null
  columns: AdjudicationColumn[]
  agreement: { wer: number; cer: number }
}

export interface AdjudicationResult {
  revision: RevisionInfo & { parentId: number | null; mergeParentId: number | null }
  review: ReviewVerdict
  status: UtteranceStatus
}

export interface EvaluationGroupScore {
  key: string
  utterances: number
  wer: number
  cer: number
  words: Omit<ErrorRate, 'rate'>
}

/** Code-switching scores of a model on the project (docs/metrics.md). */
export interface CodeSwitchEvaluation {
  wer: ErrorRate
  cer: ErrorRate
  mer: ErrorRate
  translitWer: ErrorRate
  pier: Omit<ErrorRate, 'rate'> & { rate: number | null }
  byLanguage: { lang: string; wer: ErrorRate; mer: ErrorRate; translitWer: ErrorRate }[]
  bySwitch: { type: string; from: string; to: string; switches: number; errors: ErrorRate }[]
  byGroup: {
    attribute: string
    value: string
    utterances: number
    wer: ErrorRate
    cer: ErrorRate
    mer: ErrorRate
    translitWer: ErrorRate
    pier: Omit<ErrorRate, 'rate'> & { rate: number | null }
  }[]
}

export interface ProjectEvaluation {
  model: string
  utterances: number
  /** Utterances with a reference but no hypothesis from this model (label them first). */
  unlabelled: number
  wer: number
  cer: number
  words: Omit<ErrorRate, 'rate'>
  chars: Omit<ErrorRate, 'rate'>
  bySpeaker: EvaluationGroupScore[]
  byLanguage: EvaluationGroupScore[]
  confidence: { words: number; aucRoc: number | null; ece: number | null; nce: number | null }
  /** MER, transliteration-normalised WER and PIER; per language, switch type and speaker group. */
  codeSwitching: CodeSwitchEvaluation
  perUtterance: {
    utteranceId: number
    speaker: string | null
    language: string | null
    reference: string
    hypothesis: string
    wer: number
  }[]
}

export interface ThroughputRow {
  annotator: string
  /** UTC day, YYYY-MM-DD. */
  day: string
  utterances: number
  audioMinutes: number
}

export interface ProjectReport {
  generatedAt: string
  project: {
    id: string
    name: string
    utterances: number
    transcribed: number
    reviewed: number
    audioMinutes: number
  }
  evaluation: Omit<ProjectEvaluation, 'perUtterance'> | null
  agreement: AgreementReport
  throughput: ThroughputRow[]
  reviews: { reviewer: string; approved: number; rejected: number }[]
  learningCurve: {
    checkpointId: number
    createdAt: string
    correctedMinutes: number
    devWer: number | null
    devCer: number | null
  }[]
  /** Reference language of the words at switch points against the language the model's word reads as. */
  switchConfusion: { reference: string; hypothesis: string; count: number }[]
}
