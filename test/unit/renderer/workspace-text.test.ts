import { describe, expect, it } from 'vitest'
import type { Hypothesis } from '../../../src/shared/domain'
import { EditHistory } from '../../../src/renderer/src/transcript/edit-history'
import {
  alternativeFor,
  annotateKeymap,
} from '../../../src/renderer/src/components/annotate/annotate-keymap'
import {
  actionFor,
  comboOf,
  loadBindings,
  saveBindings,
} from '../../../src/renderer/src/composables/keymap'
import {
  remapSpans,
  shadeWords,
  splitTextAt,
  tagWords,
  wordDiff,
  wordsInSelection,
  splitWords,
} from '../../../src/renderer/src/transcript/text-model'

const hypothesis: Hypothesis = {
  id: 7,
  rank: 1,
  text: 'bei ya nyanya imepanda',
  confidence: 0.5,
  wordConfidences: [0.9, 0.8, 0.2, 0.6],
  wordTimes: [
    { word: 'bei', start: 1.0, end: 1.3 },
    { word: 'ya', start: 1.3, end: 1.5 },
    { word: 'nyanya', start: 1.5, end: 2.0 },
    { word: 'imepanda', start: 2.0, end: 2.6 },
  ],
  modelName: 'm',
  calibrated: true,
  reference: null,
}

describe('word shading', () => {
  it('keeps the model’s confidence and times on the words the annotator kept, and none on typed ones', () => {
    const words = shadeWords('bei ya nyanya sana imepanda', hypothesis, [])
    expect(words.map((w) => w.confidence)).toEqual([0.9, 0.8, 0.2, null, 0.6])
    expect(words[4]!.time).toEqual({ word: 'imepanda', start: 2.0, end: 2.6 })
    expect(words[3]!.time).toBeNull()
    // A changed word is the annotator's, not the model's.
    expect(shadeWords('bei ya nyanya imeshuka', hypothesis, [])[3]!.confidence).toBeNull()
    expect(words.map((w) => w.edited)).toEqual([false, false, false, true, false])
  })

  it("marks as typed only what the annotator typed, not the words of another recogniser's imported output", () => {
    const imported = 'habari za asubuhi'
    const words = shadeWords('habari za asubuhi rafiki', null, [], imported)
    expect(words.map((w) => w.edited)).toEqual([false, false, false, true])
    expect(words.map((w) => w.confidence)).toEqual([null, null, null, null])
    // Without imported text to start from, every word with no model score is the annotator's.
    expect(shadeWords('habari za asubuhi', null, []).every((w) => w.edited)).toBe(true)
  })

  it('finds the words a selection or caret covers', () => {
    const words = splitWords('bei ya  nyanya')
    expect(words.map((w) => [w.start, w.end])).toEqual([
      [0, 3],
      [4, 6],
      [8, 14],
    ])
    expect(wordsInSelection(words, 5, 5)).toEqual([1, 2])
    expect(wordsInSelection(words, 2, 9)).toEqual([0, 3])
    expect(wordsInSelection(splitWords(''), 0, 0)).toBeNull()
  })

  it('splits the text at a time by the words’ midpoints', () => {
    const words = shadeWords(hypothesis.text, hypothesis, [])
    expect(splitTextAt(words, 1.6)).toEqual(['bei ya', 'nyanya imepanda'])
  })
})

describe('language spans', () => {
  it('tags, retags and untags words, merging neighbours of one language', () => {
    let spans = tagWords(5, [], 1, 3, 'en')
    expect(spans).toEqual([{ start: 1, end: 3, lang: 'en' }])
    spans = tagWords(5, spans, 3, 4, 'en')
    expect(spans).toEqual([{ start: 1, end: 4, lang: 'en' }])
    spans = tagWords(5, spans, 2, 3, null)
    expect(spans).toEqual([
      { start: 1, end: 2, lang: 'en' },
      { start: 3, end: 4, lang: 'en' },
    ])
  })

  it('follow their words through edits before, inside and after them', () => {
    const spans = [{ start: 2, end: 4, lang: 'en' }]
    const before = 'mimi nina meeting tomorrow asubuhi'
    expect(remapSpans(before, 'leo mimi nina meeting tomorrow asubuhi', spans)).toEqual([
      { start: 3, end: 5, lang: 'en' },
    ])
    // A word typed inside the tagged stretch joins it; one typed after it does not.
    expect(remapSpans(before, 'mimi nina meeting ya tomorrow asubuhi', spans)).toEqual([
      { start: 2, end: 5, lang: 'en' },
    ])
    expect(remapSpans(before, 'mimi nina meeting tomorrow sana asubuhi', spans)).toEqual([
      { start: 2, end: 4, lang: 'en' },
    ])
    // Deleting a tagged word shrinks the span; deleting all of them removes it.
    expect(remapSpans(before, 'mimi nina tomorrow asubuhi', spans)).toEqual([
      { start: 2, end: 3, lang: 'en' },
    ])
    expect(remapSpans(before, 'mimi nina asubuhi', spans)).toEqual([])
  })
})

