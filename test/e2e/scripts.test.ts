import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Served } from '../support/serve'
import { useProfile } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/**
 * Scripts in Chromium (docs/ui.md, "Scripts and fonts"): Hindi and Amharic drawn as letters
 * from the fonts the app bundles, not as boxes, whatever fonts the system has.
 */
const { artefacts, open } = demoSuite('scripts')

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
