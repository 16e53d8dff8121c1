import type { ConsentRecord, ConsentScope, ConsentState } from '../../../shared/domain'
import { consentScopes } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'

/*
 * The consent rule, the project's promise to speakers, written once (docs/consent.md): a record
 * allows its scope at a moment `at` when it was granted at or before `at`, has not expired by
 * `at` and was never withdrawn. Every query that serves, trains on or exports an utterance asks
 * it through `consentedSpeakers` (SQL); code holding records already asks `holds` (its twin).
 * A test scans the core for SQL on the consent table outside this file.
 */

/** A consent record's times as the table keeps them (ISO 8601 UTC strings compare in order). */
export interface ConsentTimes {
  granted_at: string
  expires_at: string | null
  withdrawn_at: string | null
}

/** The rule in JavaScript: the twin of `recordHoldsSql`. */
export function holds(record: ConsentTimes, at: string): boolean {
  return (
    record.withdrawn_at === null &&
    record.granted_at <= at &&
    (record.expires_at === null || record.expires_at > at)
  )
}

/** The rule in SQL, over consent alias `c`, with the moment bound as `:consentAt`. */
function recordHoldsSql(c: string): string {
  return `${c}.withdrawn_at IS NULL AND ${c}.granted_at <= :consentAt
          AND (${c}.expires_at IS NULL OR ${c}.expires_at > :consentAt)`
}

/** A piece of SQL and the named parameters it binds; spread `params` into the statement's. */
export interface SqlFragment {
  sql: string
  params: { consentScope: ConsentScope; consentAt: string }
}

function knownScope(scope: ConsentScope): ConsentScope {
  if (!consentScopes.includes(scope)) throw new Error(`unknown consent scope ${String(scope)}`)
  return scope
}

/**
 * Speakers whose consent to `scope` holds at `at`: a subquery (`u.speaker_id IN (…)`) binding
 * `:consentScope` and `:consentAt`. One scope and one moment per statement.
 */
export function consentedSpeakers(scope: ConsentScope, at: string): SqlFragment {
  return {
    sql: `SELECT c.speaker_id FROM consent c WHERE c.scope = :consentScope AND ${recordHoldsSql('c')}`,
    params: { consentScope: knownScope(scope), consentAt: at },
  }
}

/**
 * A scope's state from its records: granted while any record holds at `at`; otherwise withdrawn
 * if one was withdrawn, expired if one ran out, none if there is no record (or only future ones).
 */
export function scopeState(records: ConsentTimes[], at: string): ConsentState {
  if (records.some((r) => holds(r, at))) return 'granted'
  if (records.some((r) => r.withdrawn_at !== null)) return 'withdrawn'
  if (records.some((r) => r.expires_at !== null && r.expires_at <= at)) return 'expired'
  return 'none'
}

/** One record's state at `at`, as the consent list shows it. */
export function recordState(record: ConsentTimes, at: string): ConsentRecord['state'] {
  if (holds(record, at)) return 'valid'
  if (record.withdrawn_at !== null) return 'withdrawn'
  if (record.expires_at !== null && record.expires_at <= at) return 'expired'
  return 'pending'
}

export type ConsentStates = Record<ConsentScope, ConsentState>

interface ScopedTimes extends ConsentTimes {
  speaker_id: number
  scope: ConsentScope
}

function statesOf(records: ScopedTimes[], at: string): ConsentStates {
  return Object.fromEntries(
    consentScopes.map((scope) => [
      scope,
      scopeState(
        records.filter((r) => r.scope === scope),
        at,
      ),
    ]),
  ) as ConsentStates
}

const recordTimes = 'SELECT speaker_id, scope, granted_at, expires_at, withdrawn_at FROM consent'

/** Every scope's state for one speaker at `at`. */
export function speakerConsent(db: WriteDb, speakerId: number, at: string): ConsentStates {
  const records = db.prepare(`${recordTimes} WHERE speaker_id = ?`).all(speakerId) as ScopedTimes[]
  return statesOf(records, at)
}

/** Every scope's state for every speaker with a record at `at` (speakers without one: none). */
export function speakersConsent(db: WriteDb, at: string): (speakerId: number) => ConsentStates {
  const bySpeaker = new Map<number, ScopedTimes[]>()
  for (const r of db.prepare(recordTimes).all() as ScopedTimes[])
    bySpeaker.set(r.speaker_id, [...(bySpeaker.get(r.speaker_id) ?? []), r])
  return (speakerId) => statesOf(bySpeaker.get(speakerId) ?? [], at)
}

/** The record that allowed one speaker, as a checkpoint or an export keeps it. */
export interface ConsentSnapshotEntry {
  code: string
  /** Null when no record holds any more (withdrawn while the training or export ran). */
  consentId: number | null
  grantedAt: string | null
  expiresAt: string | null
  evidenceSha256: string | null
  recordedBy: string | null
}

export interface ConsentSnapshot {
  at: string
  scope: ConsentScope
  speakers: ConsentSnapshotEntry[]
}

/**
 * Which record allowed each speaker to be used for `scope` at `at` (the newest that holds),
 * stored with every checkpoint (model_training) and every export's manifest.
 */
export function consentSnapshot(
  db: WriteDb,
  scope: ConsentScope,
  speakerIds: number[],
  at: string,
): ConsentSnapshot {
  const stmt = db.prepare(
    `SELECT s.code, c.id, c.granted_at, c.expires_at, c.evidence_sha256, a.name AS recorded_by
     FROM speaker s
     LEFT JOIN consent c ON c.id = (
       SELECT c.id FROM consent c
       WHERE c.speaker_id = s.id AND c.scope = :consentScope AND ${recordHoldsSql('c')}
       ORDER BY c.granted_at DESC, c.id DESC LIMIT 1)
     LEFT JOIN annotator a ON a.id = c.recorded_by
     WHERE s.id = :speaker`,
  )
  const params = { consentScope: knownScope(scope), consentAt: at }
  const speakers = [...new Set(speakerIds)]
    .sort((a, b) => a - b)
    .map((speaker): ConsentSnapshotEntry => {
      const c = stmt.get({ ...params, speaker }) as {
        code: string
        id: number | null
        granted_at: string | null
        expires_at: string | null
        evidence_sha256: string | null
        recorded_by: string | null
      }
      return {
        code: c.code,
        consentId: c.id,
        grantedAt: c.granted_at,
        expiresAt: c.expires_at,
        evidenceSha256: c.evidence_sha256,
        recordedBy: c.recorded_by,
      }
    })
  return { at, scope, speakers }
}
