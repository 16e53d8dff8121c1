import { describe, expect, it } from 'vitest'
import { boundaries, moveBoundary, tierWords } from '../../../src/renderer/src/transcript/word-tier'

const bounds = { startSec: 1, endSec: 3 }
const source = [
  { word: 'habari', start: 1.1, end: 1.5 },
  { word: 'za', start: 1.5, end: 1.8 },
  { word: 'asubuhi', start: 2.0, end: 2.6 },
]

describe('the word tier', () => {
  it('keeps the times of the words the text kept and places typed words in the gap they leave', () => {
    const words = tierWords('habari gani za asubuhi leo', source, bounds)
    expect(words.map((w) => [w.word, w.timed])).toEqual([
      ['habari', true],
      ['gani', false],
      ['za', true],
      ['asubuhi', true],
      ['leo', false],
    ])
    // "gani" sits between habari's end and za's start (no gap: no length); "leo" after asubuhi.
    expect(words[1]).toMatchObject({ start: 1.5, end: 1.5 })
    expect(words[4]).toMatchObject({ start: 2.6, end: 3 })
    expect(tierWords('something else', source, bounds)).toEqual([])
  })

  it('makes touching words share one boundary and clamps moves to order and the utterance', () => {
    const edges = boundaries(source)
    // habari's start, habari|za (touching), za's end, asubuhi's start, asubuhi's end.
    expect(edges.map((e) => [e.before, e.after, e.at])).toEqual([
      [null, 0, 1.1],
      [0, 1, 1.5],
      [1, null, 1.8],
      [null, 2, 2.0],
      [2, null, 2.6],
    ])
    const shared = moveBoundary(source, edges[1]!, 1.6, bounds)
    expect(shared[0]!.end).toBe(1.6)
    expect(shared[1]!.start).toBe(1.6)
    // Never past the neighbour's other edge, nor out of the utterance.
    expect(moveBoundary(source, edges[1]!, 5, bounds)[1]).toMatchObject({ start: 1.8, end: 1.8 })
    expect(moveBoundary(source, edges[0]!, 0, bounds)[0]!.start).toBe(1)
    expect(moveBoundary(source, edges[2]!, 2.5, bounds)[1]!.end).toBe(2.0)
    expect(moveBoundary(source, edges[4]!, 9, bounds)[2]!.end).toBe(3)
  })
})
