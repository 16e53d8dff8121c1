import { comboOf, defineKeymap } from '../../composables/keymap'

/** The annotator's actions and their default keys, in the order the help lists them. */
export const annotateKeymap = defineKeymap({
  storageKey: 'sauti.keybindings',
  defaults: {
    saveNext: 'Ctrl+Enter',
    acceptNext: 'Ctrl+Shift+Enter',
    useGuess: 'Alt+U',
    skipNext: 'Alt+S',
    flag: 'Alt+F',
    markNoisy: 'Alt+N',
    playPause: 'Ctrl+Space',
    replay: 'Alt+R',
    loop: 'Alt+L',
    slower: 'Alt+,',
    faster: 'Alt+.',
    playWord: 'Alt+W',
    tagLanguage: 'Alt+T',
    acceptSuggestions: 'Alt+G',
    undo: 'Ctrl+Z',
    redo: 'Ctrl+Shift+Z',
    nextUtterance: 'Alt+ArrowDown',
    previousUtterance: 'Alt+ArrowUp',
    split: 'Alt+X',
    mergeNext: 'Alt+M',
    zoomIn: 'Alt+=',
    zoomOut: 'Alt+-',
    spectrogram: 'Alt+K',
    history: 'Alt+H',
    focusText: 'Enter',
    focusQueue: 'Alt+Q',
    help: '?',
  },
  // Enter on a button or in the queue keeps its own meaning.
  nativeOnControls: ['focusText'],
  help: {
    title: 'workspace.help.title',
    intro: 'workspace.help.intro',
    // The code-switching hints keep their messages with the review screens (i18n areas).
    label: (action) =>
      action === 'acceptSuggestions' ? 'review.hints.acceptAction' : `workspace.actions.${action}`,
    fixed: [['1–9, Alt+1–Alt+9', 'workspace.help.pickAlternative']],
  },
})
export type AnnotateAction = (typeof annotateKeymap.actions)[number]

/** Number keys pick N-best alternatives: plain 1–9 outside the field, Alt+1–9 anywhere. */
export function alternativeFor(event: KeyboardEvent, typing: boolean): number | null {
  const combo = comboOf(event)
  const match = /^(Alt\+)?([1-9])$/.exec(combo)
  if (!match) return null
  if (typing && !match[1]) return null
  return Number(match[2])
}
