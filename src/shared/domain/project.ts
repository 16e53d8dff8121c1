/** The open project, its recordings and utterances as lists, the app, and its jobs. */
import type { InferenceStatus } from './asr'
import type { AudioFormat } from './audio'
import type { Said } from '../messages'
import type { PrefillSetting } from '../metrics/prefill'
import type { RevisionSourceKind } from './provenance'

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
  /** Whether the editor starts from the model's hypothesis: per utterance, always or never. */
  prefill: PrefillSetting
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
  /** The codes of the speakers its utterances are assigned to now. */
  speakers: string[]
  importedAt: string
}

/** Where an utterance lies and the state it is in: what every listing of utterances shows. */
export interface UtterancePlace {
  recordingId: number
  recordingName: string
  startSec: number
  endSec: number
  speakerCode: string | null
  language: string | null
  status: UtteranceStatus
}

export interface Utterance extends UtterancePlace {
  id: number
  /** Text of the newest revision, if any. */
  text: string | null
  textSource: RevisionSourceKind | null
  /**
   * Set when that text is another recogniser's output an import brought for a person to correct
   * (an `import` draft, docs/formats.md "Machine output"): a draft, not a person's transcript.
   * `system` names the recogniser, when the person importing said.
   */
  machineOutput: { system: string | null } | null
}

export interface Page<T> {
  total: number
  offset: number
  items: T[]
}

/** What a background job does; each has a name in the status bar, in every interface language. */
export const jobKinds = [
  'import',
  'label',
  'train',
  'export',
  'annotation-import',
  'model',
  'evaluate',
] as const
export type JobKind = (typeof jobKinds)[number]
export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled'

export interface JobInfo {
  id: string
  kind: JobKind
  /** What it is doing, in English (as the CLI says it)… */
  label: string
  /** …and by key, for the UI to say in its language. */
  said: Said
  status: JobStatus
  done: number
  total: number
  startedAt: string
  /** Whether the one asking may cancel it: whoever started it, and leads (docs/team-server.md). */
  cancellable: boolean
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

export interface AppInfo {
  version: string
  /** Null until a model has labelled something in this project. */
  inference: InferenceStatus | null
  host: 'electron' | 'http'
  dataDir: string
  project: ProjectSummary
  uiLanguages: string[]
}
