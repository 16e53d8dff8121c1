import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'
import {
  correctInTurn,
  editorId,
  panelId,
  poll,
  switchProfile,
  useProfile,
} from '../support/screens'

/**
 * Guidelines and comments on the demo project at 1280×720: a lead writes the guidelines, a
 * reviewer rejects an annotator's transcript with a comment, and the annotator finds it first in
 * their queue, marked returned, with the comment in the editor and its thread.
 */
const { artefacts, query, open } = demoSuite('discussion')

let served: Served
let page: Page
beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 } }))
}, 240_000)

describe('guidelines and comments', () => {
  it('a lead writes the guidelines; they show beside the editor as formatted text, HTML as text', async () => {
    await page.goto(served.openUrl)
    await useProfile(page, 'Zawadi', 'lead')
    await page.locator('[data-testid="editor"]').waitFor()
    await page.locator('[data-testid="guidelines-open"]').click()
    const panel = page.locator('[data-testid="guidelines-panel"]')
    await panel.locator('[data-testid="guidelines-empty"]').waitFor()
    await panel.locator('[data-testid="guidelines-edit"]').click()
    await panel
      .locator('[data-testid="guidelines-text"]')
      .fill(
        '# Numbers\n\nWrite **numbers** as words.\n\n- laughter: `[laugh]`\n\n<img src=x onerror="document.title=1">',
      )
    await page.keyboard.press('Control+Enter')
    const body = panel.locator('[data-testid="guidelines-body"]')
    await body.waitFor()
    expect(await body.locator('h3').innerText()).toBe('Numbers')
    expect(await body.locator('strong').innerText()).toBe('numbers')
    expect(await body.locator('img').count()).toBe(0)
    expect(await body.innerText()).toContain('<img src=x onerror="document.title=1">')
    expect(await page.title()).not.toBe('1')
    await poll(() => panel.locator('[data-testid="guidelines-version"]').innerText()).toMatch(
      /Version 1 \(newest\) · Zawadi/,
    )
    expect(
      query<{ author: string }>(
        'SELECT a.name AS author FROM guideline_version g JOIN annotator a ON a.id = g.author_id',
      ),
    ).toEqual([{ author: 'Zawadi' }])
    await page.screenshot({ path: join(artefacts, 'guidelines-1280.png') })
    await panel.locator('[data-testid="guidelines-close"]').click()
    await panel.waitFor({ state: 'detached' })
  }, 60_000)

  it("a reviewer's rejection reaches the annotator first in the queue, marked returned, with the comment", async () => {
    // Amina corrects three utterances.
    await switchProfile(page, 'Amina', 'annotator')
    await page.locator('[data-testid="editor"]').waitFor()
    const corrected = await correctInTurn(page, 3)

    // Every accepted utterance goes to review; Rehema rejects the first in her queue.
    await fetch(`${served.url}/api/review.updateSettings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
      body: JSON.stringify({ reviewShare: 1 }),
    })
    await page.locator('[data-testid="nav-review"]').click()
    await switchProfile(page, 'Rehema', 'reviewer')
    await page.locator('[data-testid="review-panel"]').waitFor()
    const rejected = await panelId(page)
    expect(corrected).toContain(rejected)
    await page.locator('[data-testid="review-reject"]').click()
    await page.locator('[data-testid="review-comment"]').fill('Listen again: "jana", not "leo".')
    await page.keyboard.press('Control+Enter')
    await poll(() => panelId(page)).not.toBe(rejected)
    expect(
      query(
        'SELECT status, returned_to IS NOT NULL AS returned FROM utterance WHERE id = ?',
        rejected,
      ),
    ).toEqual([{ status: 'pseudo', returned: 1 }])

    // Back to Amina: the rejected utterance heads her queue, marked returned; she opens it.
    await page.locator('[data-testid="nav-annotate"]').click()
    await switchProfile(page, 'Amina', 'annotator')
    const first = page.locator('[data-testid="queue-row"]').first()
    await poll(() => first.getAttribute('data-id')).toBe(String(rejected))
    expect(await first.locator('[data-testid="queue-returned"]').innerText()).toBe('Returned')
    await first.click()
    await poll(() => editorId(page)).toBe(rejected)
    const note = page.locator('[data-testid="returned-note"]')
    await poll(() => note.innerText()).toContain('Returned by Rehema')
    expect(await note.locator('[data-testid="returned-comment"]').innerText()).toBe(
      'Listen again: "jana", not "leo".',
    )
    expect(await note.isVisible()).toBe(true)
    const thread = page.locator('[data-testid="comment-thread"]')
    const comments = thread.locator('[data-testid="comment"]')
    await poll(() => comments.count()).toBe(1)
    expect(await comments.first().innerText()).toMatch(
      /Rehema \(Reviewer\)[\s\S]*rejected it[\s\S]*Listen again/,
    )
    await page.screenshot({ path: join(artefacts, 'returned-1280.png') })

    // She answers in the thread and corrects it: no longer returned.
    await thread.locator('[data-testid="comment-text"]').fill('Fixed, thank you.')
    await thread.locator('[data-testid="comment-add"]').click()
    await poll(() => comments.count()).toBe(2)
    expect(
      query<{ text: string; name: string }>(
        'SELECT c.text, a.name FROM utterance_comment c JOIN annotator a ON a.id = c.author_id WHERE c.utterance_id = ? ORDER BY c.id',
        rejected,
      ),
    ).toEqual([
      { text: 'Listen again: "jana", not "leo".', name: 'Rehema' },
      { text: 'Fixed, thank you.', name: 'Amina' },
    ])
    await page.locator('[data-testid="transcript"]').fill('habari za jana')
    await page.keyboard.press('Control+Enter')
    await poll(() => editorId(page)).not.toBe(rejected)
    expect(query('SELECT returned_to FROM utterance WHERE id = ?', rejected)).toEqual([
      { returned_to: null },
    ])
  }, 120_000)
})
