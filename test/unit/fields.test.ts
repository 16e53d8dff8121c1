import { describe, expect, it } from 'vitest'
import { contract } from '../../src/shared/contract'
import { dateProblem, isoTime, speakerCode, transcript } from '../../src/shared/contract/fields'

describe('dates are parsed strictly', () => {
  it('refuses a month or a day that does not exist, naming the field', () => {
    for (const bad of ['2026-13-45', '2026-02-30', '2025-02-29', '2026-04-31', '2026-3-1'])
      expect(isoTime.safeParse(bad).success, bad).toBe(false)
    expect(dateProblem('2026-02-30')).toMatch(/not a day of the calendar/)
    const parsed = contract['consent.grant'].input.safeParse({
      actorId: 1,
      speakerId: 1,
      scopes: ['annotation'],
      grantedAt: '2026-13-45',
    })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path).toEqual(['grantedAt'])
  })

  it('keeps real dates and times, leap days included', () => {
    expect(isoTime.parse('2024-02-29')).toBe('2024-02-29T00:00:00.000Z')
    expect(isoTime.parse('2026-03-01T09:00Z')).toBe('2026-03-01T09:00:00.000Z')
    expect(isoTime.safeParse('2026-03-01T24:00:00Z').success).toBe(false)
  })
})

describe('text fields shared by the contract and the importers', () => {
  it('refuses control characters and over-long transcripts', () => {
    expect(transcript.safeParse('habari\u0000').success).toBe(false)
    expect(transcript.safeParse('a\u0007b').error?.issues[0]?.message).toMatch(/U\+0007/)
    expect(transcript.safeParse('x'.repeat(20_001)).success).toBe(false)
    expect(transcript.safeParse('two\tcolumns and\nlines are whitespace').success).toBe(true)
  })

  it('refuses speaker codes that would escape a folder or flood one', () => {
    for (const bad of ['../../x y', '..', '.', 'a/b', 'x'.repeat(100_000), 'a\u0001'])
      expect(speakerCode.safeParse(bad).success, bad.slice(0, 20)).toBe(false)
    expect(speakerCode.parse('spk-01.a')).toBe('spk-01.a')
  })
})
