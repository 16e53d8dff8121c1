import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readTrn } from '../../src/main/core/formats/trn'
import { align, errorRate } from '../../src/shared/metrics/errors'
import { scoreTranscripts } from '../../src/shared/metrics/score'
import { normalizeForScoring, words } from '../../src/shared/text/normalize'

describe('text normalisation for scoring', () => {
  it('lower-cases, drops punctuation and keeps in-word apostrophes and hyphens', () => {
    expect(normalizeForScoring('  Habari, Mama!  "Umeamkaje" leo?')).toBe(
      'habari mama umeamkaje leo',
    )
    expect(normalizeForScoring("Don’t co-operate - 'quoted'")).toBe("don't co-operate quoted")
  })

  it('composes Unicode and keeps scripts, marks and numerals', () => {
    const decomposed = 'cafe\u0301 क़िला' // é as e + combining accent; क़ as क + nukta
    expect(normalizeForScoring(decomposed)).toBe('café क़िला')
    expect(words('मुझे कल office जाना है। 24 घंटे')).toEqual([
      'मुझे',
      'कल',
      'office',
      'जाना',
      'है',
      '24',
      'घंटे',
    ])
  })
})

describe('error counting', () => {
  it('counts substitutions, deletions and insertions', () => {
    const a = align(['the', 'cat', 'sat', 'down'], ['the', 'bat', 'sat', 'down', 'now'])
    expect([a.substitutions, a.deletions, a.insertions, a.hits]).toEqual([1, 0, 1, 3])
    expect(errorRate(a)).toBe(0.5)
    expect(errorRate(align([], []))).toBe(0)
    expect(errorRate(align([], ['x']))).toBe(Number.POSITIVE_INFINITY)
  })

  it('scores a missing hypothesis as empty and reports it', () => {
    const scores = scoreTranscripts(
      new Map([
        ['u1', 'habari yako'],
        ['u2', 'asante sana'],
      ]),
      new Map([
        ['u1', 'habari yako'],
        ['u3', 'extra'],
      ]),
    )
    expect(scores.wer).toBe(0.5)
    expect(scores.missing).toEqual(['u2'])
    expect(scores.extra).toEqual(['u3'])
  })
})

describe('trn transcripts', () => {
  it('reads ids, drops sentence markers and decoder scores, and names bad lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sauti-trn-'))
    writeFileSync(join(dir, 'a.trn'), '<s> he was not ill </s> (utt-1)\nhe was (utt-2 -11423)\n')
    expect(await readTrn(join(dir, 'a.trn'))).toEqual(
      new Map([
        ['utt-1', 'he was not ill'],
        ['utt-2', 'he was'],
      ]),
    )
    writeFileSync(join(dir, 'b.trn'), 'fine (u1)\nno id here\n')
    await expect(readTrn(join(dir, 'b.trn'))).rejects.toThrow(
      /b\.trn, line 2: expected "transcript \(utterance-id\)"/,
    )
  })
})
