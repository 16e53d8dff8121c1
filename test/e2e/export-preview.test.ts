import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { callApi, type Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'
import { useProfile } from '../support/screens'

/**
 * A lead's export dialog on the labelled demo project, in a real Chromium against `sauti serve`:
 * before anything runs it shows what the export will hold and what it leaves out and why, and
 * the export then holds what it said.
 */
const { dataDir, artefacts, query, open } = demoSuite('export-preview')
const exportsDir = join(dataDir, 'exports')
mkdirSync(exportsDir)

let served: Served
let page: Page
let accepted: number

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(served, method, input)

const imported = (): number =>
  query<{ n: number }>(
    `SELECT count(*) AS n FROM utterance u WHERE u.merged_into IS NULL
       AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.source_kind = 'import')`,
  )[0]!.n
const importedSpeakers = (): number =>
  query<{ n: number }>(
    `SELECT count(DISTINCT u.speaker_id) AS n FROM utterance u WHERE u.merged_into IS NULL
       AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.source_kind = 'import')`,
  )[0]!.n
const machineOnly = (): number =>
  query<{ n: number }>(
    `SELECT count(*) AS n FROM utterance u WHERE u.merged_into IS NULL AND u.status = 'pseudo'
       AND NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.draft = 0)`,
  )[0]!.n

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 } }))
  // An annotator accepts one imported utterance's hypothesis without changing it.
  const amina = await api<{ id: number }>('annotator.create', { name: 'Amina', role: 'annotator' })
  const candidates = query<{ id: number }>(
    `SELECT u.id FROM utterance u WHERE u.hypothesis_id IS NOT NULL
       AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.source_kind = 'import')
     ORDER BY u.id`,
  )
  for (const { id } of candidates) {
    const detail = await api<{
      head: { id: number } | null
      hypotheses: { id: number; text: string; reference: string | null }[]
    }>('utterance.get', { id, actorId: amina.id })
    const best = detail.hypotheses[0]
    if (!best || best.reference !== null) continue
    await api('utterance.save', {
      id,
      actorId: amina.id,
      baseRevisionId: detail.head?.id ?? null,
      hypothesisId: best.id,
      text: best.text,
    })
    accepted = id
    break
  }
  expect(accepted).toBeGreaterThan(0)
}, 300_000)

describe('the export dialog', () => {
  it('shows what the export will hold and leave out, and why, before it runs', async () => {
    await page.goto(served.openUrl)
    await useProfile(page, 'Neema', 'lead')
    await page.locator('[data-testid="nav-speakers"]').click()
    await page.locator('[data-testid="export-open"]').click()
    const dialog = page.locator('[data-testid="export-dialog"]')
    await dialog.waitFor({ state: 'visible' })

    // By default: people's transcripts, the one accepted unchanged left out and named.
    const preview = dialog.locator('[data-testid="export-preview"]')
    const total = preview.locator('[data-testid="export-preview-total"]')
    const expected = imported() - 1
    await expect.poll(() => total.innerText()).toMatch(new RegExp(`^${expected} utterances, `))
    expect(await total.innerText()).toMatch(
      new RegExp(`\\d+\\.\\d min, ${importedSpeakers()} speakers`),
    )
    // At 1280×720 the count and the button that acts on it are in view without scrolling the
    // long form (they stay at the dialog's foot).
    for (const inView of [total, dialog.locator('[data-testid="export-submit"]')]) {
      const box = (await inView.boundingBox())!
      expect(box.y).toBeGreaterThanOrEqual(0)
      expect(box.y + box.height).toBeLessThanOrEqual(720)
    }
    expect(await preview.locator('[data-testid="export-standing-imported"]').innerText()).toContain(
      `${expected} imported (written by people)`,
    )
    expect(await preview.locator('[data-testid="export-left-out-accepted"]').innerText()).toBe(
      "1 machine text accepted as-is (an annotator accepted the model's text unchanged; not reviewed)",
    )
    const drafts = machineOnly()
    if (drafts)
      expect(
        await preview.locator('[data-testid="export-left-out-machineDraft"]').innerText(),
      ).toMatch(new RegExp(`^${drafts} unreviewed machine drafts`))
    expect(await dialog.locator('[data-testid="export-status-new"]').isChecked()).toBe(false)
    expect(await dialog.locator('[data-testid="export-status-pseudo"]').isChecked()).toBe(false)
    await preview.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artefacts, 'export-preview-1280.png') })

    // Asked for, the accepted text goes in, and says what it is.
    await dialog.locator('[data-testid="export-include-accepted"]').check()
    await expect.poll(() => total.innerText()).toMatch(new RegExp(`^${expected + 1} utterances, `))
    expect(await preview.locator('[data-testid="export-standing-accepted"]').innerText()).toBe(
      '1 machine text accepted as-is',
    )
    expect(await preview.locator('[data-testid="export-left-out-accepted"]').count()).toBe(0)

    // The export holds what the preview said.
    await dialog.locator('[data-testid="export-format-csv"]').check()
    const target = join(exportsDir, 'with-accepted')
    await dialog.locator('[data-testid="export-dir"]').fill(target)
    await dialog.locator('[data-testid="export-submit"]').click()
    await dialog.waitFor({ state: 'hidden' })
    const result = page.locator('[data-testid="job-result"][data-status="done"]')
    await result.waitFor({ timeout: 120_000 })
    expect(await result.locator('[data-testid="job-exported"]').innerText()).toContain(
      `${expected + 1} utterances by ${importedSpeakers()} speakers`,
    )
    const sheet = JSON.parse(readFileSync(join(target, 'datasheet.json'), 'utf8')) as {
      standings: { standing: string; utterances: number }[]
    }
    expect(sheet.standings).toContainEqual(
      expect.objectContaining({ standing: 'accepted', utterances: 1 }),
    )
  })
})
