import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { callApi, type Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'
import { editorId, useProfile } from '../support/screens'

/**
 * The annotator workspace on the demo project as a new user gets it: `sauti serve` labels the
 * demo with the bundled starter model on first start; the annotator works from the keyboard.
 */
const { artefacts, dbPath, query, open, serveAgain } = demoSuite('ws')

let served: Served
let page: Page

async function createProfile(p: Page, name: string): Promise<void> {
  const dialog = p.locator('[data-testid="annotator-dialog"]')
  await dialog.waitFor()
  // Keyboard only: the dialog opens with the name field focused.
  await p.keyboard.type(name)
  await p.keyboard.press('Tab')
  await p.keyboard.press('Tab')
  await p.keyboard.type('sw, en')
  await p.keyboard.press('Enter')
  await dialog.waitFor({ state: 'detached' })
}

/**
 * The marks for words likely wrong, in both interface languages: with the threshold at 90 % the
 * model's words fall in both levels; the line under the field says what the caret's word is.
 */
async function shadingScreenshots(p: Page): Promise<void> {
  const threshold = p.locator('[data-testid="threshold"]')
  await threshold.fill('0.9')
  const marked = p.locator(
    '.transcript-mirror [data-doubt="1"], .transcript-mirror [data-doubt="2"]',
  )
  await expect.poll(() => marked.count()).toBeGreaterThan(0)
  const field = p.locator('[data-testid="transcript"]')
  await field.focus()
  await p.keyboard.press('Control+Home')
  await expect
    .poll(() => p.locator('[data-testid="word-status"]').innerText())
    .toMatch(/likely (wrong|right)|model confidence \d+%/)
  await p.screenshot({ path: join(artefacts, 'workspace-shading.png') })
  await p.locator('[data-testid="language"]').selectOption('sw')
  await expect
    .poll(() => p.locator('[data-testid="legend-likely"]').innerText())
    .toMatch(/si sahihi/)
  await p.screenshot({ path: join(artefacts, 'workspace-shading-sw.png') })
  await p.locator('[data-testid="language"]').selectOption('en')
  await threshold.fill('0.5')
}

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1400, height: 900 } }))
}, 240_000)

