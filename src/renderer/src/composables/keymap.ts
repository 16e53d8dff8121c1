import type { Ref } from 'vue'
import { onMounted, ref } from 'vue'
import { useSubscriptions } from './subscriptions'

/**
 * Keyboard shortcuts, one mechanism for every screen: a screen defines its map (actions, default
 * keys, what its help lists) with `defineKeymap`, and `useKeymap` binds it. Bindings with Ctrl,
 * Alt or Meta also work while typing; plain keys only outside text fields, so typing never
 * triggers an action by accident. Users may rebind any action (kept in localStorage per map).
 */

/** A key combination as stored and shown: modifiers in a fixed order, then the key. */
export type Combo = string

export interface KeymapHelp<A extends string> {
  /** Message keys of the help overlay's title and introduction. */
  title: string
  intro: string
  /** The message key naming what an action does. */
  label: (action: A) => string
  /** Keys that cannot be changed (list navigation and the like): [keys, message key]. */
  fixed: readonly (readonly [keys: string, message: string])[]
}

export interface Keymap<A extends string> {
  /** Where the user's changes are kept. */
  storageKey: string
  /** Every action, in the order the help lists them. */
  actions: readonly A[]
  defaults: Readonly<Record<A, Combo>>
  /** Actions that leave a focused button, select or link its own meaning (Enter, mostly). */
  nativeOnControls: readonly A[]
  help: KeymapHelp<A>
}

/** A screen's map; its actions are the keys of `defaults`, in their order. Every map has help. */
export function defineKeymap<A extends string>(keymap: {
  storageKey: string
  defaults: Record<A, Combo> & { help: Combo }
  nativeOnControls: readonly NoInfer<A>[]
  help: KeymapHelp<NoInfer<A>>
}): Keymap<A> {
  return { ...keymap, actions: Object.keys(keymap.defaults) as A[] }
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

/**
 * A combination as `aria-keyshortcuts` names it, so a screen reader announces the key: WAI-ARIA
 * spells the modifier "Control", and Cmd does what Ctrl does here (comboOf), so both are named.
 */
export function ariaKeys(combo: Combo): string {
  const key = combo.startsWith('Ctrl+') ? combo.slice(5) : null
  return key === null ? combo : `Control+${key} Meta+${key}`
}

export function hasModifier(combo: Combo): boolean {
  return /^(Ctrl|Alt)\+/.test(combo)
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

export function loadBindings<A extends string>(
  keymap: Keymap<A>,
  storage: Pick<Storage, 'getItem'> = localStorage,
): Record<A, Combo> {
  const bindings: Record<A, Combo> = { ...keymap.defaults }
  try {
    const saved = JSON.parse(storage.getItem(keymap.storageKey) ?? '{}') as Partial<
      Record<A, Combo>
    >
    for (const action of keymap.actions) {
      const combo = saved[action]
      if (typeof combo === 'string' && combo) bindings[action] = combo
    }
  } catch {
    // A corrupt entry falls back to the defaults.
  }
  return bindings
}

/** Keeps only what differs from the defaults, so a changed default reaches every user. */
export function saveBindings<A extends string>(
  keymap: Keymap<A>,
  bindings: Record<A, Combo>,
  storage: Pick<Storage, 'setItem'> = localStorage,
): void {
  const changed = Object.fromEntries(
    keymap.actions.filter((a) => bindings[a] !== keymap.defaults[a]).map((a) => [a, bindings[a]]),
  )
  storage.setItem(keymap.storageKey, JSON.stringify(changed))
}

/** The action an event triggers, honouring "plain keys never fire while typing". */
export function actionFor<A extends string>(
  keymap: Keymap<A>,
  event: KeyboardEvent,
  bindings: Record<A, Combo>,
  typing: boolean,
): A | null {
  const combo = comboOf(event)
  if (!combo) return null
  if (typing && !hasModifier(combo)) return null
  return keymap.actions.find((a) => bindings[a] === combo) ?? null
}

export interface KeymapHandler<A extends string> {
  /** No shortcut fires while this holds (a dialog or menu has the keyboard). */
  paused: () => boolean
  /** Keys outside the map get the first look; true when the key is theirs. */
  before?: (event: KeyboardEvent, typing: boolean) => boolean
  /** Runs an action; false when it does not apply now (the key then keeps its meaning). */
  run: (action: A) => boolean
}

export interface KeymapBinding<A extends string> {
  bindings: Ref<Record<A, Combo>>
  rebind(action: A, combo: Combo): void
}

/**
 * Binds a screen's map to the window while the screen is mounted: the user's bindings, F1 for
 * the help from anywhere (also while typing), and changes kept for the next visit.
 */
export function useKeymap<A extends string>(
  keymap: Keymap<A | 'help'>,
  handler: KeymapHandler<A | 'help'>,
): KeymapBinding<A | 'help'> {
  const bindings = ref(loadBindings(keymap)) as Ref<Record<A | 'help', Combo>>

  function rebind(action: A | 'help', combo: Combo): void {
    bindings.value = { ...bindings.value, [action]: combo }
    saveBindings(keymap, bindings.value)
  }

  function onKey(event: KeyboardEvent): void {
    if (event.defaultPrevented || handler.paused()) return
    const typing = isTyping(event.target)
    if (handler.before?.(event, typing)) return
    const action = event.key === 'F1' ? 'help' : actionFor(keymap, event, bindings.value, typing)
    if (!action) return
    const el = event.target as HTMLElement | null
    if (
      keymap.nativeOnControls.includes(action) &&
      el &&
      ['BUTTON', 'SELECT', 'A'].includes(el.tagName)
    )
      return
    if (!handler.run(action)) return
    event.preventDefault()
    event.stopPropagation()
  }

  const subscriptions = useSubscriptions()
  onMounted(() => subscriptions.listen(window, 'keydown', onKey))
  return { bindings, rebind }
}
