import { defineKeymap } from '../../composables/keymap'

/**
 * The reviewer's actions and their default keys, with the same rules as the annotator's; kept
 * in localStorage apart from the annotator's bindings.
 */
export const reviewKeymap = defineKeymap({
  storageKey: 'sauti.reviewBindings',
  defaults: {
    approve: 'Alt+A',
    reject: 'Alt+N',
    edit: 'Alt+E',
    playPause: 'Ctrl+Space',
    replay: 'Alt+R',
    nextItem: 'Alt+ArrowDown',
    previousItem: 'Alt+ArrowUp',
    focusQueue: 'Alt+Q',
    focusPanel: 'Enter',
    dashboard: 'Alt+G',
    report: 'Alt+O',
    help: '?',
  },
  // Enter on a button, a link or a list keeps its own meaning.
  nativeOnControls: ['focusPanel'],
  help: {
    title: 'review.help.title',
    intro: 'review.help.intro',
    label: (action) => `review.actions.${action}`,
    fixed: [
      ['↑ ↓ Home End', 'review.help.fixed.queue'],
      ['← →', 'review.help.fixed.positions'],
      ['1 2 3', 'review.help.fixed.pick'],
      ['0 / Delete', 'review.help.fixed.none'],
      ['E / Enter', 'review.help.fixed.edit'],
      ['Ctrl+Enter', 'review.help.fixed.confirm'],
      ['Esc', 'review.help.fixed.cancel'],
    ],
  },
})
export type ReviewAction = (typeof reviewKeymap.actions)[number]
