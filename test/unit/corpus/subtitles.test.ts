import { describe, expect, it } from 'vitest'
import type { Corpus } from '../../../src/main/core/formats/corpus/model'
import { writeSrt, writeVtt } from '../../../src/main/core/formats/corpus/subtitles'
import { clock, secondsText, toMs } from '../../../src/main/core/formats/corpus/time'
import { sampleCorpus, textOf } from './sample'

function oneCue(start: number, end: number, text = 'hi'): Corpus {
  return {
    speakers: [],
    recordings: [{ id: 'r/1', audioPath: 'r.wav', durationSec: 5000, speaker: null }],
    utterances: [
      {
        id: 'u1',
        recordingId: 'r/1',
        speaker: 'S',
        start,
        end,
        text,
        language: null,
        spans: [],
        words: [],
      },
    ],
  }
}

describe('timestamps', () => {
  it('rounds to the millisecond as written, half up, and formats hours', () => {
    expect(toMs(3661.0005)).toBe(3661001)
    expect(toMs(0.1 + 0.2)).toBe(300)
    expect(clock(toMs(3661.0005), ',')).toBe('01:01:01,001')
    expect(clock(toMs(3661.0005), '.')).toBe('01:01:01.001')
    expect(clock(0, ',')).toBe('00:00:00,000')
    expect(clock(toMs(59.9996), '.')).toBe('00:01:00.000')
    expect(clock(toMs(100 * 3600 + 0.25), ',')).toBe('100:00:00,250')
    expect(secondsText(12.3335)).toBe('12.334')
    expect(secondsText(20)).toBe('20')
  })

  it('writes those timestamps in both formats', () => {
    expect(textOf(writeSrt(oneCue(0, 3661.0005)).files[0])).toBe(
      '1\n00:00:00,000 --> 01:01:01,001\n[S] hi\n',
    )
    expect(textOf(writeVtt(oneCue(0, 3661.0005)).files[0])).toBe(
      'WEBVTT\n\nu1\n00:00:00.000 --> 01:01:01.001\n<v S>hi\n',
    )
  })
})

describe('WebVTT and SRT', () => {
  it('writes one file per recording with voices, escapes and language tags', () => {
    const { files, notes } = writeVtt(sampleCorpus(), { dir: 'subs' })
    expect(files.map((f) => f.path)).toEqual(['subs/rec0001.vtt', 'subs/rec0002.vtt'])
    const vtt = textOf(files[0])
    expect(
      vtt.startsWith(
        'WEBVTT\n\nutt0001\n00:00:00.500 --> 00:00:02.250\n<v amina>Habari za asubuhi rafiki\n\n',
      ),
    ).toBe(true)
    expect(vtt).toContain(
      'utt0002\n00:00:02.000 --> 00:00:04.000\n<v ravi><lang hi>मैं ठीक हूँ,</lang> <lang en>thank you</lang>\n',
    )
    expect(vtt).toContain('<v amina>Alisema "ndiyo" &lt;&amp;&gt; sawa\n')
    expect(vtt).toContain('utt0005\n00:00:10.001 --> 00:00:12.334\n<v ravi>ठीक है\n')
    expect(textOf(files[1])).toBe(
      'WEBVTT\n\nutt0007\n00:00:01.500 --> 00:00:09.999\n<v amina>Asante sana kwa kila kitu\n',
    )
    expect(notes).toEqual([
      {
        kind: 'skipped',
        utteranceId: 'utt0006',
        recordingId: 'rec0002',
        message: 'empty transcript',
      },
    ])
  })

  it('numbers SRT cues in time order with the speaker before the text', () => {
    const srt = textOf(writeSrt(sampleCorpus()).files[0])
    const cues = srt.trimEnd().split('\n\n')
    expect(cues).toHaveLength(5)
    expect(cues[1]).toBe('2\n00:00:02,000 --> 00:00:04,000\n[ravi] मैं ठीक हूँ, thank you')
    expect(cues[2]).toBe('3\n00:00:02,250 --> 00:00:03,500\n[amina] Alisema "ndiyo" <&> sawa')
  })

  it('leaves out a cue shorter than a millisecond and names files safely', () => {
    const { files, notes } = writeSrt(oneCue(1.0001, 1.0004))
    expect(files[0]?.path).toBe('r_1.srt')
    expect(textOf(files[0])).toBe('')
    expect(notes).toEqual([
      { kind: 'skipped', utteranceId: 'u1', recordingId: 'r/1', message: 'shorter than 1 ms' },
    ])
  })
})
