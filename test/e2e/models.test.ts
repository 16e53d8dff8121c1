import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appRoot } from '../support/fixtures'
import { repositoryFrom, startHub, type TestHub } from '../support/hub'
import { type Served, launchChromium, startServe } from '../support/serve'

/**
 * The model screen's registry: the bundled starter model as first start registers it, a
 * folder imported by its path, and a repository pulled from a hub (on 127.0.0.1) with progress;
 * each row says its heads, languages, whether it adapts and what runs it.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-models-ui-'))
const architectures = join(appRoot, 'test/fixtures/models/architectures')
const artefacts = join(appRoot, 'test-results', 'e2e')
mkdirSync(artefacts, { recursive: true })
let hub: TestHub
let served: Served
let browser: Browser
let page: Page

beforeAll(async () => {
  hub = await startHub({
    'sauti-test/conformer-tiny': { files: repositoryFrom(join(architectures, 'conformer-tiny')) },
  })
  // `sauti serve` inherits the hub's address, as a user would set it.
  process.env.SAUTI_HUB_URL = hub.url
  served = await startServe(dataDir)
  browser = await launchChromium()
  page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage()
}, 240_000)

afterAll(async () => {
  delete process.env.SAUTI_HUB_URL
  await browser?.close()
  await served?.stop()
  await hub?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const row = (p: Page, name: string): ReturnType<Page['locator']> =>
  p.locator('[data-testid="model-row"]').filter({ hasText: name })

describe('the model registry', () => {
  it('lists the starter model with its heads, languages, adaptation and provider', async () => {
    await page.goto(`${served.openUrl}#/model`)
    const starter = row(page, 'sauti-starter-multilingual-ctc')
    await starter.waitFor({ timeout: 120_000 })
    // Starter v2: characters are the main head, phones an extra one.
    expect(await starter.innerText()).toMatch(/main · 333[\s\S]*phones · 354/)
    expect(await starter.locator('[data-testid="model-adapts"]').innerText()).toBe('yes')
    expect(await starter.locator('[data-testid="model-provider"]').innerText()).toBe('CPU')
  }, 180_000)

  it('imports a logits-only export from a folder: it adapts, Sauti having exposed its hidden states', async () => {
    await page.locator('[data-testid="model-dir"]').fill(join(architectures, 'hubert-tiny'))
    await page.locator('[data-testid="model-add-submit"]').click()
    const imported = row(page, 'hubert-tiny')
    await imported.waitFor({ timeout: 60_000 })
    expect(await imported.locator('[data-testid="model-adapts"]').innerText()).toBe(
      'yes\nhidden states exposed by Sauti',
    )
  }, 90_000)

  it('pulls a NeMo-shaped export from a hub, with progress, and lists it', async () => {
    await page.locator('input[type="radio"][value="hub"]').check()
    await page.locator('[data-testid="model-repo"]').fill('sauti-test/conformer-tiny')
    await page.locator('[data-testid="model-add-submit"]').click()
    const pulled = row(page, 'conformer-ctc-tiny')
    await pulled.waitFor({ timeout: 60_000 })
    const text = await pulled.innerText()
    expect(text).toContain('sauti-test/conformer-tiny@main')
    expect(text).toContain('log-mel features')
    expect(text).toContain('en')
    await page
      .locator('[data-testid="job-registered"]')
      .filter({ hasText: 'conformer-ctc-tiny registered as' })
      .waitFor()
    expect(hub.requests.some((r) => r.startsWith('GET /cdn/sauti-test/conformer-tiny/'))).toBe(true)
    await page.locator('[data-testid="model-registry"]').screenshot({
      path: join(artefacts, 'model-registry.png'),
    })
  }, 90_000)
})