describe('the annotator workspace', () => {
  it('serves the queue least confident first, as the store ranks it, and filters narrow it', async () => {
    await page.goto(served.openUrl)
    await createProfile(page, 'Amina')
    const rows = page.locator('[data-testid="queue-row"]')
    await rows.first().waitFor()
    // The default order is "most useful first"; this test reads the confidence order.
    await page.locator('[data-testid="queue-order"]').selectOption('confidence')
    const expected = query<{ id: number; confidence: number }>(
      `SELECT id, confidence FROM utterance WHERE merged_into IS NULL AND status IN ('new', 'pseudo')
       ORDER BY coalesce(confidence, 2), id LIMIT 8`,
    )
    await expect
      .poll(async () =>
        (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).slice(
          0,
          8,
        ),
      )
      .toEqual(expected.map((e) => e.id))
    const shown = await rows.evaluateAll((els) =>
      els.map((e) => Number(e.getAttribute('data-confidence'))),
    )
    expect(shown).toEqual([...shown].sort((a, b) => a - b))
    // Confidences are readable numbers, not all 0 %.
    expect(new Set(shown.map((c) => Math.round(c * 100))).size).toBeGreaterThan(1)
    await page.screenshot({ path: join(artefacts, 'workspace-queue.png') })

    await page.locator('[data-testid="filter-speaker"]').selectOption('SPK-HI-01')
    const count = query<{ n: number }>(
      `SELECT count(*) AS n FROM utterance u JOIN speaker s ON s.id = u.speaker_id
       WHERE s.code = 'SPK-HI-01' AND u.status IN ('new', 'pseudo') AND u.merged_into IS NULL`,
    )[0]!.n
    await expect
      .poll(() => page.locator('[data-testid="queue-count"]').innerText())
      .toContain(`${count} utterance`)
    const metas = await rows.evaluateAll((els) => els.map((e) => e.textContent ?? ''))
    expect(metas.length).toBe(count)
    for (const m of metas) expect(m).toContain('SPK-HI-01')
    await page.locator('[data-testid="filter-speaker"]').selectOption('')
    await expect.poll(() => rows.count()).toBeGreaterThan(count)
  })

  it('shows a phone hypothesis as a reference only: the field stays empty and Ctrl+Shift+Enter does not accept it', async () => {
    // An untranscribed segment of the long Swahili recording, labelled by the starter model.
    const [target] = query<{ id: number; text: string }>(
      `SELECT u.id, h.text FROM utterance u JOIN hypothesis h ON h.id = u.hypothesis_id
       WHERE u.merged_into IS NULL AND u.status = 'pseudo' AND h.checkpoint_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id)
       ORDER BY u.id LIMIT 1`,
    )
    // Starter v1's main head writes phones; a starter whose main head writes characters but not
    // Swahili gives a reference for another language instead.
    const { unit } = JSON.parse(
      query<{ manifest: string }>('SELECT manifest FROM model')[0]!.manifest,
    ) as {
      unit: string
    }
    const t = target!
    await page.goto(`${served.url}/#/annotate/${t.id}`)
    await page.locator(`[data-testid="editor"][data-utterance="${t.id}"]`).waitFor()
    const reference = page.locator('[data-testid="hypothesis-reference"]')
    await reference.waitFor()
    expect(await reference.getAttribute('data-reason')).toBe(
      unit === 'phone' ? 'phones' : 'language',
    )
    expect(await page.locator('[data-testid="reference-1"]').innerText()).toBe(t.text)
    // Not the text, not an alternative to pick, nothing to accept.
    const field = page.locator('[data-testid="transcript"]')
    expect(await field.inputValue()).toBe('')
    expect(await page.locator('[data-testid^="alternative-"]').count()).toBe(0)
    expect(await page.locator('[data-testid="accept-next"]').isDisabled()).toBe(true)
    await page.screenshot({ path: join(artefacts, 'workspace-reference.png') })

    await field.focus()
    await page.keyboard.press('Alt+1')
    expect(await field.inputValue()).toBe('')
    await page.keyboard.press('Control+Shift+Enter')
    const refusal = page.locator('[data-testid="editor-action-error"]')
    await refusal.waitFor()
    expect(await refusal.innerText()).toMatch(
      unit === 'phone' ? /wrote phones, not a sw transcript/ : /does not write sw/,
    )
    await page.waitForTimeout(500)
    expect(await editorId(page)).toBe(t.id)
    expect(
      query<{ n: number; status: string }>(
        'SELECT (SELECT count(*) FROM revision WHERE utterance_id = u.id) AS n, u.status FROM utterance u WHERE u.id = ?',
        t.id,
      ),
    ).toEqual([{ n: 0, status: 'pseudo' }])
    await page.screenshot({ path: join(artefacts, 'workspace-reference-refused.png') })

    // The same in Kiswahili.
    await page.locator('[data-testid="language"]').selectOption('sw')
    await expect.poll(() => reference.innerText()).toMatch(/si nukuu/)
    await page.keyboard.press('Control+Shift+Enter')
    await expect.poll(() => refusal.innerText()).toMatch(/Hakuna cha kukubali/)
    await page.screenshot({ path: join(artefacts, 'workspace-reference-sw.png') })
    await page.locator('[data-testid="language"]').selectOption('en')

    // The label dialog says which of the project's languages the model does not write.
    await page.goto(`${served.url}/#/recordings`)
    await page.locator('[data-testid="label-open"]').click()
    const warning = page.locator('[data-testid="label-not-written"]')
    await warning.waitFor()
    expect(await warning.innerText()).toMatch(
      unit === 'phone' ? /writes phones, not .*\bsw\b/ : /does not write .*\bsw\b/,
    )
    await page.screenshot({ path: join(artefacts, 'label-dialog-warning.png') })
    await page.keyboard.press('Escape')
    await page.locator('[data-testid="label-dialog"]').waitFor({ state: 'hidden' })
  })
})

