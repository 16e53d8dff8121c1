import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'

/**
 * The data view on the demo project, at 1280×720: search a word, open a result in the editor,
 * come back to the same results; save the filter; the same screen in Kiswahili.
 */
const { artefacts, query, open } = demoSuite('search')

let served: Served
let page: Page

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 }, labels: false }))
}, 240_000)

describe('the data view', () => {
  it('finds a word, opens the result in the editor, and comes back to the same results', async () => {
    await page.goto(served.openUrl)
    const dialog = page.locator('[data-testid="annotator-dialog"]')
    await dialog.waitFor()
    await page.keyboard.type('Amina')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })

    await page.locator('[data-testid="nav-search"]').click()
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/search')
    const box = page.locator('[data-testid="search-text"]')
    await box.fill('soko')
    const hits = page.locator('[data-testid="search-hit"]')
    const expected = query<{ id: number }>(
      `SELECT t.utterance_id AS id FROM search_folded f JOIN search_text t ON t.utterance_id = f.rowid
       WHERE search_folded MATCH '"soko"*' ORDER BY id`,
    ).map((r) => r.id)
    expect(expected.length).toBeGreaterThan(0)
    await expect
      .poll(async () =>
        hits.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-utterance')))),
      )
      .toEqual(expected)
    await expect
      .poll(() => page.locator('[data-testid="search-count"]').innerText())
      .toContain(`${expected.length} utterance`)
    // The matched word is marked, whole as it is written ("sokoni" found by "soko").
    const marks = await page.locator('[data-testid="search-hit"] mark').allInnerTexts()
    expect(marks.length).toBeGreaterThan(0)
    for (const m of marks) expect(m.toLowerCase()).toMatch(/^soko/)
    await page.screenshot({ path: join(artefacts, 'search-results.png') })

    // Into the editor: the address and the editor say which utterance.
    const target = expected.at(-1)!
    await page.locator(`[data-testid="search-hit"][data-utterance="${target}"]`).click()
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/annotate/${target}`)
    await expect
      .poll(() => page.locator('[data-testid="editor"]').getAttribute('data-utterance'))
      .toBe(String(target))
    const back = page.locator('[data-testid="back-to-search"]')
    await back.waitFor()
    await page.screenshot({ path: join(artefacts, 'search-opened-in-editor.png') })

    // And back, by keyboard: the same words, the same results, focus on the one opened.
    await back.focus()
    await page.keyboard.press('Enter')
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/search')
    await expect(box.inputValue()).resolves.toBe('soko')
    await expect
      .poll(async () =>
        hits.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-utterance')))),
      )
      .toEqual(expected)
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-utterance')))
      .toBe(String(target))
  })

  it('narrows by a filter and keeps a saved filter for the profile', async () => {
    await page.locator('[data-testid="search-text"]').fill('')
    await page.locator('[data-testid="search-status"]').selectOption('pseudo')
    await expect
      .poll(() => page.locator('[data-testid="search-count"]').innerText())
      .toMatch(/^No utterances match$|^\d+ utterances? match/)
    await page.locator('[data-testid="search-status"]').selectOption('')
    await page.locator('[data-testid="search-text"]').fill('"bei ya"')
    await expect.poll(() => page.locator('[data-testid="search-hit"]').count()).toBe(1)
    await page.locator('[data-testid="saved-name"]').fill('Bei ya')
    await page.locator('[data-testid="saved-save"]').click()
    const apply = page.locator('[data-testid="saved-apply"]')
    await expect.poll(() => apply.allInnerTexts()).toEqual(['Bei ya'])
    const marks = page.locator('[data-testid="search-hit"] mark')
    await page.locator('[data-testid="search-text"]').fill('mvua')
    await expect.poll(() => marks.allInnerTexts()).toEqual(['Mvua'])
    await apply.click()
    await expect(page.locator('[data-testid="search-text"]').inputValue()).resolves.toBe('"bei ya"')
    await expect.poll(() => marks.allInnerTexts()).toEqual(['Bei ya'])
    const stored = query<{ name: string }>('SELECT name FROM saved_search')
    expect(stored).toEqual([{ name: 'Bei ya' }])
  })

  it('reads in Kiswahili', async () => {
    await page.locator('[data-testid="language"]').selectOption('sw')
    await expect
      .poll(() => page.locator('[data-testid="search-count"]').innerText())
      .toMatch(/Kipande 1 kinalingana/)
    await expect(page.locator('[data-testid="nav-search"]').innerText()).resolves.toBe('Tafuta')
    await page.screenshot({ path: join(artefacts, 'search-results-sw.png') })
    await page.locator('[data-testid="language"]').selectOption('en')
  })

  it('plays an utterance on arrival, but not again when the annotator comes back to it from another screen', async () => {
    const audio = page.locator('[data-testid="audio"]')
    const paused = (): Promise<boolean> => audio.evaluate((a: HTMLAudioElement) => a.paused)
    const [first, second] = query<{ id: number }>(
      "SELECT id FROM utterance WHERE status != 'flagged' ORDER BY id LIMIT 2",
    ).map((r) => r.id)
    const arrive = async (id: number): Promise<void> => {
      await page.evaluate((h) => (location.hash = h), `#/annotate/${id}`)
      await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
      await page.locator('[data-testid="editor-waveform"][data-ready="true"]').waitFor()
    }
    expect(await page.locator('[data-testid="autoplay"]').count()).toBe(0)
    await arrive(first!)
    expect(await page.locator('[data-testid="autoplay"]').isChecked()).toBe(true)
    await expect.poll(paused).toBe(false)
    await audio.evaluate((a: HTMLAudioElement) => a.pause())

    // To the data view and back to the same utterance: it stays quiet.
    await page.locator('[data-testid="nav-search"]').click()
    await page.locator('[data-testid="search-text"]').waitFor()
    await arrive(first!)
    await page.waitForTimeout(1500)
    expect(await paused()).toBe(true)

    // Another utterance is an arrival: it plays.
    await arrive(second!)
    await expect.poll(paused).toBe(false)
  })
})