describe('alternatives', () => {
  it('shows what picking an alternative would change, word by word', () => {
    expect(wordDiff('bei ya nyanya', 'bei za nyanya')).toEqual([
      { kind: 'same', text: 'bei' },
      { kind: 'removed', text: 'ya' },
      { kind: 'added', text: 'za' },
      { kind: 'same', text: 'nyanya' },
    ])
  })
})

describe('undo history', () => {
  const s = (text: string) => ({ text, spans: [], hypothesisId: null, wordTimes: null })
  it('groups a typing burst into one step, and keeps other changes apart', () => {
    const h = new EditHistory(s(''), 800)
    h.push(s('a'), true, 1000)
    h.push(s('ab'), true, 1300)
    h.push(s('abc'), true, 1600)
    h.push(s('abc x'), false, 1700)
    h.push(s('abc xy'), true, 5000)
    expect(h.undo()).toEqual(s('abc x'))
    expect(h.undo()).toEqual(s('abc'))
    expect(h.undo()).toEqual(s(''))
    expect(h.undo()).toBeNull()
    expect(h.redo()).toEqual(s('abc'))
    h.push(s('new'), false, 6000)
    expect(h.canRedo).toBe(false)
  })
})

describe('shortcuts', () => {
  const key = (k: Partial<KeyboardEvent>): KeyboardEvent =>
    ({
      ctrlKey: false,
      altKey: false,
      shiftKey: false,
      metaKey: false,
      code: '',
      ...k,
    }) as KeyboardEvent

  it('names combinations the same on every layout and for Cmd', () => {
    expect(comboOf(key({ key: 'Enter', ctrlKey: true }))).toBe('Ctrl+Enter')
    expect(comboOf(key({ key: 'Enter', metaKey: true, shiftKey: true }))).toBe('Ctrl+Shift+Enter')
    // macOS turns Alt+S into "ß": the physical key decides.
    expect(comboOf(key({ key: 'ß', code: 'KeyS', altKey: true }))).toBe('Alt+S')
    expect(comboOf(key({ key: '?', shiftKey: true }))).toBe('?')
    expect(comboOf(key({ key: 'z', ctrlKey: true, shiftKey: true }))).toBe('Ctrl+Shift+Z')
    expect(comboOf(key({ key: 'Control', ctrlKey: true }))).toBe('')
  })

  it('never fires plain keys while typing, but does fire modified ones', () => {
    const map = annotateKeymap
    const b = map.defaults
    expect(actionFor(map, key({ key: '?', shiftKey: true }), b, false)).toBe('help')
    expect(actionFor(map, key({ key: '?', shiftKey: true }), b, true)).toBeNull()
    expect(actionFor(map, key({ key: 'Enter', ctrlKey: true }), b, true)).toBe('saveNext')
    expect(alternativeFor(key({ key: '3', code: 'Digit3' }), false)).toBe(3)
    expect(alternativeFor(key({ key: '3', code: 'Digit3' }), true)).toBeNull()
    expect(alternativeFor(key({ key: '£', code: 'Digit3', altKey: true }), true)).toBe(3)
  })

  it('keeps the user’s bindings and ignores a corrupt entry', () => {
    const store = new Map<string, string>()
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    }
    saveBindings(annotateKeymap, { ...annotateKeymap.defaults, skipNext: 'Alt+J' }, storage)
    expect(JSON.parse(store.get('sauti.keybindings')!)).toEqual({ skipNext: 'Alt+J' })
    expect(loadBindings(annotateKeymap, storage).skipNext).toBe('Alt+J')
    store.set('sauti.keybindings', '{not json')
    expect(loadBindings(annotateKeymap, storage)).toEqual(annotateKeymap.defaults)
  })
})
