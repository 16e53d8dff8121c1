import { describe, expect, it } from 'vitest'
import { SautiError } from '../../src/shared/errors'
import { parseWordTimes, serialiseWordTimes } from '../../src/shared/word-time'

describe('the stored form of word times', () => {
  it('round-trips times and alignment scores, and leaves confidences to their own column', () => {
    const words = [
      { word: 'bei', start: 1, end: 1.3, score: 0.7, confidence: 0.9 },
      { word: 'ya', start: 1.3, end: 1.5 },
    ]
    const json = serialiseWordTimes(words)
    expect(JSON.parse(json)).toEqual([
      { word: 'bei', start: 1, end: 1.3, score: 0.7 },
      { word: 'ya', start: 1.3, end: 1.5 },
    ])
    expect(parseWordTimes(json)).toEqual([
      { word: 'bei', start: 1, end: 1.3, score: 0.7 },
      { word: 'ya', start: 1.3, end: 1.5 },
    ])
  })

  it('reads no stored times as none, and refuses a value that is not word times', () => {
    expect(parseWordTimes(null)).toEqual([])
    expect(() => parseWordTimes('{"word":"a"}')).toThrow(SautiError)
    expect(() => parseWordTimes('[{"startSec":1,"endSec":2}]')).toThrow(
      'stored word time 0 is not {word, start, end}',
    )
  })
})
