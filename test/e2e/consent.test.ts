import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'

/**
 * The project lead's screens on the demo project, in a real Chromium against `sauti serve`:
 * the speaker registry and consent, what a profile that is not a lead may do, a consented
 * export, and an utterance's history in the annotator workspace.
 */
const { dataDir, artefacts, query, open } = demoSuite('consent')
const exportsDir = join(dataDir, 'exports')
mkdirSync(exportsDir)

let served: Served
let page: Page

/** A call as a script would make it, to see what the server itself answers. */
async function api(method: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${served.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
    body: JSON.stringify(body),
  })
  return { status: r.status, json: await r.json() }
}

/** The utterances the annotation queue may serve now: to do, not merged, annotation consent. */
function consentedTodo(): number {
  return query<{ n: number }>(
    `SELECT count(*) AS n FROM utterance u
     WHERE u.status IN ('new', 'pseudo') AND u.merged_into IS NULL
       AND EXISTS (SELECT 1 FROM consent c WHERE c.speaker_id = u.speaker_id
         AND c.scope = 'annotation' AND c.withdrawn_at IS NULL
         AND c.granted_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         AND (c.expires_at IS NULL OR c.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))`,
  )[0]!.n
}

async function createProfile(p: Page, name: string, role: 'annotator' | 'lead'): Promise<void> {
  const dialog = p.locator('[data-testid="annotator-dialog"]')
  await dialog.waitFor()
  await dialog.locator('[data-testid="profile-name"]').fill(name)
  await dialog.locator('[data-testid="profile-role"]').selectOption(role)
  await dialog.locator('[data-testid="profile-languages"]').fill('sw, en')
  await dialog.locator('[data-testid="profile-create"]').click()
  await dialog.waitFor({ state: 'detached' })
}

async function openSpeakers(p: Page): Promise<void> {
  await p.locator('[data-testid="nav-speakers"]').click()
  await p.locator('[data-testid="speaker-row"]').first().waitFor()
}

async function openSpeaker(p: Page, code: string): Promise<void> {
  await p
    .locator(`[data-testid="speaker-row"][data-code="${code}"] [data-testid="speaker-open"]`)
    .click()
  await expect
    .poll(() => p.locator('[data-testid="speaker-detail"] h2').innerText())
    .toContain(code)
}

const scopeState = (p: Page, scope: string): Promise<string | null> =>
  p.locator(`[data-testid="scope-state"][data-scope="${scope}"]`).getAttribute('data-state')

async function queueCount(p: Page): Promise<string> {
  await p.locator('[data-testid="nav-annotate"]').click()
  const count = p.locator('[data-testid="queue-count"]')
  await count.waitFor()
  return count.innerText()
}

/** The columns scroll on their own, so a full-page shot would cut them: grow the window instead. */
async function tallScreenshot(p: Page, name: string): Promise<void> {
  const size = p.viewportSize()!
  await p.setViewportSize({ width: size.width, height: 2000 })
  await p.screenshot({ path: join(artefacts, name) })
  await p.setViewportSize(size)
}

