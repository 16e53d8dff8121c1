import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { editorId } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/**
 * The annotation queue while an annotator works down it: a flag ranks the store's queue again,
 * and the list takes the new ranking only below the open utterance.
 */
const suite = demoSuite('queue')
const { query } = suite

let page: Page

const rowIds = (p: Page): Promise<number[]> =>
  p
    .locator('[data-testid="queue-row"]')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))

/** The store's to-do ranking, as `queue.list` orders it "most useful first". */
const storeRanking = (): number[] =>
  query<{ id: number }>(
    `SELECT id FROM utterance WHERE merged_into IS NULL AND status IN ('new', 'pseudo')
     ORDER BY coalesce(priority, 1e300), id`,
  ).map((r) => r.id)

beforeAll(async () => {
  const { served, page: opened } = await suite.open({ viewport: { width: 1280, height: 720 } })
  page = opened
  await page.goto(served.openUrl)
  const dialog = page.locator('[data-testid="annotator-dialog"]')
  await dialog.waitFor()
  await page.keyboard.type('Amina')
  await page.keyboard.press('Enter')
  await dialog.waitFor({ state: 'detached' })
}, 240_000)

describe('the queue while an annotator works', () => {
  it('keeps the rows above the open utterance in place after a flag, and save-and-next reaches the untouched ones', async () => {
    await expect.poll(async () => (await rowIds(page)).length).toBeGreaterThan(8)
    const before = await rowIds(page)
    const rankedBefore = storeRanking()
    // The annotator skips ahead to the fourth row: three untouched rows are above it.
    await page.locator(`[data-testid="queue-row"][data-id="${before[3]}"]`).click()
    await expect.poll(() => editorId(page)).toBe(before[3])

    // The flag ranks the store's queue again; the list hears of it and asks for what is below.
    // (The demo's imported transcripts put the default strategy past its cold start: clusters
    // take turns, so the flagged row leaving its cluster moves that cluster's next one up.)
    const reranked = page.waitForRequest(
      (r) => r.url().endsWith('/api/queue.list') && (r.postData() ?? '').includes('"exclude"'),
    )
    await page.locator('[data-testid="transcript"]').focus()
    await page.keyboard.press('Alt+f')
    await page.locator('[data-testid="flag-menu"]').waitFor()
    await page.keyboard.press('1')
    await expect.poll(() => editorId(page)).toBe(before[4])
    await reranked
    await expect.poll(() => page.locator('[data-testid="queue-row-loading"]').count()).toBe(0)

    // The store did rank again: a list read afresh would have moved rows above the open one.
    const rankedAfter = storeRanking()
    expect(rankedAfter).not.toEqual(rankedBefore.filter((id) => id !== before[3]))
    expect(rankedAfter.slice(0, rankedAfter.indexOf(before[4]!))).not.toEqual(before.slice(0, 3))
    const after = await rowIds(page)
    // The rows above the open one, and the open one, are where the annotator saw them.
    expect(after.slice(0, 5)).toEqual(before.slice(0, 5))
    // Below it, every utterance still to do in the store's new ranking, none lost or doubled.
    const ranking = storeRanking().filter((id) => !before.slice(0, 5).includes(id))
    expect(after.slice(5, 5 + ranking.length)).toEqual(ranking.slice(0, after.length - 5))
    expect(new Set(after).size).toBe(after.length)
    await expect
      .poll(() => page.locator('[data-testid="editor-position"]').innerText())
      .toMatch(/^5 of \d+ in this list$/)

    // Save and next, twice: each time the list's next row, so nothing below is walked past.
    for (const step of [5, 6]) {
      await page.locator('[data-testid="transcript"]').fill(`habari ${step}`)
      await page.keyboard.press('Control+Enter')
      await expect.poll(() => editorId(page)).toBe(after[step])
      await expect
        .poll(() => page.locator('[data-testid="editor-position"]').innerText())
        .toMatch(new RegExp(`^${step + 1} of \\d+ in this list$`))
    }
    // Back up with Alt+ArrowUp: the untouched rows above are still there to reach.
    for (const back of [5, 4, 3, 2]) {
      await page.keyboard.press('Alt+ArrowUp')
      await expect.poll(() => editorId(page)).toBe(after[back])
    }
    // The count and what is left agree with the list and the store: three finished in place (a
    // flag, two saves) keep their rows until the next snapshot.
    const total = storeRanking().length + 3
    await expect
      .poll(() => page.locator('[data-testid="queue-count"]').innerText())
      .toContain(`${total} utterances · ${total - 3} still to do`)
    await expect
      .poll(() => page.locator('[data-testid="editor-position"]').innerText())
      .toBe(`3 of ${total} in this list`)
  })

  it('says when the open utterance is outside the list, instead of a place in it', async () => {
    const open = await editorId(page)
    const [other] = query<{ code: string }>(
      `SELECT s.code FROM speaker s WHERE s.id <> (SELECT speaker_id FROM utterance WHERE id = ?)
       ORDER BY s.code LIMIT 1`,
      open,
    )
    await page.locator('[data-testid="filter-speaker"]').selectOption(other!.code)
    await expect
      .poll(() => page.locator('[data-testid="editor-position"]').innerText())
      .toBe('not in this list: its filter leaves this utterance out')
    await page.locator('[data-testid="filter-speaker"]').selectOption('')
    await expect
      .poll(() => page.locator('[data-testid="editor-position"]').innerText())
      .toMatch(/^\d+ of \d+ in this list$/)
  })
})
