/** Speakers and their consent (docs/consent.md). */
import type { Split } from './adapt'

export type ConsentState = 'granted' | 'withdrawn' | 'expired' | 'none'

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

/** One problem of a consent table: the file, its line (1 is the header) and what is wrong. */
export interface TableProblem {
  file: string
  line: number
  problem: string
}

/** What a consent table recorded (or, in a dry run, would record). */
export interface ConsentImportSummary {
  file: string
  dryRun: boolean
  rows: number
  speakers: number
  records: number
  /** Speaker codes registered by this import (with `createSpeakers`). */
  createdSpeakers: string[]
  evidenceFiles: number
}
