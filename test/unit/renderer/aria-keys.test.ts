import { describe, expect, it } from 'vitest'
import { ariaKeys } from '../../../src/renderer/src/composables/keymap'

describe('shortcuts as a screen reader is told them', () => {
  it('spells Ctrl as WAI-ARIA does, and names Cmd too, which does the same', () => {
    expect(ariaKeys('Ctrl+Enter')).toBe('Control+Enter Meta+Enter')
    expect(ariaKeys('Ctrl+Shift+Enter')).toBe('Control+Shift+Enter Meta+Shift+Enter')
  })

  it('leaves other combinations as they are shown', () => {
    expect(ariaKeys('Alt+S')).toBe('Alt+S')
    expect(ariaKeys('?')).toBe('?')
  })
})
