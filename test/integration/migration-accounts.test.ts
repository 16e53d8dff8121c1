import { describe, expect, it } from 'vitest'
import {
  freshDbPerTest,
  insertRows,
  migrateTo,
  readTable,
  recordingRow,
  tableNames,
} from '../support/db'

const now = '2026-01-01T00:00:00.000Z'
const freshDb = freshDbPerTest()

describe('migration 13: accounts', () => {
  it('keeps profiles, binds one account to one profile, and refuses unknown roles and duplicate logins', () => {
    const db = freshDb(12)
    insertRows(db, 'annotator', [
      { name: 'Amina', role: 'lead', created_at: now },
      { name: 'Baraka', role: 'annotator', created_at: now },
    ])
    migrateTo(db, 13)
    expect(tableNames(db)).toEqual(expect.arrayContaining(['account', 'account_link', 'claim']))
    expect(readTable(db, 'annotator')).toHaveLength(2)
    insertRows(db, 'account', [{ annotator_id: 1, login: 'amina', role: 'admin', created_at: now }])
    expect(readTable(db, 'account')[0]).toMatchObject({ password_hash: null, disabled_at: null })
    // Logins are unique whatever their case, a profile has one account, roles are a fixed list.
    expect(() =>
      insertRows(db, 'account', [
        { annotator_id: 2, login: 'AMINA', role: 'lead', created_at: now },
      ]),
    ).toThrow(/UNIQUE/)
    expect(() =>
      insertRows(db, 'account', [
        { annotator_id: 1, login: 'other', role: 'lead', created_at: now },
      ]),
    ).toThrow(/UNIQUE/)
    expect(() =>
      insertRows(db, 'account', [
        { annotator_id: 2, login: 'baraka', role: 'owner', created_at: now },
      ]),
    ).toThrow(/CHECK/)
    expect(() =>
      insertRows(db, 'account', [
        { annotator_id: 9, login: 'ghost', role: 'lead', created_at: now },
      ]),
    ).toThrow(/FOREIGN KEY/)
    expect(() =>
      insertRows(db, 'account_link', [
        { token_sha256: 'x', account_id: 1, purpose: 'invite', created_at: now, expires_at: now },
      ]),
    ).toThrow(/CHECK/)
  })

  it('holds one claim per utterance and annotator, and finds expired claims by index', () => {
    const db = freshDb(12)
    insertRows(db, 'annotator', [{ name: 'Amina', role: 'annotator', created_at: now }])
    insertRows(db, 'recording', [recordingRow('a'.repeat(64))])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 1.5, status: 'new', created_at: now },
    ])
    migrateTo(db, 13)
    const claim = { utterance_id: 1, annotator_id: 1, claimed_at: now, expires_at: now }
    insertRows(db, 'claim', [claim])
    expect(() => insertRows(db, 'claim', [claim])).toThrow(/UNIQUE|PRIMARY/)
    const plan = db
      .prepare('EXPLAIN QUERY PLAN DELETE FROM claim WHERE expires_at <= ?')
      .all(now) as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX claim_by_expiry/)
  })
})
