import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatFixtures } from '../support/fixtures'
import type { Served } from '../support/serve'
import { editorId, poll, useProfile } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/**
 * Scripts in Chromium (docs/ui.md, "Scripts and fonts", "Right to left"): Hindi and Amharic
 * drawn as letters from the fonts the app bundles, not as boxes, whatever fonts the system has;
 * an Arabic utterance shown, edited and saved right to left.
 */
const { artefacts, query, open } = demoSuite('scripts')
const folder = mkdtempSync(join(tmpdir(), 'sauti-arabic-'))
afterAll(() => rmSync(folder, { recursive: true, force: true }))

let served: Served
let page: Page

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 }, labels: false }))
  await page.goto(served.openUrl)
  await useProfile(page, 'Amina')
}, 240_000)

/** The app's font faces of a family, with whether each was downloaded. */
const facesOf = (p: Page, family: string): Promise<string[]> =>
  p.evaluate(
    (name) =>
      [...document.fonts].filter((f) => f.family.replace(/"/g, '') === name).map((f) => f.status),
    family,
  )

/**
 * A word as the app's own stylesheet draws it (its font stack, its size), in a line of its
 * own on the page; the screenshot of just that line.
 */
async function drawn(p: Page, text: string, name: string): Promise<Buffer> {
  await p.evaluate(
    ({ t, id }) => {
      const line = document.createElement('p')
      line.dataset.testid = id
      line.style.cssText = 'font-size: 40px; display: inline-block; padding: 4px; margin: 0'
      line.textContent = t
      document.querySelector('#app')!.prepend(line)
    },
    { t: text, id: name },
  )
  await p.evaluate(() => document.fonts.ready)
  return p.locator(`[data-testid="${name}"]`).screenshot()
}

describe('scripts and fonts', () => {
  it.each([
    // The same letters in another order: boxes for letters a font lacks all look alike, so
    // two orders of one set of letters draw the same pixels exactly when they are boxes.
    ['Devanagari', 'Hindi', 'बाज़ार', 'ारज़ाब'],
    ['Ethiopic', 'Amharic', 'ገበያ', 'ያበገ'],
  ])('draws %s (%s) in the bundled font, as letters', async (script, _language, word, shuffled) => {
    const family = `Sauti Noto ${script}`
    const letters = await drawn(page, word, `word-${script}`)
    const reordered = await drawn(page, shuffled, `shuffled-${script}`)
    // The bundled face was fetched for the word, and it has every one of its letters (a
    // system font of the same script never counts: the family name is the app's own).
    expect(await facesOf(page, family)).toContain('loaded')
    expect(
      await page.evaluate(([f, w]) => document.fonts.check(`40px '${f}'`, w), [family, word]),
    ).toBe(true)
    expect(letters.equals(reordered)).toBe(false)
    await page.screenshot({ path: join(artefacts, `scripts-${script.toLowerCase()}.png`) })
  })

  it('fetches only the scripts a page shows', async () => {
    expect(await facesOf(page, 'Sauti Noto Sans')).toContain('loaded')
    // The demo has no Korean or Arabic: those fonts were never downloaded.
    for (const family of ['Sauti Noto Korean', 'Sauti Noto Arabic'])
      expect(await facesOf(page, family)).not.toContain('loaded')
    // Of Japanese's 120 slices, at most the one with the check mark (✓) the screens draw.
    const japanese = await facesOf(page, 'Sauti Noto Japanese')
    expect(japanese).toHaveLength(120)
    expect(japanese.filter((s) => s === 'loaded').length).toBeLessThanOrEqual(1)
  })
})

describe('right to left', () => {
  const arabic = 'السوق مزدحم اليوم'
  let id: number

  beforeAll(async () => {
    // An Arabic clip as a field team brings it: a folder with its manifest.
    copyFileSync(join(formatFixtures, 's16.wav'), join(folder, 'souk.wav'))
    writeFileSync(
      join(folder, 'manifest.tsv'),
      `path\ttranscript\tspeaker\tlanguage\nsouk.wav\t${arabic}\tSPK-SW-01\tar\n`,
    )
    const r = await fetch(`${served.url}/api/import.start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
      body: JSON.stringify({ paths: [folder] }),
    })
    expect(r.ok).toBe(true)
    const row = () =>
      query<{ id: number }>(
        `SELECT u.id FROM utterance u JOIN recording r ON r.id = u.recording_id
         WHERE r.original_name = 'souk.wav' AND u.language = 'ar'`,
      )[0]?.id
    // expect.poll belongs to tests; the import job is awaited here by hand.
    for (let waited = 0; row() === undefined && waited < 30_000; waited += 250)
      await new Promise((resolve) => setTimeout(resolve, 250))
    id = row()!
    expect(id).toBeDefined()
  }, 60_000)

  it('edits an Arabic transcript right to left, in the bundled Arabic font, and saves it', async () => {
    await page.goto(`${served.openUrl}#/annotate/${id}`)
    await poll(() => editorId(page)).toBe(id)
    const field = page.locator('[data-testid="transcript"]')
    await poll(() => field.inputValue()).toBe(arabic)
    expect(await field.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
    expect(await field.evaluate((el) => getComputedStyle(el).textAlign)).toBe('start')
    await page.evaluate(() => document.fonts.ready)
    expect(await facesOf(page, 'Sauti Noto Arabic')).toContain('loaded')
    expect(
      await page.evaluate((w) => document.fonts.check(`20px 'Sauti Noto Arabic'`, w), arabic),
    ).toBe(true)

    // The caret moves visually: from the start of the line (its right edge), the left arrow
    // goes on into the text, and End is the logical end.
    await field.focus()
    await page.keyboard.press('Home')
    await page.keyboard.press('ArrowLeft')
    expect(await field.evaluate((el: HTMLTextAreaElement) => el.selectionStart)).toBe(1)
    await page.keyboard.press('End')
    expect(await field.evaluate((el: HTMLTextAreaElement) => el.selectionStart)).toBe(arabic.length)
    await page.keyboard.type(' جدا')
    await page.screenshot({ path: join(artefacts, 'scripts-arabic-editor.png') })
    await page.keyboard.press('Control+Enter')
    await poll(
      () =>
        query<{ text: string; status: string }>(
          `SELECT v.text, u.status FROM utterance u JOIN revision v ON v.utterance_id = u.id
         WHERE u.id = ? ORDER BY v.id DESC LIMIT 1`,
          id,
        )[0],
    ).toEqual({ text: `${arabic} جدا`, status: 'corrected' })
  })

  it('lists the Arabic transcript right to left in the search results', async () => {
    await page.goto(`${served.openUrl}#/search`)
    await page.locator('[data-testid="search-text"]').fill('السوق')
    const hit = page.locator(`[data-testid="search-hit"][data-utterance="${id}"]`)
    await hit.waitFor()
    const text = hit.locator('.search-transcript')
    expect(await text.getAttribute('dir')).toBe('rtl')
    expect(await text.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl')
    await page.screenshot({ path: join(artefacts, 'scripts-arabic-search.png') })
  })
})
