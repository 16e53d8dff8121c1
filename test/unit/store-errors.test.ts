import { describe, expect, it } from 'vitest'
import { describeStoreError } from '../../src/main/core/db/store-errors'

describe('database constraint failures', () => {
  it('become a sentence of the contract’s kinds, never the engine’s text', () => {
    const cases: [string, string, string, RegExp][] = [
      [
        'SQLITE_CONSTRAINT_CHECK',
        'CHECK constraint failed: start_sec >= 0',
        'validation',
        /the start time cannot be negative/,
      ],
      [
        'SQLITE_CONSTRAINT_CHECK',
        'CHECK constraint failed: end_sec > start_sec',
        'validation',
        /the end time must be after the start time/,
      ],
      [
        'SQLITE_CONSTRAINT_UNIQUE',
        'UNIQUE constraint failed: speaker.code',
        'conflict',
        /the code already exists/,
      ],
      [
        'SQLITE_CONSTRAINT_NOTNULL',
        'NOT NULL constraint failed: utterance.recording_id',
        'validation',
        /the recording id is missing/,
      ],
      ['SQLITE_BUSY', 'database is locked', 'unavailable', /busy/],
    ]
    for (const [code, message, kind, sentence] of cases) {
      const info = describeStoreError(code, message)
      expect(info.kind).toBe(kind)
      expect(info.message).toMatch(sentence)
      expect(info.message).not.toContain('constraint failed')
    }
  })
})
