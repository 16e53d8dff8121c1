/**
 * A server restart with the same data folder (issue 17): the open tab keeps working, because
 * `sauti serve` keeps the data folder's token, and what was typed while the server was away is
 * kept in IndexedDB and saved when it is back, even from a tab that was closed meanwhile.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium, projectQuery, startServe, type Served } from '../support/serve'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-restart-'))
const query = projectQuery(join(dataDir, 'projects', 'demo', 'project.sqlite'))
let served: Served
let browser: Browser
let page: Page
let port: number

beforeAll(async () => {
  served = await startServe(dataDir, [], ['--no-demo-labels'])
  port = Number(new URL(served.url).port)
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  await page.goto(served.openUrl)
  const dialog = page.locator('[data-testid="annotator-dialog"]')
  await dialog.waitFor()
  await page.keyboard.type('Baraka')
  await page.keyboard.press('Enter')
  await dialog.waitFor({ state: 'detached' })
})
afterAll(async () => {
  await browser?.close()
  if (served.process.exitCode === null && served.process.signalCode === null) await served.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const saveState = (): Promise<string | null> =>
  page.locator('[data-testid="save-state"]').getAttribute('data-state')
const head = (id: number): string =>
  query<{ text: string }>(
    'SELECT text FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1',
    id,
  )[0]?.text ?? ''

async function openUtterance(id: number): Promise<void> {
  await page.goto(`${served.url}/#/annotate/${id}`)
  await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
}

async function killServer(): Promise<void> {
  served.process.kill('SIGKILL')
  await new Promise<void>((resolve) => served.process.once('exit', () => resolve()))
}

async function typeAtEnd(text: string): Promise<void> {
  await page.locator('[data-testid="transcript"]').focus()
  await page.keyboard.press('End')
  await page.keyboard.type(text)
}

describe('a server restart with the same data folder', () => {
  it('keeps the open tab: what was typed while it was down is saved when it is back', async () => {
    const id = query<{ id: number }>('SELECT min(id) AS id FROM utterance')[0]!.id
    await openUtterance(id)
    const token = served.token
    await killServer()
    await typeAtEnd(' nakuja tena')
    await expect.poll(saveState, { timeout: 10_000 }).toBe('error')
    served = await startServe(dataDir, [], ['--no-demo-labels', '--port', String(port)])
    // The data folder's token, so the tab's cookie still opens the door.
    expect(served.token).toBe(token)
    await expect.poll(saveState, { timeout: 30_000 }).toBe('saved')
    expect(head(id)).toMatch(/ nakuja tena$/)
  })

  it('keeps what was typed in a tab that was closed before the server came back', async () => {
    const id = query<{ id: number }>('SELECT max(id) AS id FROM utterance')[0]!.id
    await openUtterance(id)
    await killServer()
    await typeAtEnd(' bila mtandao')
    await expect.poll(saveState, { timeout: 10_000 }).toBe('error')
    await page.goto('about:blank')
    served = await startServe(dataDir, [], ['--no-demo-labels', '--port', String(port)])
    await openUtterance(id)
    await expect
      .poll(() => page.locator('[data-testid="transcript"]').inputValue())
      .toMatch(/ bila mtandao$/)
    await expect.poll(() => head(id), { timeout: 10_000 }).toMatch(/ bila mtandao$/)
  })
})
