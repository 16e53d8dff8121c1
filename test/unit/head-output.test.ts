import { describe, expect, it } from 'vitest'
import { referenceReason, writesLanguage } from '../../src/main/core/asr/head-output'

describe('what a model head writes', () => {
  it('covers a language by its tag or its first subtag (a code-switched tag by its matrix language)', () => {
    expect(writesLanguage(['nl'], 'nl')).toBe(true)
    expect(writesLanguage(['nl'], 'nl-BE')).toBe(true)
    expect(writesLanguage(['NL'], 'nl')).toBe(true)
    expect(writesLanguage(['hi'], 'hi-en')).toBe(true)
    expect(writesLanguage(['en'], 'hi-en')).toBe(false)
    expect(writesLanguage(['pt-BR'], 'pt')).toBe(false)
    expect(writesLanguage(['pt-BR'], 'pt-BR')).toBe(true)
  })

  it('gives references for phones and for languages a manifest leaves out, transcripts otherwise', () => {
    expect(referenceReason({ unit: 'phone', languages: ['sw'] }, 'sw')).toBe('phones')
    expect(referenceReason({ unit: 'phone', languages: [] }, null)).toBe('phones')
    expect(referenceReason({ unit: 'char', languages: ['nl', 'en'] }, 'sw')).toBe('language')
    expect(referenceReason({ unit: 'subword', languages: ['sw'] }, 'sw')).toBeNull()
    // A manifest that names no languages, or an utterance whose language nobody knows.
    expect(referenceReason({ unit: 'char', languages: [] }, 'sw')).toBeNull()
    expect(referenceReason({ unit: 'char', languages: ['nl'] }, null)).toBeNull()
  })
})
