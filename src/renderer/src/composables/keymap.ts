/**
 * Every workspace action with its default key. Bindings with Ctrl, Alt or Meta also work while
 * typing in the transcript; plain keys only when the text field does not have focus, so typing
 * never triggers an action by accident. Users may rebind any action (kept in localStorage).
 */
export const actions = [
  'saveNext',
  'acceptNext',
  'skipNext',
  'flag',
  'playPause',
  'replay',
  'loop',
  'slower',
  'faster',
  'playWord',
  'tagLanguage',
  'acceptSuggestions',
  'undo',
  'redo',
  'nextUtterance',
  'previousUtterance',
  'split',
  'mergeNext',
  'zoomIn',
  'zoomOut',
  'spectrogram',
  'history',
  'focusText',
  'focusQueue',
  'help',
] as const
export type Action = (typeof actions)[number]

/** A key combination as stored and shown: modifiers in a fixed order, then the key. */
export type Combo = string

export const defaultBindings: Record<Action, Combo> = {
  saveNext: 'Ctrl+Enter',
  acceptNext: 'Ctrl+Shift+Enter',
  skipNext: 'Alt+S',
  flag: 'Alt+F',
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
}

/** Keys that are not layout characters are named by `event.code`-independent `event.key`. */
function keyName(event: KeyboardEvent): string {
  if (event.key === ' ') return 'Space'
  // Alt on some layouts turns the key into another character (Alt+S = ß on macOS): use the
  // physical key for letters and digits, so bindings hold on every layout.
  if (event.altKey && /^Key[A-Z]$/.test(event.code)) return event.code.slice(3)
  if (event.altKey && /^Digit[0-9]$/.test(event.code)) return event.code.slice(5)
  if (event.key.length === 1) return event.key.toUpperCase()
  return event.key
}

/** The combination an event is, e.g. "Ctrl+Shift+Enter" or "Alt+S" or "?". */
export function comboOf(event: KeyboardEvent): Combo {
  const key = keyName(event)
  if (['Control', 'Shift', 'Alt', 'Meta'].includes(key)) return ''
  const parts: string[] = []
  // Cmd on macOS is Ctrl elsewhere: one binding serves both.
  if (event.ctrlKey || event.metaKey) parts.push('Ctrl')
  if (event.altKey) parts.push('Alt')
  // Shift is part of printable characters ("?" is Shift+/): only named for other keys.
  if (event.shiftKey && (key.length > 1 || /^[A-Z]$/.test(key))) parts.push('Shift')
  parts.push(key)
  return parts.join('+')
}

export function hasModifier(combo: Combo): boolean {
  return /^(Ctrl|Alt)\+/.test(combo)
}

const STORAGE_KEY = 'sauti.keybindings'

export function loadBindings(
  storage: Pick<Storage, 'getItem'> = localStorage,
): Record<Action, Combo> {
  const bindings = { ...defaultBindings }
  try {
    const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}') as Partial<Record<Action, Combo>>
    for (const action of actions) {
      const combo = saved[action]
      if (typeof combo === 'string' && combo) bindings[action] = combo
    }
  } catch {
    // A corrupt entry falls back to the defaults.
  }
  return bindings
}

export function saveBindings(
  bindings: Record<Action, Combo>,
  storage: Pick<Storage, 'setItem'> = localStorage,
): void {
  const changed = Object.fromEntries(
    actions.filter((a) => bindings[a] !== defaultBindings[a]).map((a) => [a, bindings[a]]),
  )
  storage.setItem(STORAGE_KEY, JSON.stringify(changed))
}

/** The action an event triggers, honouring "plain keys never fire while typing". */
export function actionFor(
  event: KeyboardEvent,
  bindings: Record<Action, Combo>,
  typing: boolean,
): Action | null {
  const combo = comboOf(event)
  if (!combo) return null
  if (typing && !hasModifier(combo)) return null
  return actions.find((a) => bindings[a] === combo) ?? null
}

/** Number keys pick N-best alternatives: plain 1–9 outside the field, Alt+1–9 anywhere. */
export function alternativeFor(event: KeyboardEvent, typing: boolean): number | null {
  const combo = comboOf(event)
  const match = /^(Alt\+)?([1-9])$/.exec(combo)
  if (!match) return null
  if (typing && !match[1]) return null
  return Number(match[2])
}
