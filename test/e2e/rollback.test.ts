import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'
import { useProfile } from '../support/screens'

/**
 * A lead on the Model screen puts an earlier checkpoint back in use, saying why, in a real
 * Chromium against `sauti serve`: the table and the project's record show it at once.
 */
const { dbPath, artefacts, query, open } = demoSuite('rollback')
let served: Served
let page: Page

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 } }))
  // Two checkpoints of the starter model, the second in use (a rollback reads no checkpoint file).
  const db = new Database(dbPath)
  try {
    const model = (db.prepare('SELECT id FROM model ORDER BY id LIMIT 1').get() as { id: number })
      .id
    const insert = db.prepare(
      `INSERT INTO checkpoint (model_id, parent_id, path, sha256, metrics, status, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    insert.run(
      model,
      null,
      '/c/1.bin',
      '1'.repeat(64),
      JSON.stringify({ trainUtterances: 20, trainSec: 90, dev: { cer: 0.31, wer: 0.62 } }),
      'inactive',
      '2026-05-01T10:00:00.000Z',
    )
    insert.run(
      model,
      1,
      '/c/2.bin',
      '2'.repeat(64),
      JSON.stringify({
        trainUtterances: 34,
        trainSec: 150,
        dev: { cer: 0.35, wer: 0.66 },
        parentDev: { cer: 0.31, wer: 0.62 },
      }),
      'active',
      '2026-05-08T10:00:00.000Z',
    )
  } finally {
    db.close()
  }
}, 300_000)

describe('the Model screen', () => {
  it('lets a lead put an earlier checkpoint back in use, with the reason kept', async () => {
    await page.goto(served.openUrl)
    await useProfile(page, 'Neema', 'lead')
    await page.locator('[data-testid="nav-model"]').click()
    const rows = page.locator('[data-testid="model-checkpoint"]')
    await expect.poll(() => rows.count()).toBe(2)
    expect(await page.locator('[data-testid="model-active"]').innerText()).toContain('2')

    await page.locator('[data-testid="checkpoint-use"][data-checkpoint="1"]').click()
    const dialog = page.locator('[data-testid="rollback-dialog"]')
    await dialog.waitFor({ state: 'visible' })
    // No reason: the dialog says one is needed and changes nothing.
    await dialog.locator('[data-testid="rollback-submit"]').click()
    await expect.poll(() => dialog.innerText()).toContain('Say why')
    await dialog.locator('[data-testid="rollback-reason"]').fill('checkpoint 2 is worse on dev')
    await page.screenshot({ path: join(artefacts, 'rollback-dialog-1280.png') })
    await dialog.locator('[data-testid="rollback-submit"]').click()
    await dialog.waitFor({ state: 'hidden' })

    await expect
      .poll(() => page.locator('[data-testid="model-active"]').innerText())
      .toMatch(/\b1\b/)
    expect(await rows.locator('.badge').allInnerTexts()).toHaveLength(2)
    expect(
      await page.locator('[data-testid="model-checkpoint"][data-status="active"]').count(),
    ).toBe(1)
    const history = page.locator('[data-testid="checkpoint-activations"]')
    expect(await history.innerText()).toMatch(
      /Neema: checkpoint 2 → checkpoint 1:\s*.checkpoint 2 is worse on dev/,
    )
    expect(
      query<{ id: number }>("SELECT id FROM checkpoint WHERE status = 'active'").map((r) => r.id),
    ).toEqual([1])
    await page.locator('[data-testid="model-checkpoints"]').scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artefacts, 'rollback-done-1280.png') })
  })
})
