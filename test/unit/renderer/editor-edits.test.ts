import { describe, expect, it } from 'vitest'
import {
  withAlternative,
  withMachineImport,
  withText,
} from '../../../src/renderer/src/stores/editor-state'
import type { EditorState } from '../../../src/renderer/src/transcript/edit-history'
import type { Hypothesis, UtteranceDetail } from '../../../src/shared/domain'

const hypothesis = (over: Partial<Hypothesis>): Hypothesis =>
  ({ id: 1, rank: 1, text: '', reference: null, ...over }) as Hypothesis

/** Only what the edits read: the N-best and the machine output an import brought. */
const detail = (hypotheses: Hypothesis[], machineText: string | null = null): UtteranceDetail =>
  ({
    hypotheses,
    machineImport: machineText === null ? null : { text: machineText },
  }) as unknown as UtteranceDetail

// "habari" and "yako" tagged as Swahili, "good morning" as English.
const typed: EditorState = {
  text: 'habari yako good morning',
  spans: [
    { start: 0, end: 2, lang: 'sw' },
    { start: 2, end: 4, lang: 'en' },
  ],
  hypothesisId: null,
  wordTimes: null,
}

describe('what the editor puts in the text field', () => {
  it('keeps language tags on the words they tagged when the text changes', () => {
    const next = withText(typed, 'habari good morning')
    expect(next.text).toBe('habari good morning')
    expect(next.spans).toEqual([
      { start: 0, end: 1, lang: 'sw' },
      { start: 1, end: 3, lang: 'en' },
    ])
  })

  it('takes an alternative as the text and records which hypothesis it came from', () => {
    const pool = detail([
      hypothesis({ id: 7, rank: 1, text: 'habari yako' }),
      hypothesis({ id: 8, rank: 2, text: 'habari yake' }),
    ])
    expect(withAlternative(typed, pool, 2)).toMatchObject({ text: 'habari yake', hypothesisId: 8 })
    expect(withAlternative(typed, pool, 3)).toBeNull()
  })

  it('never puts a reference (phones, or a language the model does not write) in the field', () => {
    const phones = detail([hypothesis({ id: 9, text: 'h a b a r i', reference: 'phones' })])
    expect(withAlternative(typed, phones, 1)).toBeNull()
    const otherLanguage = detail([hypothesis({ id: 9, text: 'abari', reference: 'language' })])
    expect(withAlternative(typed, otherLanguage, 1)).toBeNull()
  })

  it('puts back an import’s machine output as a draft of no hypothesis, and nothing without one', () => {
    const imported = withMachineImport(
      { ...typed, hypothesisId: 7 },
      detail([], 'habari yako good morning'),
    )
    expect(imported).toMatchObject({ text: 'habari yako good morning', hypothesisId: null })
    expect(withMachineImport(typed, detail([]))).toBeNull()
    expect(withMachineImport(typed, null)).toBeNull()
  })
})
