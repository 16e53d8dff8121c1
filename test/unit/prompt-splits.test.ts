import { describe, expect, it } from 'vitest'
import { promptGroup, promptGroupSplits, type PromptClip } from '../support/prompt-splits'

const shares = { test: 0.2, dev: 0.15, minDevSeconds: 0 }

/** Ten prompt groups of ten 6-second clips each (10 minutes), every text its own. */
const clips: PromptClip[] = [
  'vm',
  'conf',
  'digits',
  'agent',
  'queue',
  'dir',
  'demo',
  'spy',
  'pbx',
  'auth',
].flatMap((g) =>
  Array.from({ length: 10 }, (_, i) => ({
    path: `audio/${g}-prompt${i}.flac`,
    transcript: `${g} prompt number ${i}`,
    seconds: 6,
  })),
)

const minutesIn = (splits: Map<string, string>, split: string): number =>
  clips.filter((c) => splits.get(c.path) === split).reduce((s, c) => s + c.seconds, 0) / 60

describe('unheard voices split by prompt group', () => {
  it('names a clip by its Asterisk key’s first word', () => {
    expect(promptGroup('audio/vm-intro.flac')).toBe('vm')
    expect(promptGroup('audio/digits_1.flac')).toBe('digits')
    expect(promptGroup('audio/conf_usermenu-162.flac')).toBe('conf')
    expect(promptGroup('/data/audio/queue-thankyou.flac')).toBe('queue')
  })

  it('holds out whole groups, as near 20 % of the minutes for test and 15 % for dev as they allow', () => {
    const splits = promptGroupSplits(clips, 'it', shares)
    expect(minutesIn(splits, 'test')).toBe(2)
    // 1.5 minutes lie halfway between one group and two: a second would not bring dev nearer.
    expect(minutesIn(splits, 'dev')).toBe(1)
    for (const g of new Set(clips.map((c) => promptGroup(c.path))))
      expect(
        new Set(clips.filter((c) => promptGroup(c.path) === g).map((c) => splits.get(c.path))).size,
      ).toBe(1)
  })

  it('gives dev at least the minimum minutes, and is the same every time', () => {
    const splits = promptGroupSplits(clips, 'it', { ...shares, minDevSeconds: 180 })
    expect(minutesIn(splits, 'dev')).toBe(3)
    expect(promptGroupSplits(clips, 'it', { ...shares, minDevSeconds: 180 })).toEqual(splits)
  })

  it('drops a pool clip that repeats a held-out text, wherever it is filed', () => {
    const splits = promptGroupSplits(clips, 'it', shares)
    const held = clips.find((c) => splits.get(c.path) === 'test')!
    const repeat = {
      path: 'audio/zz-again.flac',
      transcript: `${held.transcript.toUpperCase()}!`,
      seconds: 1,
    }
    const withRepeat = promptGroupSplits([...clips, repeat], 'it', shares)
    expect(withRepeat.get(repeat.path)).toBe('dropped-duplicate')
    expect(withRepeat.get(held.path)).toBe('test')
  })

  // 12 of 22 minutes: more than twice test's or dev's share, so it stays in the pool.
  it('never lets one large group take test past twice its share', () => {
    const big = [
      ...clips,
      ...Array.from({ length: 120 }, (_, i) => ({
        path: `audio/huge-${i}.flac`,
        transcript: `huge ${i}`,
        seconds: 6,
      })),
    ]
    const splits = promptGroupSplits(big, 'it', shares)
    expect(
      big.filter((c) => c.path.includes('huge')).every((c) => splits.get(c.path) === 'train'),
    ).toBe(true)
  })
})