describe('adapting the model from the UI', () => {
  it('trains from the model screen, shows the checkpoint and its learning curve, and ranks the queue with reasons', async () => {
    await page.goto('about:blank')
    await page.goto(`${served.openUrl}#/model`)
    await page.locator('[data-testid="model-active"]').waitFor()
    expect(await page.locator('[data-testid="model-active"]').innerText()).toMatch(/base model/)
    await page.locator('[data-testid="model-train"]').click()
    const result = page.locator('[data-testid="job-result"][data-status="done"]').filter({
      has: page.locator('[data-testid="job-trained"]'),
    })
    await result.waitFor({ timeout: 240_000 })
    const checkpoint = query<{ id: number; status: string; metrics: string }>(
      'SELECT id, status, metrics FROM checkpoint ORDER BY id DESC LIMIT 1',
    )[0]!
    const metrics = JSON.parse(checkpoint.metrics) as { dev: { cer: number } | null }
    // The job's line says what happened to the dev split, in the words of the outcome.
    const line = await result.locator('[data-testid="job-trained"]').innerText()
    if (checkpoint.status === 'active')
      expect(line).toMatch(new RegExp(`checkpoint ${checkpoint.id} is in use`))
    else expect(line).toMatch(/worse on the dev split/)
    await expect.poll(() => page.locator('[data-testid="model-checkpoint"]').count()).toBe(1)
    // The learning rate the trial chose for what the checkpoint inherited from the base model,
    // and why: each candidate's dev CER after its first epoch.
    const rate = page.locator('[data-testid="checkpoint-rate"]')
    await expect
      .poll(() => rate.innerText())
      .toMatch(/^×(1|0\.1)\s+×1 \d+\.\d % · ×0\.1 \d+\.\d %$/)
    await rate.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artefacts, 'model-checkpoints.png') })
    if (metrics.dev) await page.locator('[data-testid="learning-curve"] svg').waitFor()
    // Word confidence of the checkpoint in use: calibrated on dev, or why not (too few words).
    if (checkpoint.status === 'active')
      await expect
        .poll(() => page.locator('[data-testid="model-calibration"]').innerText())
        .toMatch(/dev words/)
    await page.screenshot({ path: join(artefacts, 'model-screen.png') })

    // The queue, most useful first: the store's priorities, each row saying why.
    await page.locator('[data-testid="nav-annotate"]').click()
    const dialog = page.locator('[data-testid="annotator-dialog"]')
    // A fresh page load asks who is annotating again.
    if (
      await dialog.waitFor({ timeout: 5000 }).then(
        () => true,
        () => false,
      )
    ) {
      const amina = page.locator('[data-testid="profile-Amina"]')
      if (await amina.count()) await amina.click()
      else await createProfile(page, 'Amina')
      await dialog.waitFor({ state: 'detached' })
    }
    await page.locator('[data-testid="queue-order"]').selectOption('priority')
    const expected = query<{ id: number }>(
      `SELECT id FROM utterance WHERE merged_into IS NULL AND status IN ('new', 'pseudo')
       ORDER BY coalesce(priority, 1e300), id LIMIT 5`,
    ).map((r) => r.id)
    const rows = page.locator('[data-testid="queue-row"]')
    await expect
      .poll(async () =>
        (await rows.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-id'))))).slice(
          0,
          5,
        ),
      )
      .toEqual(expected)
    const why = page.locator('[data-testid="queue-why"]').first()
    await expect.poll(() => why.innerText()).toMatch(/diverse pick|uncertain|group/)
    await page.screenshot({ path: join(artefacts, 'queue-most-useful.png') })

    // Another strategy re-ranks the queue at once, and the reason follows it.
    await page.locator('[data-testid="nav-model"]').click()
    await page.locator('[data-testid="model-strategy"]').selectOption('least_confidence')
    await expect
      .poll(
        () =>
          query<{ value: string }>("SELECT value FROM project_meta WHERE key = 'adaptation'")[0]
            ?.value ?? '',
      )
      .toContain('"strategy":"least_confidence"')
    await page.locator('[data-testid="nav-annotate"]').click()
    await page.locator('[data-testid="queue-order"]').selectOption('confidence')
    await page.locator('[data-testid="queue-order"]').selectOption('priority')
    // The store ranks again in the inference worker after the change, behind whatever the
    // checkpoint's training left for it (rescoring): on a loaded machine that took over 30 s.
    await expect
      .poll(() => page.locator('[data-testid="queue-why"]').first().innerText(), {
        timeout: 120_000,
      })
      .toMatch(/^uncertain \d+ %/)
  }, 300_000)
})

