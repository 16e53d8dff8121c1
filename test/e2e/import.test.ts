import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appRoot, formatFixtures } from '../support/fixtures'
import { type Served, launchChromium, projectQuery, startServe } from '../support/serve'

/**
 * Importing as a person does at 1280×720: files dropped on the import dialog are uploaded and
 * imported; a folder with a manifest.tsv is previewed (files, minutes, speakers, languages,
 * problems) and then imported with its speakers and languages.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-import-e2e-'))
const dbPath = join(dataDir, 'projects', 'demo', 'project.sqlite')
const artefacts = join(appRoot, 'test-results', 'e2e')
mkdirSync(artefacts, { recursive: true })
const folder = mkdtempSync(join(tmpdir(), 'sauti-field-'))

let served: Served
let browser: Browser
let page: Page
const query = projectQuery(dbPath)
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 })

/** Selects a recording on the Recordings screen, paging its list until it shows. */
async function showRecording(name: string): Promise<void> {
  await page.goto(`${served.openUrl}#/recordings`)
  const list = page.locator('.recording-list')
  const row = list.locator('[data-testid="recording-row"]', { hasText: name })
  await list.locator('[data-testid="recording-row"]').first().waitFor()
  while ((await row.count()) === 0) {
    const before = await list.locator('[data-testid="recording-row"]').first().innerText()
    await list.locator('.app-pager button').last().click()
    await poll(() => list.locator('[data-testid="recording-row"]').first().innerText()).not.toBe(
      before,
    )
  }
  await row.click()
  await poll(() => page.locator('[data-testid="recording-title"]').innerText()).toBe(name)
}

async function openDialog(): Promise<void> {
  await page.goto(`${served.openUrl}#/recordings`)
  await page.locator('[data-testid="import-open"]').click()
  await page.locator('[data-testid="import-dialog"]').waitFor()
}

beforeAll(async () => {
  served = await startServe(dataDir, [], ['--no-demo-labels'])
  browser = await launchChromium()
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  mkdirSync(join(folder, 'day-1'))
  copyFileSync(join(formatFixtures, 'clip.flac'), join(folder, 'day-1', 'market-a.flac'))
  copyFileSync(join(formatFixtures, 'clip.ogg'), join(folder, 'day-1', 'market-b.ogg'))
  writeFileSync(join(folder, 'day-1', 'broken.wav'), 'RIFF but not really')
  writeFileSync(
    join(folder, 'manifest.tsv'),
    'path\tspeaker\tlanguage\nday-1/market-a.flac\tSPK-FIELD-1\tsw\nday-1/market-b.ogg\tSPK-FIELD-2\ten\n',
  )
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await served?.stop()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(folder, { recursive: true, force: true })
})

