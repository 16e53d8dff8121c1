import { describe, expect, it } from 'vitest'
import { greedyDecode, logSoftmax } from '../../src/main/core/asr/ctc'
import { keptTokens, normaliseLogits } from '../../src/main/core/asr/normalise'
import {
  allowedTokens,
  maskPosteriors,
  scriptsOfLanguage,
} from '../../src/main/core/asr/script-mask'
import { decodeTokens, type Vocabulary } from '../../src/main/core/asr/vocab'

const vocabulary: Vocabulary = {
  tokens: ['<blank>', '|', 'a', 'м', 'а', 'क', 'ि', "'", '<unk>', 'é'],
  blank: 0,
  wordDelimiter: 1,
}

describe('one script per language for a multilingual character head', () => {
  it("knows a language's scripts from its tag, code-switched tags included", () => {
    expect(scriptsOfLanguage('ru')).toEqual(['Cyrl'])
    expect(scriptsOfLanguage('hi')).toEqual(['Deva'])
    expect(scriptsOfLanguage('nl-BE')).toEqual(['Latn'])
    expect(scriptsOfLanguage('hi-en')).toEqual(['Deva', 'Latn'])
    expect(scriptsOfLanguage('ja')).toEqual(['Hani', 'Hira', 'Kana'])
    expect(scriptsOfLanguage('sr-Latn')).toEqual(['Cyrl', 'Latn'])
  })

  it('keeps letters of the scripts, marks that go with them, and tokens without letters', () => {
    expect(allowedTokens(vocabulary, ['Cyrl'])).toEqual([
      true,
      true,
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
    ])
    expect(allowedTokens(vocabulary, ['Deva'])).toEqual([
      true,
      true,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      false,
    ])
    // Nothing to exclude, or nothing left to write: no mask.
    expect(allowedTokens({ ...vocabulary, tokens: ['<blank>', '|', 'a', 'é'] }, ['Latn'])).toBe(
      null,
    )
    expect(allowedTokens(vocabulary, ['Ethi'])).toBe(null)
  })

  it('a Russian utterance is written in Cyrillic where the head leaned to a Latin look-alike', () => {
    // Frames: "м", then a Latin "a" a little likelier than the Cyrillic "а", then blank.
    const rows = [
      [0, 0, 0, 5, 0, 0, 0, 0, 0, 0],
      [0, 0, 4, 0, 3.5, 0, 0, 0, 0, 0],
      [5, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]
    const p = logSoftmax(Float32Array.from(rows.flat()), rows.length, vocabulary.tokens.length)
    expect(decodeTokens(greedyDecode(p, 0).tokens, vocabulary)).toBe('мa')
    const masked = maskPosteriors(p, allowedTokens(vocabulary, ['Cyrl'])!)
    expect(decodeTokens(greedyDecode(masked, 0).tokens, vocabulary)).toBe('ма')
    // Each frame is a distribution again.
    for (let t = 0; t < 3; t++) {
      const sum = Array.from(masked.logProbs.slice(t * 10, t * 10 + 10)).reduce(
        (s, x) => s + Math.exp(x),
        0,
      )
      expect(sum).toBeCloseTo(1, 5)
    }
  })
  it("labelling's one-pass mask over raw logits gives what masking the log-softmax gives", () => {
    // Raw scores far from normalised (an offset of 40 on every token of frame 2).
    const rows = [
      [1, 0, 3, 5, 0.5, 2, 0, 0, 1, 0],
      [41, 40, 44, 40, 43.5, 40, 42, 40, 40, 40],
    ]
    const logits = Float32Array.from(rows.flat())
    const allowed = allowedTokens(vocabulary, ['Cyrl'])!
    const twoPass = maskPosteriors(logSoftmax(logits, 2, 10), allowed)
    const onePass = normaliseLogits(
      { frames: 2, vocab: 10, values: logits },
      keptTokens(allowed),
    ).posteriors
    for (let i = 0; i < 20; i++) expect(onePass.logProbs[i]).toBeCloseTo(twoPass.logProbs[i]!, 5)
    // The Latin "a" is excluded; the Cyrillic "м" keeps its share among the allowed.
    expect(onePass.logProbs[2]).toBeLessThan(-1000)
    expect(onePass.logProbs[3]).toBeGreaterThan(-0.5)
  })
})
