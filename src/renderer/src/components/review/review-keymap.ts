import { comboOf, hasModifier, type Combo } from '../../composables/keymap'

/**
 * The reviewer's actions and their default keys, with the workspace's rules: bindings with Ctrl
 * or Alt work everywhere (also while typing a comment), plain keys only outside text fields.
 * Rebindable in the help overlay; kept in localStorage apart from the annotator's bindings.
 */
export const reviewActions = [
  'approve',
  'reject',
  'edit',
  'playPause',
  'replay',
  'nextItem',
  'previousItem',
  'focusQueue',
  'focusPanel',
  'dashboard',
  'report',
  'help',
] as const
export type ReviewAction = (typeof reviewActions)[number]

export const defaultReviewBindings: Record<ReviewAction, Combo> = {
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
}

const STORAGE_KEY = 'sauti.reviewBindings'

export function loadReviewBindings(
  storage: Pick<Storage, 'getItem'> = localStorage,
): Record<ReviewAction, Combo> {
  const bindings = { ...defaultReviewBindings }
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}') as Partial<
      Record<ReviewAction, Combo>
    >
    for (const action of reviewActions) {
      const combo = saved[action]
      if (typeof combo === 'string' && combo) bindings[action] = combo
    }
  } catch {
    // A corrupt entry falls back to the defaults.
  }
  return bindings
}

export function saveReviewBindings(
  bindings: Record<ReviewAction, Combo>,
  storage: Pick<Storage, 'setItem'> = localStorage,
): void {
  const changed = Object.fromEntries(
    reviewActions
      .filter((a) => bindings[a] !== defaultReviewBindings[a])
      .map((a) => [a, bindings[a]]),
  )
  storage.setItem(STORAGE_KEY, JSON.stringify(changed))
}

/** The reviewer's action an event triggers; plain keys never fire while typing. */
export function reviewActionFor(
  event: KeyboardEvent,
  bindings: Record<ReviewAction, Combo>,
  typing: boolean,
): ReviewAction | null {
  const combo = comboOf(event)
  if (!combo) return null
  if (typing && !hasModifier(combo)) return null
  return reviewActions.find((a) => bindings[a] === combo) ?? null
}

/** Text fields where plain keys are typing, not shortcuts. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null
  return (
    !!el &&
    (el.tagName === 'TEXTAREA' ||
      (el.tagName === 'INPUT' &&
        !['checkbox', 'range', 'radio', 'button', 'submit'].includes(
          (el as HTMLInputElement).type,
        )) ||
      el.isContentEditable)
  )
}
