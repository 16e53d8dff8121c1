import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AccountLink } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import { type Served, callApi, launchChromium, projectQuery, startServe } from '../support/serve'
import { editorId } from '../support/screens'

/**
 * A team server in a browser: people sign in, and two annotators working side by side in two
 * browser contexts are never served the same utterance.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-team-e2e-'))
const dbPath = join(dataDir, 'projects', 'demo', 'project.sqlite')
const artefacts = join(appRoot, 'test-results', 'e2e')
mkdirSync(artefacts, { recursive: true })
const query = projectQuery(dbPath)
const password = (login: string): string => `${login} has a long password`

let served: Served
let browser: Browser

/** The owner's token makes accounts, as `sauti user add` would. */
async function addAccount(login: string, role: string): Promise<void> {
  const invited = await fetch(`${served.url}/api/account.invite`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
    body: JSON.stringify({ login, role }),
  })
  const link = ((await invited.json()) as { value: AccountLink }).value
  const accepted = await fetch(`${served.url}/auth/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: served.url },
    body: JSON.stringify({ token: link.token, password: password(login) }),
  })
  expect(accepted.status).toBe(200)
}

async function signIn(login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  await page.goto(`${served.url}/`)
  await page.locator('[data-testid="sign-in"]').waitFor()
  await page.locator('[data-testid="sign-in-login"]').fill(login)
  await page.locator('[data-testid="sign-in-password"]').fill(password(login))
  await page.keyboard.press('Enter')
  await page.locator('[data-testid="signed-in-as"]').waitFor()
  return page
}

beforeAll(async () => {
  served = await startServe(dataDir, [], ['--team', '--no-demo-labels'])
  await addAccount('amina', 'annotator')
  await addAccount('baraka', 'annotator')
  await addAccount('lead', 'lead')
  browser = await launchChromium()
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await served?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('a team server in the browser', () => {
  it('asks for a sign-in, and refuses a wrong password', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${served.url}/`)
    await page.locator('[data-testid="sign-in-login"]').fill('amina')
    await page.locator('[data-testid="sign-in-password"]').fill('not the password')
    await page.locator('[data-testid="sign-in-submit"]').click()
    await expect
      .poll(() => page.locator('[data-testid="sign-in-error"]').innerText())
      .toMatch(/wrong/)
    await context.close()
  })

  it('never serves two annotators the same utterance', async () => {
    const [amina, baraka] = await Promise.all([signIn('amina'), signIn('baraka')])
    const seen = { amina: [] as number[], baraka: [] as number[] }
    await Promise.all(
      (
        [
          ['amina', amina],
          ['baraka', baraka],
        ] as const
      ).map(async ([who, page]) => {
        const editor = page.locator('[data-testid="editor"]')
        await editor.waitFor()
        for (let n = 0; n < 4; n++) {
          await expect.poll(() => editorId(page)).toBeGreaterThan(0)
          const id = await editorId(page)
          seen[who].push(id)
          await page.locator('[data-testid="transcript"]').waitFor()
          await page.keyboard.press('Control+Enter')
          await expect.poll(() => editorId(page)).not.toBe(id)
        }
      }),
    )
    expect(seen.amina).toHaveLength(4)
    expect(seen.baraka).toHaveLength(4)
    expect(seen.amina.filter((id) => seen.baraka.includes(id))).toEqual([])
    // Every save was each annotator's own, with no conflict.
    const writers = query<{ name: string; n: number }>(
      `SELECT a.name, count(*) AS n FROM revision v JOIN annotator a ON a.id = v.annotator_id
       WHERE v.draft = 0 GROUP BY a.name ORDER BY a.name`,
    )
    expect(writers).toEqual([
      { name: 'amina', n: 4 },
      { name: 'baraka', n: 4 },
    ])
    await amina.screenshot({ path: join(artefacts, 'team-annotator.png') })
    await amina.context().close()
    await baraka.context().close()
  })

  it('shows a lead who holds what, and the accounts', async () => {
    const lead = await signIn('lead')
    await lead.locator('[data-testid="nav-team"]').click()
    await lead.locator('[data-testid="team-accounts"]').waitFor()
    await expect.poll(() => lead.locator('[data-testid="account-row"]').count()).toBe(3)
    await lead.screenshot({ path: join(artefacts, 'team-lead.png') })
    await lead.context().close()
  })

  it('offers Cancel on a job only to those who may cancel it: here a lead, not an annotator', async () => {
    const [amina, lead] = await Promise.all([signIn('amina'), signIn('lead')])
    // The lead reads Kiswahili.
    await lead.locator('[data-testid="language"]').selectOption('sw')
    // The server's owner labels the demo with the starter model: a job no account started.
    const imported = await callApi<{ jobId: string }>(served, 'model.import', {
      dir: join(appRoot, 'models/starter'),
    })
    await expect
      .poll(
        async () =>
          (await callApi<{ id: string; status: string }[]>(served, 'job.list', {})).find(
            (j) => j.id === imported.jobId,
          )?.status,
        { timeout: 60_000 },
      )
      .toBe('done')
    const [model] = await callApi<{ id: string }[]>(served, 'model.list', {})
    // A job the page did not start sends it to ask the server who may cancel it.
    const asked = amina.waitForResponse((r) => r.url().endsWith('/api/job.list'))
    const { jobId } = await callApi<{ jobId: string }>(served, 'label.start', { model: model!.id })
    const row = (page: Page) => page.locator(`[data-testid="job-progress"][data-job-id="${jobId}"]`)
    await row(amina).waitFor()
    await row(lead).locator('[data-testid="job-cancel"]').waitFor()
    // The annotator's row shows the job's progress and, once the server has answered, no Cancel.
    await asked
    expect(await row(amina).locator('[data-testid="job-cancel"]').count()).toBe(0)
    await amina.screenshot({ path: join(artefacts, 'team-job-annotator.png') })
    // Made an annotator meanwhile, the lead is told why the job goes on, the job named in
    // Kiswahili like the rest of the sentence; made a lead again, they cancel it.
    const accounts = await callApi<{ id: number; login: string }[]>(served, 'account.list', {})
    const leadId = accounts.find((a) => a.login === 'lead')!.id
    await callApi(served, 'account.setRole', { id: leadId, role: 'annotator' })
    await row(lead).locator('[data-testid="job-cancel"]').click()
    await expect
      .poll(() => row(lead).locator('[data-testid="error"]').innerText())
      .toMatch(
        /"lead" hawezi kughairi "Kuweka lebo kwa sauti-starter[^"]*": seva ndiyo iliyoianzisha/,
      )
    await lead.screenshot({ path: join(artefacts, 'team-job-refused-sw.png') })
    await callApi(served, 'account.setRole', { id: leadId, role: 'lead' })
    await row(lead).locator('[data-testid="job-cancel"]').click()
    await row(amina).waitFor({ state: 'detached' })
    const jobs = await callApi<{ id: string; status: string }[]>(served, 'job.list', {})
    expect(jobs.find((j) => j.id === jobId)?.status).toBe('cancelled')
    await amina.context().close()
    await lead.context().close()
  }, 120_000)
})
