import { describe, expect, it } from 'vitest'
import { mainSources } from '../support/sources'

/**
 * Files that may name the consent table in SQL, and why. Any other query that decides whether a
 * speaker's utterances may be served, trained on or exported must ask consent/policy.ts.
 */
const allowed: Record<string, string> = {
  'src/main/core/consent/policy.ts': 'the rule itself: the fragment, the states and the snapshot',
  'src/main/core/consent/speakers.ts': 'inserts a new record; it filters nothing',
  'src/main/core/consent/withdraw.ts': 'closes records (withdrawn_at), which the rule then reads',
  'src/main/core/consent/registry.ts': 'a speaker merge moves the records to the other speaker',
  'src/main/core/consent/records.ts':
    "lists every record with its evidence and recorder; each record's state is the policy's",
}

const mentionsTable = /\b(from|join|update|into)\s+consent\b(?!_)/i

describe('consent-filtered queries', () => {
  const files = mainSources()

  it('read the consent table only through the policy (or say in the allow-list why not)', () => {
    const offenders = files
      .filter((f) => mentionsTable.test(f.text) && !(f.name in allowed))
      .map((f) => f.name)
    expect(offenders).toEqual([])
  })

  it('keeps the allow-list honest: each exception still touches the table', () => {
    for (const name of Object.keys(allowed))
      expect(mentionsTable.test(files.find((f) => f.name === name)?.text ?? ''), name).toBe(true)
  })

  it('finds the table in SQL however it is written', () => {
    for (const sql of [
      'SELECT 1 FROM consent c',
      'JOIN consent ON',
      'update consent set',
      'INSERT INTO consent (',
    ])
      expect(mentionsTable.test(sql), sql).toBe(true)
    for (const text of ['FROM consent_evidence', 'consent to annotation', 'from consenting'])
      expect(mentionsTable.test(text), text).toBe(false)
  })
})