describe('importing audio', () => {
  it('imports a file dropped on the import dialog (uploaded through the browser)', async () => {
    await openDialog()
    const wav = readFileSync(join(formatFixtures, 's16.wav')).toString('base64')
    await page.locator('[data-testid="import-drop"]').evaluate((zone, data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0))
      const transfer = new DataTransfer()
      transfer.items.add(new File([bytes], 'dropped-greeting.wav', { type: 'audio/wav' }))
      for (const type of ['dragenter', 'dragover', 'drop'])
        zone.dispatchEvent(
          new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
        )
    }, wav)
    await poll(() => page.locator('[data-testid="import-chosen"]').innerText()).toMatch(
      /1 file to upload \(\d+ kB\): dropped-greeting\.wav/,
    )
    const submit = page.locator('[data-testid="import-submit"]')
    expect(await submit.innerText()).toBe('Upload and import 1 file')
    await page.screenshot({ path: join(artefacts, 'import-drop-1280.png') })
    await submit.click()
    await page.locator('[data-testid="import-dialog"]').waitFor({ state: 'hidden' })
    await poll(
      () =>
        query<{ n: number }>(
          "SELECT count(*) AS n FROM recording WHERE original_name = 'dropped-greeting.wav'",
        )[0]!.n,
    ).toBe(1)
    await page.locator('[data-testid="job-result"][data-status="done"]').waitFor()
  }, 60_000)

  it('previews a folder with a manifest, then imports its files with their speakers and languages', async () => {
    await openDialog()
    await page.locator('[data-testid="import-paths"]').fill(folder)
    const submit = page.locator('[data-testid="import-submit"]')
    expect(await submit.innerText()).toBe('Check what will be imported')
    await submit.click()
    const preview = page.locator('[data-testid="import-preview"]')
    await preview.waitFor()
    expect(await preview.locator('[data-testid="import-preview-files"]').innerText()).toMatch(
      /^2 audio files, about 0\.1 min of audio/,
    )
    expect(await preview.locator('[data-testid="import-preview-speakers"]').innerText()).toBe(
      'Speakers: SPK-FIELD-1 (new), SPK-FIELD-2 (new)',
    )
    expect(await preview.locator('[data-testid="import-preview-languages"]').innerText()).toBe(
      'Languages: sw (1), en (1)',
    )
    expect(await preview.locator('[data-testid="import-preview-problems"]').innerText()).toMatch(
      /1 problem: this file will be left out[\s\S]*broken\.wav/,
    )
    expect(query('SELECT count(*) AS n FROM speaker WHERE code LIKE ?', 'SPK-FIELD-%')).toEqual([
      { n: 0 },
    ])
    await page.screenshot({ path: join(artefacts, 'import-preview-1280.png') })
    expect(await submit.innerText()).toBe('Import 2 files')
    await submit.click()
    await page.locator('[data-testid="import-dialog"]').waitFor({ state: 'hidden' })
    await poll(() =>
      query<{ name: string; speaker: string; language: string }>(
        `SELECT r.original_name AS name, s.code AS speaker, u.language FROM recording r
         JOIN utterance u ON u.recording_id = r.id JOIN speaker s ON s.id = u.speaker_id
         WHERE r.original_name LIKE 'market-%' ORDER BY r.original_name`,
      ),
    ).toEqual([
      { name: 'market-a.flac', speaker: 'SPK-FIELD-1', language: 'sw' },
      { name: 'market-b.ogg', speaker: 'SPK-FIELD-2', language: 'en' },
    ])
    // The summary after: what came in, from whom, in which languages, and what was refused.
    const result = page.locator('[data-testid="job-result"][data-status="done"]').last()
    await poll(() => result.innerText()).toMatch(/speakers SPK-FIELD-1, SPK-FIELD-2/)
    expect(await result.locator('[data-testid="job-rejected"]').innerText()).toMatch(/1/)
    await page.screenshot({ path: join(artefacts, 'import-after-1280.png') })
  }, 60_000)

  it('imports a manifest’s transcripts as machine output, shown as such in the editor and the recording’s list', async () => {
    const machine = mkdtempSync(join(tmpdir(), 'sauti-whisper-'))
    try {
      copyFileSync(join(formatFixtures, 'clip.opus'), join(machine, 'stall.opus'))
      writeFileSync(
        join(machine, 'manifest.tsv'),
        'path\ttranscript\tspeaker\tlanguage\nstall.opus\tbei ya nyanya leo\tSPK-SW-01\tsw\n',
      )
      await openDialog()
      await page.locator('[data-testid="import-paths"]').fill(machine)
      await page.locator('[data-testid="import-machine-output"]').check()
      await page.locator('[data-testid="import-machine-system"]').fill('whisper-large-v3')
      const submit = page.locator('[data-testid="import-submit"]')
      await submit.click()
      // Before anything is imported, the preview says how the transcript will count.
      await poll(() => page.locator('[data-testid="import-preview-transcripts"]').innerText()).toBe(
        "1 transcript comes in as machine output from whisper-large-v3: a draft to correct, not counted as a person's.",
      )
      await page.screenshot({ path: join(artefacts, 'import-machine-preview-1280.png') })
      await submit.click()
      await page.locator('[data-testid="import-dialog"]').waitFor({ state: 'hidden' })
      // And after: the job's summary names it as machine output.
      const result = page.locator('[data-testid="job-result"][data-status="done"]').last()
      await poll(() => result.locator('[data-testid="job-machine"]').innerText()).toBe(
        '1 transcript as machine output from whisper-large-v3, to correct',
      )
      const [row] = query<{ id: number; draft: number; machine_system: string }>(
        `SELECT u.id, v.draft, v.machine_system FROM utterance u
         JOIN recording r ON r.id = u.recording_id JOIN revision v ON v.utterance_id = u.id
         WHERE r.original_name = 'stall.opus'`,
      )
      expect(row).toMatchObject({ draft: 1, machine_system: 'whisper-large-v3' })

      // On the Recordings screen: the recogniser's text, marked as its output, not counted as
      // transcribed; the demo's transcripts, written by people, carry no such mark.
      await showRecording('stall.opus')
      const text = page.locator('[data-testid="utterance-row"] [data-testid="utterance-text"]')
      await poll(() => text.getAttribute('data-source')).toBe('machine')
      expect(await text.innerText()).toBe('machine output · whisper-large-v3 bei ya nyanya leo')
      expect(await text.evaluate((el) => getComputedStyle(el).fontStyle)).toBe('italic')
      // The demo's 43 transcripts, as before this import.
      const [{ n: total }] = query<{ n: number }>(
        'SELECT count(*) AS n FROM utterance WHERE merged_into IS NULL',
      ) as [{ n: number }]
      await poll(() => page.locator('[data-testid="summary-transcribed"]').innerText()).toBe(
        `43 of ${total}`,
      )
      await page.screenshot({ path: join(artefacts, 'import-machine-recordings-1280.png') })
      await showRecording('sw-001.flac')
      await poll(() => text.first().getAttribute('data-source')).toBe('import')
      expect(await page.locator('[data-testid="utterance-machine-output"]').count()).toBe(0)

      // In the editor: the text to correct, and where it came from.
      await page.goto(`${served.openUrl}#/annotate/${row!.id}`)
      const profile = page.locator('[data-testid="annotator-dialog"]')
      await profile.waitFor()
      await profile.locator('[data-testid="profile-name"]').fill('Amina')
      await profile.locator('[data-testid="profile-create"]').click()
      await profile.waitFor({ state: 'detached' })
      await poll(() => page.locator('[data-testid="transcript"]').inputValue()).toBe(
        'bei ya nyanya leo',
      )
      const origin = page.locator('[data-testid="machine-import-origin"]')
      expect(await origin.innerText()).toMatch(
        /^Machine output to correct — from import: whisper-large-v3\. .*manifest\.tsv:2$/,
      )
      await page.screenshot({ path: join(artefacts, 'import-machine-editor-1280.png') })
      expect(await page.locator('[data-testid="queue-machine-import"]').count()).toBe(1)
      // The recogniser's words are not marked as typed by the annotator; a word they type is.
      const mirror = page.locator('.transcript-mirror .word')
      await poll(() => mirror.count()).toBe(4)
      expect(await page.locator('.transcript-mirror .word-edited').count()).toBe(0)

      // Corrected and saved, it is a person's transcript.
      const field = page.locator('[data-testid="transcript"]')
      await field.focus()
      await page.keyboard.press('End')
      await page.keyboard.type(' sokoni')
      await poll(() => page.locator('.transcript-mirror .word-edited').allInnerTexts()).toEqual([
        'sokoni',
      ])
      await page.keyboard.press('Control+Enter')
      await poll(
        () =>
          query<{ text: string; source_kind: string; draft: number }>(
            'SELECT text, source_kind, draft FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1',
            row!.id,
          )[0],
      ).toEqual({ text: 'bei ya nyanya leo sokoni', source_kind: 'annotator', draft: 0 })
      // Saved, it is the person's transcript in the recording's list too.
      await showRecording('stall.opus')
      await poll(() => text.getAttribute('data-source')).toBe('annotator')
      expect(await text.innerText()).toBe('bei ya nyanya leo sokoni')
      expect(await page.locator('[data-testid="utterance-machine-output"]').count()).toBe(0)
    } finally {
      rmSync(machine, { recursive: true, force: true })
    }
  }, 60_000)
})