describe('the annotator workspace with an adapted model', () => {
  it('corrects five utterances from the keyboard; every revision keeps annotator, parent and spans', async () => {
    // Utterances whose hypotheses come from the adapted checkpoint: transcripts, with alternatives.
    const targets = query<{ id: number }>(
      `SELECT u.id FROM utterance u JOIN hypothesis h ON h.id = u.hypothesis_id
       WHERE u.merged_into IS NULL AND u.status IN ('new', 'pseudo') AND h.checkpoint_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM hypothesis a WHERE a.utterance_id = u.id AND a.checkpoint_id = h.checkpoint_id AND a.rank = 2)
       ORDER BY u.id LIMIT 5`,
    ).map((r) => r.id)
    expect(targets).toHaveLength(5)
    const editor = page.locator('[data-testid="editor"]')
    const audio = page
      .locator('[data-testid="editor-waveform"] ~ div [data-testid="audio"], [data-testid="audio"]')
      .first()
    const done: { id: number; alternativeId: number; text: string }[] = []
    for (const target of targets) {
      await page.goto(`${served.url}/#/annotate/${target}`)
      await page.locator(`[data-testid="editor"][data-utterance="${target}"]`).waitFor()
      const id = await editorId(page)
      await page
        .locator('[data-testid="editor-waveform"][data-ready="true"]')
        .waitFor({ timeout: 20_000 })
      // Play: the audio element's clock advances.
      await page.locator('[data-testid="alternative-2"]').waitFor()
      // Play / pause from the keyboard (the utterance may be auto-playing already): playing, the
      // audio element's clock advances.
      const paused = () => audio.evaluate((a: HTMLAudioElement) => a.paused)
      const wasPaused = await paused()
      await page.keyboard.press('Control+Space')
      await expect.poll(paused).toBe(!wasPaused)
      if (wasPaused === false) {
        await page.keyboard.press('Control+Space')
        await expect.poll(paused).toBe(false)
      }
      const t0 = await audio.evaluate((a: HTMLAudioElement) => a.currentTime)
      await expect
        .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime))
        .toBeGreaterThan(t0 + 0.2)
      await page.keyboard.press('Control+Space')
      // Pick the second alternative (Alt+2 works even while typing), then edit its last word.
      await page.keyboard.press('Alt+2')
      const field = page.locator('[data-testid="transcript"]')
      await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true)
      await page.keyboard.press('End')
      await page.keyboard.press('Control+Backspace')
      await page.keyboard.type('sokoni')
      // Select that word and tag it as English through the language menu.
      await page.keyboard.press('Control+Shift+ArrowLeft')
      await page.keyboard.press('Alt+t')
      const menu = page.locator('[data-testid="language-menu"]')
      await menu.waitFor()
      const labels = await menu.locator('button').allInnerTexts()
      const digit = labels.findIndex((l) => /\ben$/.test(l.trim())) + 1
      expect(digit).toBeGreaterThan(0)
      await page.keyboard.press(String(digit))
      await menu.waitFor({ state: 'detached' })
      await expect
        .poll(() => page.locator('[data-testid="span-legend"]').allInnerTexts())
        .toContain('en')
      if (target === targets[0]) {
        await page.screenshot({ path: join(artefacts, 'workspace-editor.png') })
        await shadingScreenshots(page)
      }
      const text = await field.inputValue()
      const alternativeId = query<{ id: number }>(
        `SELECT a.id FROM hypothesis a JOIN hypothesis h ON h.id = (SELECT hypothesis_id FROM utterance WHERE id = ?)
         WHERE a.utterance_id = h.utterance_id AND a.checkpoint_id IS h.checkpoint_id AND a.rank = 2`,
        id,
      )[0]!.id
      done.push({ id, alternativeId, text })
      await page.keyboard.press('Control+Enter')
      await expect.poll(() => editorId(page)).not.toBe(id)
    }
    expect(new Set(done.map((d) => d.id)).size).toBe(5)

    await page.reload()
    await editor.waitFor()
    const amina = query<{ id: number }>("SELECT id FROM annotator WHERE name = 'Amina'")[0]!.id
    for (const d of done) {
      const [head] = query<{
        text: string
        spans: string
        annotator_id: number
        hypothesis_id: number
        draft: number
        parent_id: number | null
        status: string
      }>(
        `SELECT v.text, v.spans, v.annotator_id, v.hypothesis_id, v.draft, v.parent_id, u.status
         FROM revision v JOIN utterance u ON u.id = v.utterance_id
         WHERE v.utterance_id = ? ORDER BY v.id DESC LIMIT 1`,
        d.id,
      )
      expect(head).toMatchObject({
        text: d.text.trim().replace(/\s+/g, ' '),
        annotator_id: amina,
        hypothesis_id: d.alternativeId,
        draft: 0,
        status: 'corrected',
      })
      expect(head!.text.endsWith('sokoni')).toBe(true)
      const words = head!.text.split(' ').length
      expect(JSON.parse(head!.spans)).toEqual([{ start: words - 1, end: words, lang: 'en' }])
      // Autosaved drafts came first: the decision's parent is the utterance's previous revision.
      const chain = query<{ id: number; parent_id: number | null }>(
        'SELECT id, parent_id FROM revision WHERE utterance_id = ? ORDER BY id',
        d.id,
      )
      chain.forEach((r, i) => expect(r.parent_id).toBe(i === 0 ? null : chain[i - 1]!.id))
    }
    await expect
      .poll(() => page.locator('[data-testid="project-progress"]').innerText())
      .toMatch(/^5 \//)
  })

  it('fits a 1280x720 laptop screen: one header line, the project named in full, decisions and N-best above the fold', async () => {
    const [target] = query<{ id: number }>(
      `SELECT u.id FROM utterance u JOIN hypothesis h ON h.id = u.hypothesis_id
       WHERE u.merged_into IS NULL AND u.status IN ('new', 'pseudo') AND h.checkpoint_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM hypothesis a WHERE a.utterance_id = u.id AND a.checkpoint_id = h.checkpoint_id AND a.rank = 3)
       ORDER BY u.id LIMIT 1`,
    )
    const size = page.viewportSize()!
    try {
      for (const [width, height] of [
        [1280, 720],
        [1920, 1080],
      ] as const) {
        await page.setViewportSize({ width, height })
        // A fresh load: the editor chooses its wave height for the window it opens in.
        await page.goto(`${served.url}/#/annotate/${target!.id}`)
        await page.reload()
        await page.locator(`[data-testid="editor"][data-utterance="${target!.id}"]`).waitFor()
        await page.locator('[data-testid="alternative-2"]').waitFor()
        const header = (await page.locator('.app-header').boundingBox())!
        expect(header.height, `${width}x${height}`).toBeLessThan(60)
        const name = page.locator('[data-testid="project-name"]')
        expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
        // Above the status bar, whole: every decision, and the N-best's first two.
        const bar = (await page.locator('.job-status-bar').boundingBox())!
        for (const id of [
          'save-next',
          'accept-next',
          'skip-next',
          'flag',
          'alternative-1',
          'alternative-2',
        ]) {
          const box = (await page.locator(`[data-testid="${id}"]`).boundingBox())!
          expect(box.y, `${id} at ${width}x${height}`).toBeGreaterThan(header.height)
          expect(box.y + box.height, `${id} at ${width}x${height}`).toBeLessThanOrEqual(bar.y)
        }
        await page.screenshot({ path: join(artefacts, `workspace-${width}x${height}.png`) })
      }
    } finally {
      await page.setViewportSize(size)
    }
  })

  it('shows every shortcut in the help overlay, and the spectrogram on a key', async () => {
    await page.locator('[data-testid="editor"]').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('?')
    const help = page.locator('[data-testid="help-overlay"]')
    await help.waitFor()
    expect(await help.locator('tr[data-action]').count()).toBeGreaterThan(20)
    await expect.poll(() => help.innerText()).toContain('Ctrl+Enter')
    await page.screenshot({ path: join(artefacts, 'workspace-help.png') })
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
    // The spectrogram of the visible window, computed by an audio worker, on a key.
    await page.keyboard.press('Alt+k')
    await page
      .locator('[data-testid="spectrogram"][data-ready="true"]')
      .waitFor({ timeout: 20_000 })
    await page.screenshot({ path: join(artefacts, 'workspace-spectrogram.png') })
    await page.keyboard.press('Alt+k')
  })

  it('shows a conflict when another window saved the same utterance first, and overwrites nothing', async () => {
    const id = await editorId(page)
    // A second window of the same browser (same annotator) whose event stream is down, as on a
    // flaky connection: it cannot hear about the other window's save.
    const stale = await page.context().newPage()
    await stale.route('**/events', (route) => route.abort())
    await stale.goto(`${served.url}/#/annotate/${id}`)
    await stale.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
    // The first window saves a correction.
    await page.locator('[data-testid="transcript"]').fill('kutoka dirisha jingine')
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => editorId(page)).not.toBe(id)
    // The stale window types: its autosave meets the conflict instead of writing over it.
    await stale.locator('[data-testid="transcript"]').focus()
    await stale.keyboard.press('End')
    await stale.keyboard.type(' kutoka hapa')
    const conflict = stale.locator('[data-testid="conflict"]')
    await conflict.waitFor({ timeout: 10_000 })
    await expect.poll(() => conflict.innerText()).toContain('Amina')
    await expect.poll(() => conflict.innerText()).toContain('kutoka dirisha jingine')
    const latest = query<{ text: string }>(
      'SELECT text FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1',
      id,
    )
    expect(latest[0]!.text).toBe('kutoka dirisha jingine')
    await stale.screenshot({ path: join(artefacts, 'workspace-conflict.png') })
    // Keep mine: saved on top of theirs; both stay in the history.
    await stale.locator('[data-testid="conflict-keep-mine"]').click()
    await expect
      .poll(() => stale.locator('[data-testid="save-state"]').getAttribute('data-state'))
      .toBe('saved')
    const after = query<{ text: string }>(
      'SELECT text FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 2',
      id,
    )
    expect(after[0]!.text).toMatch(/kutoka hapa$/)
    expect(after[1]!.text).toBe('kutoka dirisha jingine')
    await stale.close()
  })

  it('splits an utterance at the playhead and merges it back, from the keyboard', async () => {
    const [segment] = query<{ id: number; start_sec: number; end_sec: number }>(
      `SELECT u.id, u.start_sec, u.end_sec FROM utterance u JOIN recording r ON r.id = u.recording_id
       WHERE r.original_name LIKE 'market-day-long%' AND u.merged_into IS NULL
       ORDER BY (u.end_sec - u.start_sec) DESC LIMIT 1`,
    )
    const s = segment!
    await page.goto(`${served.url}/#/annotate/${s.id}`)
    await page.locator(`[data-testid="editor"][data-utterance="${s.id}"]`).waitFor()
    await page.locator('[data-testid="editor-waveform"][data-ready="true"]').waitFor()
    // Put the playhead about a third of the way in: play, wait, pause.
    const audio = page.locator('[data-testid="audio"]')
    await page.locator('[data-testid="editor"]').click({ position: { x: 5, y: 5 } })
    if (!(await audio.evaluate((a: HTMLAudioElement) => a.paused)))
      await page.keyboard.press('Control+Space')
    await page.keyboard.press('Alt+r')
    await expect
      .poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 })
      .toBeGreaterThan(s.start_sec + (s.end_sec - s.start_sec) / 3)
    await page.keyboard.press('Control+Space')
    await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true)
    const at = await audio.evaluate((a: HTMLAudioElement) => a.currentTime)
    expect(at).toBeLessThan(s.end_sec - 0.05)
    await page.keyboard.press('Alt+x')
    await expect
      .poll(() => page.locator('[data-testid="editor"]').getAttribute('data-range'))
      .toBe(`${s.start_sec} ${at}`)
    const halves = query<{ id: number; start_sec: number; end_sec: number }>(
      `SELECT id, start_sec, end_sec FROM utterance WHERE recording_id =
         (SELECT recording_id FROM utterance WHERE id = ?) AND merged_into IS NULL
         AND start_sec >= ? AND end_sec <= ? ORDER BY start_sec`,
      s.id,
      s.start_sec,
      s.end_sec,
    )
    expect(halves.map((h) => [h.start_sec, h.end_sec])).toEqual([
      [s.start_sec, at],
      [at, s.end_sec],
    ])
    await page.screenshot({ path: join(artefacts, 'workspace-split.png') })
    // Merge with the next one: the original bounds again, the right half kept as history.
    await page.keyboard.press('Alt+m')
    await expect
      .poll(() => page.locator('[data-testid="editor"]').getAttribute('data-range'))
      .toBe(`${s.start_sec} ${s.end_sec}`)
    const right = query<{ merged_into: number }>(
      'SELECT merged_into FROM utterance WHERE id = ?',
      halves[1]!.id,
    )
    expect(right[0]!.merged_into).toBe(s.id)
  })

  it('keeps typed text through a killed server: autosave loses at most a second', async () => {
    const id = await editorId(page)
    await page.locator('[data-testid="transcript"]').focus()
    await page.keyboard.press('End')
    await page.keyboard.type(' maneno yaliyohifadhiwa')
    // Just over the autosave's longest wait, then the process dies without a clean shutdown.
    await page.waitForTimeout(1200)
    served.process.kill('SIGKILL')
    await new Promise<void>((resolve) => served.process.once('exit', () => resolve()))
    served = await serveAgain()
    await page.goto(served.openUrl)
    await page.goto(`${served.url}/#/annotate/${id}`)
    await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
    await expect
      .poll(() => page.locator('[data-testid="transcript"]').inputValue())
      .toMatch(/maneno yaliyohifadhiwa$/)
  })
})

