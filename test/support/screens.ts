import type { Page } from 'playwright-core'
import { expect } from 'vitest'

type ProfileRole = 'annotator' | 'reviewer' | 'lead'

/** Chooses a profile in the profile dialog, creating it when it does not exist yet. */
export async function useProfile(
  p: Page,
  name: string,
  role: ProfileRole = 'annotator',
): Promise<void> {
  const dialog = p.locator('[data-testid="annotator-dialog"]')
  await dialog.waitFor()
  const existing = dialog.locator(`[data-testid="profile-${name}"]`)
  if (await existing.count()) await existing.click()
  else {
    await dialog.locator('[data-testid="profile-name"]').fill(name)
    await dialog.locator('[data-testid="profile-role"]').selectOption(role)
    await dialog.locator('[data-testid="profile-languages"]').fill('sw, en')
    await dialog.locator('[data-testid="profile-create"]').click()
  }
  await dialog.waitFor({ state: 'detached' })
}

/** "Switch profile" on the screen shown, then the profile. */
export async function switchProfile(p: Page, name: string, role?: ProfileRole): Promise<void> {
  await p.getByRole('button', { name: 'Switch annotator' }).first().click()
  await useProfile(p, name, role)
}

/** The utterance open in the annotator's editor. */
export const editorId = async (p: Page): Promise<number> =>
  Number(await p.locator('[data-testid="editor"]').getAttribute('data-utterance'))

/** The utterance open in the reviewer's panel. */
export const panelId = async (p: Page): Promise<number> =>
  Number(await p.locator('[data-testid="review-panel"]').getAttribute('data-utterance'))

/** Screens wait on the server (two shared CPU cores): give each expectation ten seconds. */
export const poll = <T>(read: () => T | Promise<T>): ReturnType<typeof expect.poll<T>> =>
  expect.poll(read, { timeout: 10_000 })

/**
 * Corrects the next `count` utterances in the editor from the keyboard (" leo" added to each,
 * accepted with Ctrl+Enter), waiting each time for the editor to move on; returns their ids.
 */
export async function correctInTurn(p: Page, count: number): Promise<number[]> {
  const corrected: number[] = []
  for (let n = 0; n < count; n++) {
    const id = await editorId(p)
    await p.locator('[data-testid="transcript"]').focus()
    await p.keyboard.press('End')
    await p.keyboard.type(' leo')
    await p.keyboard.press('Control+Enter')
    await poll(() => editorId(p)).not.toBe(id)
    corrected.push(id)
  }
  return corrected
}
