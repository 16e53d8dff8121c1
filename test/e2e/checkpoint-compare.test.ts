import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { callApi, type Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'
import { poll, useProfile } from '../support/screens'

/**
 * A lead on the Model screen chooses the base model and the checkpoint trained on the demo,
 * compares them, opens the utterance the checkpoint reads worst in the editor and comes back,
 * then has both decode the test split, in a real Chromium against `sauti serve` at 1280×720.
 */
const { artefacts, open } = demoSuite('compare')
let served: Served
let page: Page

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(served, method, input)

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 } }))
  // A real checkpoint of the starter model, trained on the demo's transcripts.
  const { jobId } = await api<{ jobId: string }>('train.start', {})
  const deadline = Date.now() + 240_000
  for (;;) {
    const jobs = await api<{ id: string; status: string }[]>('job.list', {})
    const status = jobs.find((j) => j.id === jobId)?.status
    if (status === 'done') break
    if (status !== 'running' || Date.now() > deadline) throw new Error(`training: ${status}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}, 300_000)

describe('comparing two models on the Model screen', () => {
  it('shows the chosen two side by side, opens an utterance in the editor and comes back', async () => {
    await page.goto(served.openUrl)
    await useProfile(page, 'Neema', 'lead')
    await page.locator('[data-testid="nav-model"]').click()
    const openButton = page.locator('[data-testid="compare-open"]')
    await openButton.waitFor()
    expect(await openButton.isDisabled()).toBe(true)
    // Chosen from the keyboard: the checkpoint's box, then the base model's.
    await page.locator('[data-testid="compare-choose"][data-checkpoint="1"]').focus()
    await page.keyboard.press('Space')
    await page.locator('[data-testid="compare-choose"][data-checkpoint="base"]').focus()
    await page.keyboard.press('Space')
    await page.locator('[data-testid="model-checkpoints"]').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artefacts, 'compare-choose-1280.png') })
    await openButton.focus()
    await page.keyboard.press('Enter')

    const view = page.locator('[data-testid="compare-view"]')
    await view.waitFor()
    // The older one is A: the base model; B the checkpoint.
    await poll(() => page.locator('[data-testid="compare-title"]').innerText()).toBe(
      'A: base model · B: checkpoint 1',
    )
    await poll(() => page.locator('[data-testid="compare-basis"]').innerText()).toMatch(
      /^Both on all 15 transcribed utterances of today's dev split\.$/,
    )
    expect(await page.locator('[data-testid="compare-verdict"]').innerText()).toMatch(
      /^Better: checkpoint 1 \(lower CER; WER is saturated, so CER decides\)\.$/,
    )
    const languages = page.locator('[data-testid="compare-by-language"] tbody tr')
    expect(
      await languages.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key'))),
    ).toEqual(['am', 'en', 'hi', 'hi-en', 'sw'])
    const items = page.locator('[data-testid="compare-utterance"]')
    expect(await items.count()).toBeGreaterThan(0)
    const worst = items.first()
    expect(await worst.locator('[data-testid="compare-change"]').innerText()).toMatch(
      /^B worse by \d+ (WER|CER) points$/,
    )
    // A line is never bare: its words, or (an empty hypothesis) that the annotator types it.
    expect(await worst.locator('[data-line="a"]').innerText()).toMatch(/^A\s*\S/)
    expect(await worst.locator('[data-line="b"]').innerText()).toMatch(/^B\s*\S/)
    expect(await worst.locator('mark').count()).toBeGreaterThan(0)
    await page.screenshot({ path: join(artefacts, 'compare-1280.png') })

    // B's gains first instead: the list turns round.
    const first = await worst.getAttribute('data-utterance')
    await page.locator('[data-testid="compare-order"]').selectOption('better')
    await poll(() => items.last().getAttribute('data-utterance')).toBe(first)
    await page.locator('[data-testid="compare-order"]').selectOption('worse')

    // Open the worst one in the editor, and come back to the comparison as it was.
    await worst.focus()
    await page.keyboard.press('Enter')
    await poll(() => page.evaluate(() => location.hash)).toBe(`#/annotate/${first}`)
    await poll(() => page.locator('[data-testid="editor"]').getAttribute('data-utterance')).toBe(
      first,
    )
    const back = page.locator('[data-testid="back-to-comparison"]')
    await back.waitFor()
    await back.click()
    await view.waitFor()
    await poll(() =>
      page.evaluate(() => document.activeElement?.getAttribute('data-utterance')),
    ).toBe(first)

    // In Kiswahili, the same view in the interface's language.
    await page.locator('[data-testid="language"]').selectOption('sw')
    await poll(() => page.locator('[data-testid="compare-verdict"]').innerText()).toMatch(
      /^Bora zaidi: kituo 1 \(CER ya chini/,
    )
    await page.screenshot({ path: join(artefacts, 'compare-sw-1280.png') })
    await page.locator('[data-testid="language"]').selectOption('en')
  })

  it('has both decode the test split as a job, then compares them there', async () => {
    await page.locator('[data-testid="compare-split-test"]').check()
    const lacking = page.locator('[data-testid="compare-lacking"]')
    await poll(() => lacking.innerText()).toMatch(/Decoded so far: A 4, B 0 of 4\./)
    await page.screenshot({ path: join(artefacts, 'compare-test-lacking-1280.png') })
    // The job's answer is held back until well after its few utterances are decoded, so the
    // job's end reaches the page first, as it can on a loaded machine: the view still updates.
    await page.route('**/api/checkpoint.score', async (route) => {
      const response = await route.fetch()
      await new Promise((resolve) => setTimeout(resolve, 3000))
      await route.fulfill({ response })
    })
    await page.locator('[data-testid="compare-score"]').click()
    await expect
      .poll(() => page.locator('[data-testid="compare-basis"]').innerText(), { timeout: 60_000 })
      .toMatch(/^Both on all 4 transcribed utterances of today's test split\.$/)
    expect(await lacking.count()).toBe(0)
    await page.unroute('**/api/checkpoint.score')
    expect(await page.locator('[data-testid="compare-verdict"]').innerText()).toMatch(
      /^Better: |^Neither/,
    )

    // And back to the table of checkpoints.
    await page.locator('[data-testid="compare-back"]').click()
    await page.locator('[data-testid="model-checkpoints"]').waitFor()
  })
})