describe("a laptop screen with the project's own tiers and a field that started empty", () => {
  /**
   * A model that writes Swahili gives an untranscribed utterance of the long recording (two
   * header lines, a minimap) three alternatives; the project starts every transcript empty.
   */
  function giveAlternatives(): number {
    const [target] = query<{ id: number }>(
      `SELECT u.id FROM utterance u JOIN recording r ON r.id = u.recording_id
       WHERE r.original_name LIKE 'market-day-long%' AND u.merged_into IS NULL
         AND NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id)
       ORDER BY u.id LIMIT 1`,
    )
    const db = new Database(dbPath)
    try {
      const model = db
        .prepare(
          `INSERT INTO model (sha256, name, path, manifest, registered_at)
           VALUES (?, 'sw-chars', '/m', '{"languages":["sw"]}', '2026-01-01')`,
        )
        .run('d'.repeat(64)).lastInsertRowid
      const texts = [
        'leo ni siku ya soko mjini',
        'leo ni siku ya soko mjini kwetu',
        'leo ni sikukuu ya soko mjini',
      ]
      texts.forEach((text, i) =>
        db
          .prepare(
            `INSERT INTO hypothesis (utterance_id, model_id, rank, text, score, confidence, word_confidences,
                                     start_sec, end_sec, created_at)
             SELECT id, ?, ?, ?, -1, ?, ?, start_sec, end_sec, '2026-01-01' FROM utterance WHERE id = ?`,
          )
          .run(model, i + 1, text, 0.5, JSON.stringify(text.split(' ').map(() => 0.5)), target!.id),
      )
    } finally {
      db.close()
    }
    return target!.id
  }

  it('keeps the field, every decision and the N-best’s first two in view at 1280x720, in English and Swahili', async () => {
    const id = giveAlternatives()
    const lead = await callApi<{ id: number }>(served, 'annotator.create', {
      name: 'Layout lead',
      role: 'lead',
    })
    await callApi(served, 'tier.define', {
      actorId: lead.id,
      name: 'Translation',
      kind: 'utterance',
    })
    await callApi(served, 'tier.define', { actorId: lead.id, name: 'Gloss', kind: 'time' })
    await callApi(served, 'project.setPrefill', { prefill: 'never' })
    // A window of its own: a laptop that has never folded or opened the tiers.
    const context = await page
      .context()
      .browser()!
      .newContext({
        viewport: { width: 1280, height: 720 },
      })
    try {
      const laptop = await context.newPage()
      await laptop.goto(served.openUrl)
      await useProfile(laptop, 'Layout lead')
      await laptop.goto(`${served.url}/#/annotate/${id}`)
      await laptop.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
      for (const language of ['en', 'sw']) {
        await laptop.locator('[data-testid="language"]').selectOption(language)
        await laptop.locator('[data-testid="started-empty"]').waitFor()
        await laptop.locator('[data-testid="alternative-2"]').waitFor()
        // The project's tiers are one line that names them; the field is empty, the guess beside it.
        const toggle = laptop.locator('[data-testid="project-tiers-toggle"]')
        await expect.poll(() => toggle.innerText()).toMatch(/Translation · Gloss/)
        expect(await toggle.getAttribute('aria-expanded')).toBe('false')
        expect(await laptop.locator('[data-testid="transcript"]').inputValue()).toBe('')
        expect(await laptop.locator('[data-testid="started-empty-guess"]').innerText()).toBe(
          'leo ni siku ya soko mjini',
        )
        const header = (await laptop.locator('.app-header').boundingBox())!
        const bar = (await laptop.locator('.job-status-bar').boundingBox())!
        const box = async (testid: string) =>
          (await laptop.locator(`[data-testid="${testid}"]`).boundingBox())!
        for (const testid of [
          'started-empty',
          'transcript',
          'save-next',
          'accept-next',
          'skip-next',
          'flag',
          'alternative-1',
          'alternative-2',
        ]) {
          const b = await box(testid)
          expect(b.y, `${testid} (${language})`).toBeGreaterThan(header.height)
          expect(b.y + b.height, `${testid} (${language})`).toBeLessThanOrEqual(bar.y)
        }
        // Top to bottom, none over another: the guess, the field, why it is empty, the first row
        // of decisions; the last row of decisions (Flag wraps in Swahili), the N-best.
        for (const stack of [
          ['started-empty', 'transcript', 'started-empty-why', 'save-next'],
          ['flag', 'alternative-1', 'alternative-2'],
        ])
          for (const [i, below] of stack.slice(1).entries()) {
            const [a, b] = [await box(stack[i]!), await box(below)]
            expect(b.y, `${below} under ${stack[i]} (${language})`).toBeGreaterThanOrEqual(
              a.y + a.height,
            )
          }
        await laptop.screenshot({
          path: join(artefacts, `workspace-tiers-started-empty-${language}.png`),
        })
      }
      // Alt+U still puts the guess in; the tiers, once opened, open so after a reload.
      await laptop.locator('[data-testid="transcript"]').focus()
      await laptop.keyboard.press('Alt+U')
      await expect
        .poll(() => laptop.locator('[data-testid="transcript"]').inputValue())
        .toBe('leo ni siku ya soko mjini')
      await laptop.locator('[data-testid="project-tiers-toggle"]').click()
      await laptop.locator('[data-testid="tier-Gloss"]').waitFor()
      await laptop.reload()
      await laptop.locator('[data-testid="tier-Gloss"]').waitFor()
      expect(
        await laptop.locator('[data-testid="project-tiers-toggle"]').getAttribute('aria-expanded'),
      ).toBe('true')
    } finally {
      await context.close()
    }
  })
})
