/** People with a login on a team server, and the claims that keep two of them off one utterance. */
import type { UtteranceStatus } from './project'

/** Each role may do what the ones before it may (docs/team-server.md). */
export const accountRoles = ['annotator', 'reviewer', 'lead', 'admin'] as const
export type AccountRole = (typeof accountRoles)[number]

export interface Account {
  id: number
  login: string
  role: AccountRole
  /** The annotator profile the account writes as: revisions, reviews and consent name it. */
  annotatorId: number
  disabled: boolean
  /** False until the invitation was accepted (or after a reset, until a new password is set). */
  hasPassword: boolean
  createdAt: string
}

/** Who the server says is calling: the machine's owner (desktop, loopback, CLI) or an account. */
export type Identity =
  { mode: 'owner' } | { mode: 'account'; account: Account; annotatorName: string }

/** A one-time link's secret: shown once, stored only as a hash. */
export interface AccountLink {
  account: Account
  purpose: 'invite' | 'reset'
  token: string
  expiresAt: string
}

/** Who holds an utterance, for the caller (`mine`) and for a lead's overview. */
export interface ClaimState {
  utteranceId: number
  /** Its status now: someone may have finished it since the caller's queue was read. */
  status: UtteranceStatus
  /** The caller holds it now (and may work on it). */
  mine: boolean
  /** Everyone else who holds it, by profile name. */
  heldBy: string[]
  /** When the caller's claim lapses unless renewed; null when the caller holds none. */
  expiresAt: string | null
}

export interface ClaimInfo {
  utteranceId: number
  annotatorId: number
  annotatorName: string
  claimedAt: string
  expiresAt: string
}

/** What `sauti backup` and a lead's backup button report. */
export interface BackupSummary {
  dir: string
  projectId: string
  schemaVersion: number
  recordings: number
  revisions: number
  audioFiles: number
  audioBytes: number
  models: number
  createdAt: string
}
