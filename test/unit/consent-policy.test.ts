import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  consentSnapshot,
  consentedSpeakers,
  holds,
  recordState,
  scopeState,
  speakerConsent,
  type ConsentTimes,
} from '../../src/main/core/consent/policy'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { consentScopes, type ConsentScope } from '../../src/shared/domain'
import { createDb, insertRows, migrateTo, type WriteDb } from '../support/db'

/**
 * The consent rule exists twice on purpose: as SQL for queries and as JavaScript for records
 * already read. Both must say the same thing about the same rows, at every edge.
 */
describe('the consent policy: the SQL fragment and its JavaScript twin', () => {
  let db: WriteDb
  let cleanup: () => void
  const t = (day: number): string => new Date(Date.UTC(2026, 0, day)).toISOString()

  // speaker, scope, granted, expires, withdrawn: each speaker one edge of the rule.
  const records: [number, ConsentScope, string, string | null, string | null][] = [
    [1, 'annotation', t(1), null, null], // open-ended
    [2, 'annotation', t(10), null, null], // granted later
    [3, 'annotation', t(1), t(10), null], // expires
    [4, 'annotation', t(1), null, t(5)], // withdrawn
    [5, 'annotation', t(1), t(10), null], // expired, then granted again
    [5, 'annotation', t(20), null, null],
    [6, 'model_training', t(1), null, null], // another scope only
    [7, 'annotation', t(1), null, t(30)], // withdrawn "in the future": withdrawal has no date ahead
    [8, 'research_release', t(1), t(10), null], // expires, and a withdrawn record beside it
    [8, 'research_release', t(2), null, t(3)],
  ]
  const moments = [t(1), t(5), t(9), t(10), t(15), t(20), t(40)]

  beforeAll(() => {
    ;({ db, cleanup } = createDb())
    migrateTo(db, latestSchemaVersion)
    insertRows(
      db,
      'speaker',
      Array.from({ length: 9 }, (_, i) => ({ code: `S${i + 1}`, created_at: t(1) })),
    )
    insertRows(
      db,
      'consent',
      records.map(([speaker_id, scope, granted_at, expires_at, withdrawn_at]) => ({
        speaker_id,
        scope,
        granted_at,
        expires_at,
        withdrawn_at,
        created_at: t(1),
      })),
    )
  })
  afterAll(() => cleanup())

  const stored = (): (ConsentTimes & { speaker_id: number; scope: ConsentScope })[] =>
    db
      .prepare('SELECT speaker_id, scope, granted_at, expires_at, withdrawn_at FROM consent')
      .all() as (ConsentTimes & { speaker_id: number; scope: ConsentScope })[]

  it('selects the same speakers in SQL as the JavaScript rule, for every scope and moment', () => {
    for (const scope of consentScopes)
      for (const at of moments) {
        const fragment = consentedSpeakers(scope, at)
        const bySql = (
          db
            .prepare(`SELECT id FROM speaker WHERE id IN (${fragment.sql}) ORDER BY id`)
            .all(fragment.params) as { id: number }[]
        ).map((r) => r.id)
        const byJs = [
          ...new Set(
            stored()
              .filter((r) => r.scope === scope && holds(r, at))
              .map((r) => r.speaker_id),
          ),
        ].sort((a, b) => a - b)
        expect(bySql, `${scope} at ${at}`).toEqual(byJs)
        // The scope's state says "granted" for exactly those speakers.
        for (let speaker = 1; speaker <= 9; speaker++)
          expect(speakerConsent(db, speaker, at)[scope] === 'granted', `S${speaker} ${scope}`).toBe(
            bySql.includes(speaker),
          )
      }
  })

  it('names the edges: expiry is exclusive, a grant counts from its moment, withdrawal at once', () => {
    const of = (speaker: number, at: string): ConsentScope[] =>
      consentScopes.filter((s) => speakerConsent(db, speaker, at)[s] === 'granted')
    expect(of(2, t(9))).toEqual([])
    expect(of(2, t(10))).toEqual(['annotation'])
    expect(of(3, t(9))).toEqual(['annotation'])
    expect(of(3, t(10))).toEqual([])
    expect(of(4, t(1))).toEqual([])
    expect(of(7, t(1))).toEqual([])
    expect(of(5, t(15))).toEqual([])
    expect(of(5, t(20))).toEqual(['annotation'])
  })

  it('explains a missing consent: withdrawn before expired before none', () => {
    expect(speakerConsent(db, 3, t(15)).annotation).toBe('expired')
    expect(speakerConsent(db, 4, t(15)).annotation).toBe('withdrawn')
    expect(speakerConsent(db, 8, t(15)).research_release).toBe('withdrawn')
    expect(speakerConsent(db, 2, t(5)).annotation).toBe('none')
    expect(speakerConsent(db, 9, t(5)).annotation).toBe('none')
    expect(scopeState([], t(5))).toBe('none')
    const record = { granted_at: t(10), expires_at: t(20), withdrawn_at: null }
    expect([t(5), t(10), t(20)].map((at) => recordState(record, at))).toEqual([
      'pending',
      'valid',
      'expired',
    ])
    expect(recordState({ ...record, withdrawn_at: t(12) }, t(15))).toBe('withdrawn')
  })

  it('snapshots the newest record that holds, and says so when none does', () => {
    const snapshot = consentSnapshot(db, 'annotation', [5, 1, 5, 4], t(25))
    expect(snapshot.at).toBe(t(25))
    expect(snapshot.scope).toBe('annotation')
    expect(snapshot.speakers.map((s) => [s.code, s.grantedAt])).toEqual([
      ['S1', t(1)],
      ['S4', null],
      ['S5', t(20)],
    ])
    expect(snapshot.speakers[2]!.consentId).toBe(6)
    expect(snapshot.speakers[1]!.consentId).toBeNull()
  })

  it('binds its scope and moment, and refuses a scope it does not know', () => {
    const fragment = consentedSpeakers('commercial', t(3))
    expect(fragment.sql).not.toContain('commercial')
    expect(fragment.sql).not.toContain(t(3))
    expect(fragment.params).toEqual({ consentScope: 'commercial', consentAt: t(3) })
    expect(() => consentedSpeakers('gossip' as ConsentScope, t(3))).toThrow(/unknown consent scope/)
  })
})
