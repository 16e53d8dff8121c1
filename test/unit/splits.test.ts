import { describe, expect, it } from 'vitest'
import { chooseUnit, nextSplit, splitPolicySchema } from '../../src/main/core/adapt/splits'

const policy = splitPolicySchema.parse({})
const utt = (
  speaker: number,
  minutes: number,
  id = speaker,
): Parameters<typeof chooseUnit>[0][number] => ({
  id,
  speaker_id: speaker,
  recording_id: id,
  start_sec: 0,
  minutes,
  language: 'nl',
  labelled: 1,
  first_revision: id,
})

describe('where the next unit of a language goes', () => {
  it('the first unit trains, the second goes to dev, and dev gets at least its minimum before its share', () => {
    const have = { train: 0, dev: 0, test: 0 }
    expect(nextSplit(have, 1, policy)).toBe('train')
    have.train = 1
    expect(nextSplit(have, 1, policy)).toBe('dev')
    have.dev = 1
    // 3 minutes in all: dev should hold min(2 min, 30 %) = 0.9 and has 1; train 1.65 and has 1
    expect(nextSplit(have, 1, policy)).toBe('train')
    have.train = 2
    // 4 minutes: test should hold 0.6 and has nothing, the largest gap
    expect(nextSplit(have, 1, policy)).toBe('test')
  })

  it('settles on the shares once the language is large: 70 / 15 / 15 of the minutes', () => {
    const have = { train: 0, dev: 0, test: 0 }
    for (let i = 0; i < 400; i++) have[nextSplit(have, 0.25, policy)] += 0.25
    const total = have.train + have.dev + have.test
    expect(have.dev / total).toBeCloseTo(0.15, 1)
    expect(have.test / total).toBeCloseTo(0.15, 1)
    expect(have.dev).toBeGreaterThanOrEqual(policy.minDevMinutes)
  })
})

describe('which unit a language is held out by', () => {
  it('one or two speakers: stretches of recordings', () => {
    expect(chooseUnit([utt(1, 30, 1), utt(1, 30, 2)], policy)).toBe('recording')
    expect(chooseUnit([utt(1, 30), utt(2, 30)], policy)).toBe('recording')
  })

  it('two main voices and many minor characters (a game dub): speakers, the main voices train', () => {
    const pool = [utt(1, 40), utt(2, 40), ...Array.from({ length: 20 }, (_, i) => utt(10 + i, 1))]
    expect(chooseUnit(pool, policy)).toBe('speaker')
  })

  it('six speakers of about the same size: speakers', () => {
    expect(
      chooseUnit(
        Array.from({ length: 6 }, (_, i) => utt(i + 1, 5)),
        policy,
      ),
    ).toBe('speaker')
  })

  it('a lead’s choice wins over auto', () => {
    expect(chooseUnit([utt(1, 30)], { ...policy, unit: 'speaker' })).toBe('speaker')
  })
})
