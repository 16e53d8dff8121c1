import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Served } from '../support/serve'
import { editorId, poll, useProfile } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/** "Noisy but usable" in the editor at 1280×720: marked by its key, then saved with its text. */
const { artefacts, query, open } = demoSuite('noisy')

let served: Served
let page: Page

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 }, labels: false }))
  await page.goto(served.openUrl)
  await useProfile(page, 'Amina')
}, 240_000)

const noisyRow = (id: number) =>
  query<{ status: string; noisy_marked_at: string | null; name: string | null }>(
    `SELECT u.status, u.noisy_marked_at, a.name FROM utterance u
     LEFT JOIN annotator a ON a.id = u.noisy_marked_by WHERE u.id = ?`,
    id,
  )[0]!

describe('noisy but usable', () => {
  it('marks the clip with its key and saves its transcript too', async () => {
    const toggle = page.locator('[data-testid="mark-noisy"]')
    await toggle.waitFor()
    const id = await editorId(page)
    expect(await toggle.getAttribute('aria-pressed')).toBe('false')

    await page.locator('[data-testid="transcript"]').focus()
    await page.keyboard.press('Alt+N')
    await poll(() => toggle.getAttribute('aria-pressed')).toBe('true')
    expect(noisyRow(id)).toMatchObject({ status: 'new', name: 'Amina' })
    await page.screenshot({ path: join(artefacts, 'noisy-marked.png') })

    await page.keyboard.press('End')
    await page.keyboard.type(' kelele')
    await page.keyboard.press('Control+Enter')
    await poll(() => editorId(page)).not.toBe(id)
    expect(noisyRow(id)).toMatchObject({ status: 'corrected', name: 'Amina' })
    // The next clip starts unmarked.
    expect(await toggle.getAttribute('aria-pressed')).toBe('false')
  })

  it('takes the mark off with a click', async () => {
    const toggle = page.locator('[data-testid="mark-noisy"]')
    const id = await editorId(page)
    await toggle.click()
    await poll(() => toggle.getAttribute('aria-pressed')).toBe('true')
    await toggle.click()
    await poll(() => toggle.getAttribute('aria-pressed')).toBe('false')
    expect(noisyRow(id).noisy_marked_at).toBeNull()
  })
})
