import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appRoot, demoDir } from '../support/fixtures'
import { launchChromium, startServe, type Served } from '../support/serve'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-e2e-'))
const artefacts = join(appRoot, 'test-results', 'e2e')
mkdirSync(artefacts, { recursive: true })
const demoRecordings =
  readFileSync(join(demoDir, 'manifest.tsv'), 'utf8').trim().split('\n').length - 1

let served: Served
let browser: Browser
let page: Page

beforeAll(async () => {
  // A registered model, as `sauti model import` leaves it, for the labelling test.
  execFileSync(
    process.execPath,
    [
      join(appRoot, 'bin/sauti.js'),
      '--data-dir',
      dataDir,
      'model',
      'import',
      join(appRoot, 'test/fixtures/models/tiny-ctc'),
    ],
    { stdio: 'ignore' },
  )
  // This suite labels with tiny-ctc itself: no starter-model run on the demo's first start.
  served = await startServe(dataDir, [], ['--no-demo-labels'])
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
})
afterAll(async () => {
  await browser?.close()
  await served?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Non-transparent pixels drawn in wavesurfer's canvases (inside its shadow root). */
function drawnPixels(p: Page): Promise<number> {
  return p.evaluate(() => {
    const container = document.querySelector('[data-testid="waveform"]')
    const roots: ParentNode[] = [container!]
    container?.querySelectorAll('*').forEach((el) => el.shadowRoot && roots.push(el.shadowRoot))
    let count = 0
    for (const root of roots) {
      root.querySelectorAll('canvas').forEach((canvas: HTMLCanvasElement) => {
        const ctx = canvas.getContext('2d')
        if (!ctx || canvas.width === 0 || canvas.height === 0) return
        const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) count++
      })
    }
    return count
  })
}

describe('the workbench in Chromium, served by `sauti serve`', () => {
  it('opens the demo project on first start', async () => {
    await page.goto(`${served.openUrl}#/recordings`)
    // The token in the URL became a cookie and left the address bar.
    expect(page.url()).toBe(`${served.url}/#/recordings`)
    await page.locator('[data-testid="recording-row"]').first().waitFor()
    // The project's name and its full count of recordings, wherever the list's page ends.
    await expect.poll(() => page.getByText('Sauti demo').count()).toBeGreaterThan(0)
    await expect
      .poll(() => page.locator('body').innerText())
      .toMatch(new RegExp(`Recordings\\s+${demoRecordings}\\b`))
    expect(await page.locator('[data-testid="recording-row"]').count()).toBeGreaterThan(10)
  })

  it('draws the waveform of the selected recording from precomputed peaks', async () => {
    await page.locator('[data-testid="waveform"][data-ready="true"]').waitFor({ timeout: 20_000 })
    await expect.poll(() => drawnPixels(page), { timeout: 10_000 }).toBeGreaterThan(500)
    await page.screenshot({ path: join(artefacts, 'project.png') })
  })

  it('plays an utterance: the audio element’s time advances', async () => {
    const audio = page.locator('[data-testid="audio"]')
    const before = await audio.evaluate((a: HTMLAudioElement) => a.currentTime)
    await page.locator('[data-testid="utterance-row"]').first().click()
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 10_000 })
      .toBeGreaterThan(before + 0.3)
    await page.screenshot({ path: join(artefacts, 'playing.png') })
  })

  it('settles a job that finished while the event stream was down', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const other = await context.newPage()
    // The event stream is cut from the start, as on a flaky connection or a sleeping laptop.
    await other.route('**/events', (route) => route.abort())
    await other.goto(`${served.openUrl}#/recordings`)
    await other.locator('[data-testid="import-open"]').click()
    await other
      .locator('[data-testid="import-paths"]')
      .fill(join(appRoot, 'test/fixtures/formats/clip.ogg'))
    // The dialog shows what the paths hold first; the second press imports.
    await other.locator('[data-testid="import-submit"]').click()
    await other.locator('[data-testid="import-preview"]').waitFor()
    await other.locator('[data-testid="import-submit"]').click()
    await other.locator('[data-testid="job-progress"]').waitFor()
    // The import finishes on the server; this page hears nothing of it.
    await expect
      .poll(async () => {
        const jobs = await other.request.post(`${served.url}/api/job.list`, { data: {} })
        return ((await jobs.json()) as { value: { status: string }[] }).value.map((j) => j.status)
      })
      .toContain('done')
    expect(await other.locator('[data-testid="job-result"]').count()).toBe(0)
    // The stream comes back: the page catches up without a reload.
    await other.unroute('**/events')
    await other
      .locator('[data-testid="job-result"][data-status="done"]')
      .waitFor({ timeout: 20_000 })
    expect(await other.locator('[data-testid="job-progress"]').count()).toBe(0)
    await other.screenshot({ path: join(artefacts, 'job-settled.png') })
    await context.close()
  })

  it('shows which execution provider ran the model after labelling', async () => {
    await expect
      .poll(() => page.locator('[data-testid="inference-provider"]').innerText())
      .toContain('no model has run yet')
    await page.locator('[data-testid="label-open"]').click()
    const dialog = page.locator('[data-testid="label-dialog"]')
    await dialog.locator('[data-testid="label-model"]').first().waitFor()
    expect(await dialog.innerText()).toContain('tiny-ctc')
    await page.screenshot({ path: join(artefacts, 'label-dialog.png') })
    await dialog.locator('[data-testid="label-submit"]').click()
    await page.locator('[data-testid="job-progress"]').first().waitFor()
    await page.locator('[data-testid="job-labelled"]').waitFor({ timeout: 60_000 })
    const status = page.locator('[data-testid="inference-provider"]')
    await expect.poll(() => status.innerText()).toContain('Inference: cpu (tiny-ctc)')
    expect(await status.getAttribute('title')).toMatch(/cuda: CUDA provider not installed/)
    await page.screenshot({ path: join(artefacts, 'labelled.png') })
  })

  it('refuses a request without the token (401)', async () => {
    const context = await browser.newContext()
    const anonymous = await context.request.post(`${served.url}/api/project.summary`, { data: {} })
    expect(anonymous.status()).toBe(401)
    const pageWithoutToken = await context.newPage()
    const response = await pageWithoutToken.goto(`${served.url}/`)
    expect(response?.status()).toBe(401)
    await context.close()
  })
})
