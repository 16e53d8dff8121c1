/** Domain types shared by the core, the hosts and the renderer. Plain data only. */

export type UtteranceStatus = 'new' | 'pseudo' | 'corrected' | 'reviewed' | 'flagged' | 'skipped'
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

export type JobKind = 'import' | 'label'
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
}

export interface ImportSummary {
  imported: number
  duplicates: number
  rejected: RejectedFile[]
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

export type AnnotatorRole = 'annotator' | 'reviewer' | 'lead'

export interface Annotator {
  id: number
  name: string
  role: AnnotatorRole
  languages: string[]
}

/** The orders the queue can be served in; each is backed by an index. */
export type QueueOrder = 'confidence' | 'file' | 'duration' | 'speaker'

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

export interface WordTiming {
  startSec: number
  endSec: number
}

export interface Hypothesis {
  id: number
  rank: number
  text: string
  confidence: number | null
  /** One per word of `text`, in [0, 1]. */
  wordConfidences: number[]
  /** One per word of `text`, in seconds from the start of the recording. */
  wordTimes: WordTiming[]
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