/** Every file under a folder, as paths relative to it. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) =>
    statSync(join(dir, f)).isFile(),
  )
}

const speakerId = (code: string): number =>
  query<{ id: number }>('SELECT id FROM speaker WHERE code = ?', code)[0]!.id
const inFuture = (days: number): string =>
  new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)

beforeAll(async () => {
  // No labelling run: these tests need the demo's speakers, consent and transcripts only.
  ;({ served, page } = await open({ viewport: { width: 1400, height: 900 }, labels: false }))
}, 120_000)

describe('speakers, consent, export and history', () => {
  it('a lead registers a speaker, assigns recordings, grants consent with an expiry; withdrawing annotation empties the queue of them', async () => {
    await page.goto(served.openUrl)
    await createProfile(page, 'Neema', 'lead')
    const before = consentedTodo()
    await expect.poll(() => queueCount(page)).toContain(`${before} utterances`)

    await openSpeakers(page)
    expect(await page.locator('[data-testid="speaker-row"]').count()).toBe(
      query<{ n: number }>('SELECT count(*) AS n FROM speaker')[0]!.n,
    )
    await page.screenshot({ path: join(artefacts, 'speakers-registry.png') })

    // Register a speaker with metadata.
    await page.locator('[data-testid="speaker-new"]').click()
    const form = page.locator('[data-testid="speaker-form"]').first()
    await form.locator('[data-testid="speaker-code"]').fill('SPK-SW-09')
    await form.locator('[data-testid="speaker-age"]').fill('35-44')
    await form.locator('[data-testid="speaker-gender"]').selectOption('female')
    await form.locator('[data-testid="speaker-dialect"]').fill('Kipemba')
    await form.locator('[data-testid="speaker-first-language"]').fill('sw')
    await form.locator('[data-testid="speaker-other-languages"]').fill('en, ar')
    await form.locator('[data-testid="speaker-save"]').click()
    await expect
      .poll(() => page.locator('[data-testid="speaker-detail"] h2').innerText())
      .toContain('SPK-SW-09')
    const row = page.locator('[data-testid="speaker-row"][data-code="SPK-SW-09"]')
    await expect.poll(() => row.innerText()).toContain('Kipemba')
    const spk = query<{ id: number; dialect: string; gender: string; other_languages: string }>(
      "SELECT id, dialect, gender, other_languages FROM speaker WHERE code = 'SPK-SW-09'",
    )[0]!
    expect(spk).toMatchObject({ dialect: 'Kipemba', gender: 'female' })
    expect(JSON.parse(spk.other_languages)).toEqual(['en', 'ar'])
    // A new speaker has no consent at all.
    for (const scope of ['annotation', 'model_training', 'research_release']) {
      expect(await scopeState(page, scope)).toBe('none')
    }

    // Assign two recordings to them: without consent, their utterances leave the queue.
    const assigned = ['sw-001.flac', 'sw-004.flac']
    for (const name of assigned)
      await page.locator(`[data-testid="assign-recording"][data-name="${name}"]`).check()
    await page.locator('[data-testid="assign-submit"]').click()
    await expect
      .poll(() => page.locator('[data-testid="assign-done"]').innerText())
      .toContain('2 recordings')
    const moved = query<{ id: number }>(
      `SELECT u.id FROM utterance u JOIN recording r ON r.id = u.recording_id
       WHERE r.original_name IN (?, ?) AND u.speaker_id = ?`,
      ...assigned,
      spk.id,
    ).map((u) => u.id)
    expect(moved.length).toBe(2)
    await expect
      .poll(() => row.locator('[data-testid="speaker-utterances"]').innerText())
      .toMatch(/^2/)

    // Grant annotation and research release, with an expiry a year from now and a note.
    await page.locator('[data-testid="grant-scope-annotation"]').check()
    await page.locator('[data-testid="grant-scope-research_release"]').check()
    const expiry = inFuture(365)
    await page.locator('[data-testid="grant-expires"]').fill(expiry)
    await page
      .locator('[data-testid="grant-evidence-note"]')
      .fill('Oral consent recorded in Chake Chake, witnessed by the village chair')
    await page.locator('[data-testid="grant-submit"]').click()
    await expect
      .poll(() => page.locator('[data-testid="grant-done"]').innerText())
      .toContain('2 consent records')
    await expect.poll(() => scopeState(page, 'annotation')).toBe('granted')
    expect(await scopeState(page, 'research_release')).toBe('granted')
    expect(await scopeState(page, 'model_training')).toBe('none')
    expect(await scopeState(page, 'commercial')).toBe('none')
    // The registry's compact badges say the same.
    await expect
      .poll(() =>
        row
          .locator('[data-testid="scope-badge"]')
          .evaluateAll((els) => els.map((e) => `${e.dataset.scope}:${e.dataset.state}`)),
      )
      .toEqual([
        'annotation:granted',
        'model_training:none',
        'research_release:granted',
        'public_release:none',
        'commercial:none',
      ])
    const records = page.locator('[data-testid="consent-record"]')
    await expect.poll(() => records.count()).toBe(2)
    expect(await records.first().innerText()).toContain('Neema')
    const stored = query<{ scope: string; expires_at: string; recorded_by: number }>(
      'SELECT scope, expires_at, recorded_by FROM consent WHERE speaker_id = ? ORDER BY scope',
      spk.id,
    )
    expect(stored.map((c) => c.scope)).toEqual(['annotation', 'research_release'])
    for (const c of stored) expect(c.expires_at).toBe(`${expiry}T00:00:00.000Z`)
    await tallScreenshot(page, 'speaker-consent.png')

    // With consent, the queue serves their utterances again.
    await expect.poll(() => queueCount(page)).toContain(`${before} utterances`)
    expect(consentedTodo()).toBe(before)
    const speakerOptions = async (): Promise<string[]> =>
      (await page.locator('[data-testid="filter-speaker"] option').allInnerTexts()).map((o) =>
        o.trim(),
      )
    await expect.poll(speakerOptions).toContain('SPK-SW-09 (2)')

    // Withdraw annotation: a confirmation that says what happens, then it happens at once.
    await openSpeakers(page)
    await openSpeaker(page, 'SPK-SW-09')
    await page.locator('[data-testid="withdraw-annotation"]').click()
    const confirm = page.locator('[data-testid="withdraw-dialog"]')
    await confirm.waitFor({ state: 'visible' })
    expect(await confirm.innerText()).toContain('annotation queue')
    // Focus starts on the safe choice.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'confirm-cancel',
    )
    await page.screenshot({ path: join(artefacts, 'consent-withdraw-dialog.png') })
    await confirm.locator('[data-testid="confirm-ok"]').click()
    await confirm.waitFor({ state: 'hidden' })
    await expect.poll(() => scopeState(page, 'annotation')).toBe('withdrawn')
    expect(await scopeState(page, 'research_release')).toBe('granted')
    const lead = query<{ id: number }>("SELECT id FROM annotator WHERE name = 'Neema'")[0]!.id
    const withdrawn = query<{ withdrawn_at: string | null; withdrawn_by: number | null }>(
      "SELECT withdrawn_at, withdrawn_by FROM consent WHERE speaker_id = ? AND scope = 'annotation'",
      spk.id,
    )
    expect(withdrawn).toHaveLength(1)
    expect(withdrawn[0]!.withdrawn_at).not.toBeNull()
    expect(withdrawn[0]!.withdrawn_by).toBe(lead)

    // The queue drops exactly their utterances, and says so.
    expect(consentedTodo()).toBe(before - 2)
    await expect.poll(() => queueCount(page)).toContain(`${before - 2} utterances`)
    await expect
      .poll(() => page.locator('[data-testid="queue-without-consent"]').innerText())
      .toContain('2 left out')
    await expect.poll(speakerOptions).not.toContain('SPK-SW-09 (2)')
    expect((await speakerOptions()).some((o) => o.startsWith('SPK-SW-09'))).toBe(false)
    // The whole queue, as the page reads it, holds none of their utterances.
    const queue = await api('queue.list', { order: 'file', limit: 1000 })
    const ids = (queue.json as { value: { items: { id: number }[] } }).value.items.map((i) => i.id)
    expect(ids).toHaveLength(before - 2)
    for (const id of moved) expect(ids).not.toContain(id)
  })

  it('a profile that is not a lead sees the controls disabled, and a forced attempt is refused visibly', async () => {
    await openSpeakers(page)
    await page.getByRole('button', { name: 'Switch annotator' }).click()
    await createProfile(page, 'Baraka', 'annotator')
    await openSpeaker(page, 'SPK-SW-09')
    await expect
      .poll(() => page.locator('[data-testid="not-lead"]').innerText())
      .toContain('Baraka')
    expect(await page.locator('[data-testid="lead-only"]').innerText()).toContain('lead')
    await expect
      .poll(() =>
        page
          .locator('[data-testid="consent-controls"]')
          .evaluate((el) => (el as HTMLFieldSetElement).disabled),
      )
      .toBe(true)
    for (const id of [
      'grant-submit',
      'grant-scope-commercial',
      'withdraw-research_release',
      'withdraw-all',
      'purge-open',
      'assign-submit',
      'merge-open',
      'export-open',
    ])
      expect(await page.locator(`[data-testid="${id}"]`).isDisabled(), id).toBe(true)
    // Editing a speaker's details is open to every profile.
    expect(
      await page
        .locator('[data-testid="speaker-detail"] [data-testid="speaker-save"]')
        .isDisabled(),
    ).toBe(false)
    await tallScreenshot(page, 'speakers-not-lead.png')

    // Force the form open (as a stale or tampered page would): the core refuses, the page says so.
    await page
      .locator('[data-testid="consent-controls"]')
      .evaluate((el) => el.removeAttribute('disabled'))
    await page.locator('[data-testid="grant-scope-commercial"]').check()
    await page.locator('[data-testid="grant-submit"]').click()
    const error = page.locator('[data-testid="grant-form"] [data-testid="error"]')
    await expect.poll(() => error.innerText()).toContain('Not allowed')
    expect(await error.innerText()).toContain('only a lead may record consent')
    expect(await error.isVisible()).toBe(true)
    await page.screenshot({ path: join(artefacts, 'speakers-forbidden.png') })
    const spk = speakerId('SPK-SW-09')
    expect(
      query("SELECT 1 FROM consent WHERE speaker_id = ? AND scope = 'commercial'", spk),
    ).toHaveLength(0)
    // A script naming that profile is refused the same way.
    const baraka = query<{ id: number }>("SELECT id FROM annotator WHERE name = 'Baraka'")[0]!.id
    const attempt = await api('consent.withdraw', { actorId: baraka, speakerId: spk, scope: 'all' })
    expect(attempt.status).toBe(403)
    expect(attempt.json).toMatchObject({ ok: false, error: { kind: 'forbidden' } })
    expect(
      query<{ n: number }>(
        "SELECT count(*) AS n FROM consent WHERE speaker_id = ? AND scope = 'research_release' AND withdrawn_at IS NULL",
        spk,
      )[0]!.n,
    ).toBe(1)

    // Back to the lead.
    await page.reload()
    await page.getByRole('button', { name: 'Switch annotator' }).click()
    await page.locator('[data-testid="profile-Neema"]').click()
    await expect
      .poll(() => page.locator('[data-testid="acting-as"]').innerText())
      .toContain('Neema')
  })

  it('exports a research release in Kaldi and TextGrid: the job finishes, and a speaker without that consent is absent', async () => {
    await openSpeakers(page)
    // SPK-EN-02 takes back research release; everyone else in the demo keeps it.
    await openSpeaker(page, 'SPK-EN-02')
    await page.locator('[data-testid="withdraw-research_release"]').click()
    const confirm = page.locator('[data-testid="withdraw-dialog"]')
    await confirm.locator('[data-testid="confirm-ok"]').click()
    await confirm.waitFor({ state: 'hidden' })
    await expect.poll(() => scopeState(page, 'research_release')).toBe('withdrawn')
    const absentTexts = query<{ text: string }>(
      `SELECT v.text FROM revision v JOIN utterance u ON u.id = v.utterance_id
       JOIN speaker s ON s.id = u.speaker_id WHERE s.code = 'SPK-EN-02' AND v.draft = 0`,
    ).map((r) => r.text)
    expect(absentTexts.length).toBeGreaterThan(0)

    await page.locator('[data-testid="export-open"]').click()
    const dialog = page.locator('[data-testid="export-dialog"]')
    await dialog.waitFor({ state: 'visible' })
    // Every format the core offers is a choice.
    for (const f of [
      'kaldi',
      'nemo',
      'huggingface',
      'commonvoice',
      'csv',
      'eaf',
      'textgrid',
      'vtt',
      'srt',
    ])
      expect(await dialog.locator(`[data-testid="export-format-${f}"]`).count(), f).toBe(1)
    expect(await dialog.locator('[data-testid="export-use"]').inputValue()).toBe('research_release')
    await dialog.locator('[data-testid="export-format-kaldi"]').check()
    await dialog.locator('[data-testid="export-format-textgrid"]').check()
    await dialog.locator('[data-testid="export-licence"]').fill('CC-BY-4.0')
    // No folder yet: the dialog says so and starts nothing.
    await dialog.locator('[data-testid="export-submit"]').click()
    await expect
      .poll(() => dialog.locator('[data-testid="export-problem"]').innerText())
      .toContain('output folder')
    await page.screenshot({ path: join(artefacts, 'export-dialog.png') })
    const target = join(exportsDir, 'sw-research')
    await dialog.locator('[data-testid="export-dir"]').fill(target)
    await dialog.locator('[data-testid="export-submit"]').click()
    await dialog.waitFor({ state: 'hidden' })

    const result = page.locator('[data-testid="job-result"][data-status="done"]')
    await result.waitFor({ timeout: 120_000 })
    expect(await result.innerText()).toContain('Export finished')
    expect(await result.locator('[data-testid="job-export-dir"]').innerText()).toBe(target)
    // The status bar reports what the project recorded of the run.
    const [run] = query<{ utterances: number; speakers: number; exported_by: number }>(
      'SELECT utterances, speakers, exported_by FROM export_run ORDER BY id DESC LIMIT 1',
    )
    expect(run!.exported_by).toBe(
      query<{ id: number }>("SELECT id FROM annotator WHERE name = 'Neema'")[0]!.id,
    )
    expect(await result.locator('[data-testid="job-exported"]').innerText()).toContain(
      `${run!.utterances} utterances by ${run!.speakers} speakers`,
    )
    await page.screenshot({ path: join(artefacts, 'export-done.png') })

    expect(existsSync(target)).toBe(true)
    const files = filesUnder(target)
    const kaldi = files.filter((f) => f.startsWith('kaldi/'))
    const grids = files.filter((f) => f.startsWith('textgrid/'))
    for (const name of ['wav.scp', 'text', 'utt2spk', 'spk2utt'])
      expect(
        kaldi.some((f) => f.endsWith(`/${name}`)),
        name,
      ).toBe(true)
    expect(grids.length).toBeGreaterThan(0)
    expect(grids.every((f) => f.endsWith('.TextGrid'))).toBe(true)
    for (const name of ['datasheet.json', 'manifest.json', 'SHA256SUMS', 'README.md'])
      expect(files, name).toContain(name)

    // Grep every file: nothing of SPK-EN-02, while consenting speakers are there.
    const all = files.map((f) => readFileSync(join(target, f), 'utf8')).join('\n')
    expect(all).not.toContain('SPK-EN-02')
    for (const text of absentTexts) expect(all).not.toContain(text)
    expect(all).toContain('SPK-SW-01')
    expect(all).toContain('SPK-EN-01')
    // The speaker registered above granted research release: their speech is in it.
    expect(all).toContain('SPK-SW-09')
  })

  it("an utterance's history shows the annotator who edited it and the word diff", async () => {
    const [utt] = query<{ id: number; text: string }>(
      `SELECT u.id, v.text FROM utterance u JOIN recording r ON r.id = u.recording_id
       JOIN revision v ON v.utterance_id = u.id
       WHERE r.original_name = 'sw-002.flac' ORDER BY v.id DESC LIMIT 1`,
    )
    expect(utt!.text).toContain('nyanya')
    const edited = utt!.text.replace('nyanya', 'vitunguu')
    await page.goto(`${served.url}/#/annotate/${utt!.id}`)
    const editor = page.locator(`[data-testid="editor"][data-utterance="${utt!.id}"]`)
    await editor.waitFor()
    await page.locator('[data-testid="transcript"]').fill(edited)
    await page.keyboard.press('Control+Enter')
    await expect
      .poll(() => page.locator('[data-testid="editor"]').getAttribute('data-utterance'))
      .not.toBe(String(utt!.id))
    const newest = query<{ text: string; name: string; draft: number }>(
      `SELECT v.text, a.name, v.draft FROM revision v JOIN annotator a ON a.id = v.annotator_id
       WHERE v.utterance_id = ? ORDER BY v.id DESC LIMIT 1`,
      utt!.id,
    )[0]!
    expect(newest).toEqual({ text: edited, name: 'Neema', draft: 0 })

    // Back to it; the history opens from the keyboard.
    await page.goto(`${served.url}/#/annotate/${utt!.id}`)
    await editor.waitFor()
    await page.locator('[data-testid="transcript"]').focus()
    await page.keyboard.press('Alt+h')
    const panel = page.locator('[data-testid="history-panel"]')
    await panel.waitFor()
    const entries = panel.locator('[data-testid="history-entry"]')
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(2)
    // Newest first: Neema's edit; the oldest is the demo's import.
    expect(await entries.first().locator('[data-testid="history-source"]').innerText()).toBe(
      'Neema',
    )
    expect(await entries.last().getAttribute('data-source')).toBe('import')
    expect(await entries.last().innerText()).toContain('manifest.tsv')
    const byNeema = entries.filter({ has: page.locator('[data-testid="diff-added"]') })
    await expect.poll(() => byNeema.count()).toBeGreaterThanOrEqual(1)
    const change = byNeema.first()
    expect(await change.locator('[data-testid="history-source"]').innerText()).toBe('Neema')
    expect(await change.locator('[data-testid="diff-added"]').allInnerTexts()).toEqual([
      expect.stringContaining('vitunguu'),
    ])
    expect(await change.locator('[data-testid="diff-removed"]').allInnerTexts()).toEqual([
      expect.stringContaining('nyanya'),
    ])
    expect(await panel.locator('[data-testid="history-broken"]').count()).toBe(0)
    await page.screenshot({ path: join(artefacts, 'history-panel.png') })

    // The shortcut is in the help overlay, and the button toggles the panel too.
    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    await page.locator('[data-testid="history-open"]').click()
    await panel.waitFor()
    await page.locator('[data-testid="help-open"]').click()
    const help = page.locator('[data-testid="help-overlay"] [data-action="history"]')
    expect(await help.innerText()).toContain('Alt+H')
    await page.keyboard.press('Escape')
  })

  it('merges a duplicate and purges a speaker’s audio, each after a confirmation that says what happens', async () => {
    await page.goto(`${served.url}/#/speakers`)
    await page.locator('[data-testid="speaker-row"]').first().waitFor()
    // SPK-SW-09 turns out to be SPK-SW-01 under another code.
    await openSpeaker(page, 'SPK-SW-09')
    await page.locator('[data-testid="merge-open"]').click()
    const merge = page.locator('[data-testid="merge-dialog"]')
    await merge.waitFor({ state: 'visible' })
    expect(await merge.locator('[data-testid="confirm-ok"]').isDisabled()).toBe(true)
    await merge.locator('[data-testid="merge-target"]').selectOption({ label: 'SPK-SW-01' })
    const records = query<{ n: number }>(
      'SELECT count(*) AS n FROM consent WHERE speaker_id = ?',
      speakerId('SPK-SW-09'),
    )[0]!.n
    expect(await merge.locator('[data-testid="merge-summary"]').innerText()).toBe(
      `SPK-SW-09's 2 recordings, 2 utterances and ${records} consent records move to SPK-SW-01.`,
    )
    await page.screenshot({ path: join(artefacts, 'speaker-merge-dialog.png') })
    await merge.locator('[data-testid="confirm-ok"]').click()
    await merge.waitFor({ state: 'hidden' })
    await expect
      .poll(() => page.locator('[data-testid="speaker-row"][data-code="SPK-SW-09"]').innerText())
      .toContain('merged into SPK-SW-01')
    await expect
      .poll(() => page.locator('[data-testid="speaker-detail"] h2').innerText())
      .toContain('SPK-SW-01')
    expect(
      query<{ merged_into: number }>("SELECT merged_into FROM speaker WHERE code = 'SPK-SW-09'")[0]!
        .merged_into,
    ).toBe(speakerId('SPK-SW-01'))
    expect(
      query<{ n: number }>(
        'SELECT count(*) AS n FROM utterance WHERE speaker_id = ?',
        speakerId('SPK-SW-01'),
      )[0]!.n,
    ).toBe(4)

    // SPK-SW-03 asks for their audio to be deleted.
    await openSpeaker(page, 'SPK-SW-03')
    const recordings = query<{ id: number; sha256: string; format: string }>(
      `SELECT DISTINCT r.id, r.sha256, r.format FROM recording r JOIN utterance u ON u.recording_id = r.id
       WHERE u.speaker_id = ?`,
      speakerId('SPK-SW-03'),
    )
    expect(recordings.length).toBe(4)
    const originals = recordings.map((r) =>
      join(dataDir, 'projects', 'demo', 'audio', `${r.sha256}.${r.format}`),
    )
    for (const f of originals) expect(existsSync(f), f).toBe(true)
    await page.locator('[data-testid="purge-open"]').click()
    const purge = page.locator('[data-testid="purge-dialog"]')
    await purge.waitFor({ state: 'visible' })
    const text = await purge.innerText()
    expect(text).toContain('Delete the audio of SPK-SW-03?')
    expect(text).toContain('4 recordings')
    expect(text).toContain('Kept:')
    const ok = purge.locator('[data-testid="confirm-ok"]')
    expect(await ok.isDisabled()).toBe(true)
    await purge.locator('[data-testid="purge-type-code"]').fill('SPK-SW-0')
    expect(await ok.isDisabled()).toBe(true)
    await purge.locator('[data-testid="purge-type-code"]').fill('SPK-SW-03')
    await purge.locator('[data-testid="purge-reason"]').fill('Asked by phone on 22 November')
    expect(await ok.isDisabled()).toBe(false)
    await page.screenshot({ path: join(artefacts, 'consent-purge-dialog.png') })
    await ok.click()
    await purge.waitFor({ state: 'hidden' })
    const log = page.locator('[data-testid="purge-record"]')
    await expect.poll(() => log.innerText()).toContain('Neema deleted')
    expect(await log.innerText()).toContain('of 4 recordings')
    for (const f of originals) expect(existsSync(f), f).toBe(false)
    expect(
      query<{ n: number }>(
        `SELECT count(*) AS n FROM recording WHERE purged_at IS NOT NULL AND id IN (${recordings.map(() => '?').join(',')})`,
        ...recordings.map((r) => r.id),
      )[0]!.n,
    ).toBe(4)
    // Every scope now reads withdrawn.
    for (const scope of ['annotation', 'model_training', 'research_release'])
      expect(await scopeState(page, scope)).toBe('withdrawn')
    await tallScreenshot(page, 'speaker-purged.png')
  })
})
