import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { inSample } from '../../src/main/core/review/sample'
import type { Served } from '../support/serve'
import { demoSuite } from '../support/served-demo'
import {
  correctInTurn,
  editorId,
  panelId,
  poll,
  switchProfile,
  useProfile,
} from '../support/screens'

/**
 * The reviewer's screens on the demo project as `sauti serve` gives it (labelled by the starter
 * model on first start): a lead sets the samples, annotators work through the workspace, a
 * reviewer approves, rejects, edits and adjudicates from the keyboard, the dashboard and the
 * quality report show the result. Everything is checked in the project database.
 */
const { artefacts, query, open } = demoSuite('review')

let served: Served
let page: Page

const profileId = (name: string): number =>
  query<{ id: number }>('SELECT id FROM annotator WHERE name = ?', name)[0]!.id

const reviewCount = async (p: Page): Promise<number> =>
  Number(/\d+/.exec(await p.locator('[data-testid="review-count"]').innerText())![0])

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1400, height: 950 } }))
}, 240_000)

describe('the review screen', () => {
  it('queues flagged and sampled work with the reason; approve, reject with a comment and edit from the keyboard are stored and the queue moves on', async () => {
    await page.goto(served.openUrl)
    await useProfile(page, 'Amina')
    // Amina corrects three utterances and flags one, from the keyboard.
    const editor = page.locator('[data-testid="editor"]')
    await editor.waitFor()
    const corrected = await correctInTurn(page, 3)
    // What she heard before flagging it: the model's output is only a reference (the starter
    // writes phones), so the field starts empty and only typed text is kept with the flag.
    const flagged = await editorId(page)
    await page.locator('[data-testid="transcript"]').focus()
    await page.keyboard.press('End')
    await page.keyboard.type(' leo')
    await page.keyboard.press('Alt+f')
    await page.locator('[data-testid="flag-menu"]').waitFor()
    await page.keyboard.press('1')
    await poll(() => editorId(page)).not.toBe(flagged)
    expect(query<{ status: string }>('SELECT status FROM utterance WHERE id = ?', flagged)).toEqual(
      [{ status: 'flagged' }],
    )

    // An annotator profile may look but not decide; the lead switches to their own profile.
    await page.locator('[data-testid="nav-review"]').click()
    await page.locator('[data-testid="review-not-reviewer"]').waitFor()
    await switchProfile(page, 'Zawadi', 'lead')
    await page.locator('[data-testid="review-not-reviewer"]').waitFor({ state: 'detached' })

    // The lead sends every accepted utterance to review (the default samples 10 %).
    await page.keyboard.press('Alt+g')
    await page.locator('[data-testid="review-settings"]').waitFor()
    await page.locator('[data-testid="settings-review-share"]').fill('100')
    await page.locator('[data-testid="settings-save"]').click()
    await poll(
      () =>
        query<{ value: string }>("SELECT value FROM project_meta WHERE key = 'review'")[0]?.value ??
        '',
    ).toContain('"reviewShare":1')
    await page.keyboard.press('Alt+g')

    // Flagged first, then the sample of accepted work, each row saying why it is there.
    const rows = page.locator('[data-testid="review-row"]')
    await poll(() => rows.count()).toBe(4)
    const listed = await rows.evaluateAll((els) =>
      els.map((e) => [Number(e.getAttribute('data-id')), e.getAttribute('data-reason')]),
    )
    expect(listed).toEqual([
      [flagged, 'flagged'],
      ...[...corrected].sort((a, b) => a - b).map((id) => [id, 'sampled']),
    ])
    await poll(() => rows.first().innerText()).toMatch(/Flagged: /i)
    await poll(() => rows.nth(1).innerText()).toMatch(/Sampled accepted work/i)
    const panel = page.locator('[data-testid="review-panel"]')
    await poll(() => panelId(page)).toBe(flagged)
    await page.locator('[data-testid="review-waveform"][data-ready="true"]').waitFor()
    await poll(() => panel.locator('[data-testid="review-revision"]').count()).toBeGreaterThan(0)
    await poll(() => panel.locator('[data-testid="review-history"]').innerText()).toContain(
      'Amina (Annotator)',
    )
    await page.screenshot({ path: join(artefacts, 'review-queue.png') })

    const zawadi = profileId('Zawadi')
    const newestFinished = (id: number): number =>
      query<{ id: number }>(
        'SELECT max(id) AS id FROM revision WHERE utterance_id = ? AND draft = 0',
        id,
      )[0]!.id

    // Approve (Alt+A): a review row, the utterance reviewed, and the next one opens.
    // Flagging keeps the annotator's text as a draft: that revision is what the verdict is on.
    const approvedRevision = query<{ id: number }>(
      'SELECT max(id) AS id FROM revision WHERE utterance_id = ?',
      flagged,
    )[0]!.id
    await page.keyboard.press('Alt+a')
    await poll(() => panelId(page)).not.toBe(flagged)
    expect(
      query(
        'SELECT verdict, reviewer_id, comment FROM review WHERE revision_id = ?',
        approvedRevision,
      ),
    ).toEqual([{ verdict: 'approve', reviewer_id: zawadi, comment: '' }])
    expect(query('SELECT status FROM utterance WHERE id = ?', flagged)).toEqual([
      { status: 'reviewed' },
    ])
    await poll(() => reviewCount(page)).toBe(3)

    // Reject with a comment (Alt+N, type, Ctrl+Enter): back to the annotators with the reason.
    const rejected = await panelId(page)
    const rejectedRevision = newestFinished(rejected)
    await page.keyboard.press('Alt+n')
    const comment = page.locator('[data-testid="review-comment"]')
    await poll(() => comment.evaluate((el) => el === document.activeElement)).toBe(true)
    await page.keyboard.type('The last word is not in the audio.')
    await page.screenshot({ path: join(artefacts, 'review-reject.png') })
    await page.keyboard.press('Control+Enter')
    await poll(() => panelId(page)).not.toBe(rejected)
    expect(
      query(
        'SELECT verdict, reviewer_id, comment FROM review WHERE revision_id = ?',
        rejectedRevision,
      ),
    ).toEqual([
      { verdict: 'reject', reviewer_id: zawadi, comment: 'The last word is not in the audio.' },
    ])
    expect(query('SELECT status FROM utterance WHERE id = ?', rejected)).toEqual([
      { status: 'pseudo' },
    ])
    await poll(() => reviewCount(page)).toBe(2)

    // Edit as reviewer (Alt+E): a new revision by the reviewer on top of the last one, approved.
    const edited = await panelId(page)
    const before = newestFinished(edited)
    await page.keyboard.press('Alt+e')
    const field = page.locator('[data-testid="review-edit-text"]')
    await poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true)
    await field.fill('habari za asubuhi mama')
    await page.keyboard.press('Control+Enter')
    await poll(() => panelId(page)).not.toBe(edited)
    const [head] = query<{ id: number; text: string; annotator_id: number; parent_id: number }>(
      'SELECT id, text, annotator_id, parent_id FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1',
      edited,
    )
    expect(head).toMatchObject({
      text: 'habari za asubuhi mama',
      annotator_id: zawadi,
      parent_id: before,
    })
    expect(query('SELECT verdict FROM review WHERE revision_id = ?', head!.id)).toEqual([
      { verdict: 'approve' },
    ])
    await poll(() => reviewCount(page)).toBe(1)

    // Every shortcut in the help overlay.
    await page.locator('[data-testid="review-queue"]').focus()
    await page.keyboard.press('?')
    const help = page.locator('[data-testid="review-help"]')
    await help.waitFor()
    expect(await help.locator('tr[data-action]').count()).toBe(12)
    await poll(() => help.innerText()).toContain('Alt+N')
    await page.screenshot({ path: join(artefacts, 'review-help.png') })
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })
  }, 120_000)

  it('adjudicates two blind versions word by word: the approved revision has both parents and the agreement dashboard updates', async () => {
    // The lead sends half of the utterances to two annotators.
    await page.keyboard.press('Alt+g')
    const adjudicated = page.locator('[data-testid="agreement-adjudicated"]')
    await adjudicated.waitFor()
    expect(await adjudicated.getAttribute('data-value')).toBe('0')
    await page.locator('[data-testid="settings-double-share"]').fill('50')
    await page.locator('[data-testid="settings-save"]').click()
    await poll(
      () =>
        query<{ value: string }>("SELECT value FROM project_meta WHERE key = 'review'")[0]?.value ??
        '',
    ).toContain('"doubleAnnotationShare":0.5')
    // A Swahili utterance in the sample that no annotator has touched.
    const candidates = query<{ id: number }>(
      `SELECT u.id FROM utterance u WHERE u.status = 'pseudo' AND u.merged_into IS NULL
         AND u.language = 'sw' AND NOT EXISTS (
           SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.source_kind = 'annotator')
       ORDER BY u.id`,
    ).filter((u) => inSample(u.id, 0.5, 0, 'double'))
    expect(candidates.length).toBeGreaterThan(0)
    const id = candidates[0]!.id

    // Annotator A: Amina.
    await page.locator('[data-testid="nav-annotate"]').click()
    await page.locator('[data-testid="editor"]').waitFor()
    await switchProfile(page, 'Amina')
    await page.goto(`${served.url}/#/annotate/${id}`)
    const field = page.locator('[data-testid="transcript"]')
    await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
    const base = await field.inputValue()
    const aText = 'leo tunakwenda sokoni asubuhi na mama'
    const bText = 'leo tulikwenda soko asubuhi ya mama'
    await field.fill(aText)
    await page.keyboard.press('Control+Enter')
    const finished = (who: string): Promise<string[]> =>
      Promise.resolve(
        query<{ text: string }>(
          `SELECT v.text FROM revision v JOIN annotator a ON a.id = v.annotator_id
           WHERE v.utterance_id = ? AND a.name = ? AND v.draft = 0`,
          id,
          who,
        ).map((r) => r.text),
      )
    await poll(() => finished('Amina')).toEqual([aText])
    // Amina, coming back to it, sees her own version.
    await poll(() => editorId(page)).not.toBe(id)
    await page.goto(`${served.url}/#/annotate/${id}`)
    await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
    await poll(() => field.inputValue()).toBe(aText)

    // Annotator B: Baraka, who must not see Amina's version.
    await switchProfile(page, 'Baraka')
    await page.goto(`${served.url}/#/annotate/${id}`)
    await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
    await poll(() => field.inputValue()).toBe(base)
    expect(await field.inputValue()).not.toContain('tunakwenda')
    const row = page.locator(`[data-testid="queue-row"][data-id="${id}"]`)
    if (await row.count()) expect(await row.innerText()).not.toContain('tunakwenda')
    await page.screenshot({ path: join(artefacts, 'review-blind-second.png') })
    await field.fill(bText)
    await page.keyboard.press('Control+Enter')
    await poll(() => finished('Baraka')).toEqual([bText])
    const amina = profileId('Amina')
    const baraka = profileId('Baraka')
    const versions = query<{ id: number; annotator_id: number; text: string }>(
      `SELECT id, annotator_id, text FROM revision WHERE utterance_id = ? AND draft = 0
         AND source_kind = 'annotator' ORDER BY id`,
      id,
    )
    expect(versions.map((v) => [v.annotator_id, v.text])).toEqual([
      [amina, aText],
      [baraka, bText],
    ])
    const [double] = query<{ first: number; second: number; wer: number }>(
      `SELECT first_annotator_id AS first, second_annotator_id AS second, agreement_wer AS wer
       FROM double_annotation WHERE utterance_id = ?`,
      id,
    )
    expect(double).toMatchObject({ first: amina, second: baraka })
    expect(double!.wer).toBeGreaterThan(0)

    // The reviewer finds it in the queue as a disagreement and opens the adjudication view.
    await page.locator('[data-testid="nav-review"]').click()
    await switchProfile(page, 'Zawadi')
    const queueRow = page.locator(`[data-testid="review-row"][data-id="${id}"]`)
    await queueRow.waitFor()
    expect(await queueRow.getAttribute('data-reason')).toBe('low_agreement')
    await poll(() => queueRow.innerText()).toMatch(/Annotators disagree · WER/i)
    await queueRow.click()
    const view = page.locator(`[data-testid="adjudication"][data-utterance="${id}"]`)
    await view.waitFor()
    await poll(() => view.locator('[data-testid="adjudication-a"]').innerText()).toBe(aText)
    await poll(() => view.locator('[data-testid="adjudication-b"]').innerText()).toBe(bText)
    await page.locator('[data-testid="review-queue"]').focus()
    // Enter moves into the view, onto the first position that needs a decision.
    await page.keyboard.press('Enter')
    const focusedColumn = (): Promise<{ a: string; b: string } | null> =>
      page.evaluate(() => {
        const el = document.activeElement
        return el?.getAttribute('data-testid') === 'adjudication-column'
          ? { a: el.getAttribute('data-a') ?? '', b: el.getAttribute('data-b') ?? '' }
          : null
      })
    await poll(focusedColumn).toEqual({ a: 'tunakwenda', b: 'tulikwenda' })
    // Arrow keys move between positions.
    await page.keyboard.press('ArrowLeft')
    await poll(focusedColumn).not.toEqual({ a: 'tunakwenda', b: 'tulikwenda' })
    await page.keyboard.press('ArrowRight')
    await poll(focusedColumn).toEqual({ a: 'tunakwenda', b: 'tulikwenda' })
    // 1: Amina's word; focus moves to the next open position. 2: Baraka's word there.
    await page.keyboard.press('1')
    await poll(focusedColumn).toEqual({ a: 'sokoni', b: 'soko' })
    await page.keyboard.press('2')
    await poll(focusedColumn).toEqual({ a: 'na', b: 'ya' })
    // E: the reviewer's own words for this position.
    await page.keyboard.press('e')
    const edit = page.locator('[data-testid="adjudication-edit"]')
    await poll(() => edit.evaluate((el) => el === document.activeElement)).toBe(true)
    await edit.fill('pamoja na')
    await page.keyboard.press('Enter')
    const expected = 'leo tunakwenda soko asubuhi pamoja na mama'
    await poll(async () =>
      (await view.locator('[data-testid="adjudication-preview"]').innerText())
        .replace(/\s+/g, ' ')
        .trim(),
    ).toBe(expected)
    await poll(() => view.locator('[data-testid="adjudication-open"]').innerText()).toMatch(
      /^Ready/,
    )
    await page.screenshot({ path: join(artefacts, 'review-adjudication.png') })
    await page.keyboard.press('Control+Enter')
    await view.waitFor({ state: 'detached' })

    const [merged] = query<{
      id: number
      text: string
      annotator_id: number
      parent_id: number
      merge_parent_id: number
      draft: number
    }>(
      `SELECT id, text, annotator_id, parent_id, merge_parent_id, draft FROM revision
       WHERE utterance_id = ? ORDER BY id DESC LIMIT 1`,
      id,
    )
    expect(merged).toMatchObject({ text: expected, annotator_id: profileId('Zawadi'), draft: 0 })
    expect([merged!.parent_id, merged!.merge_parent_id].sort((a, b) => a - b)).toEqual(
      versions.map((v) => v.id),
    )
    expect(query('SELECT verdict FROM review WHERE revision_id = ?', merged!.id)).toEqual([
      { verdict: 'approve' },
    ])
    expect(
      query<{ status: string; adjudicated: number }>(
        `SELECT u.status, d.adjudicated_revision_id AS adjudicated FROM utterance u
         JOIN double_annotation d ON d.utterance_id = u.id WHERE u.id = ?`,
        id,
      ),
    ).toEqual([{ status: 'reviewed', adjudicated: merged!.id }])

    // The dashboard: one adjudicated, none pending, each annotator measured against the result.
    await page.keyboard.press('Alt+g')
    await poll(() => adjudicated.getAttribute('data-value')).toBe('1')
    expect(await page.locator('[data-testid="agreement-pending"]').getAttribute('data-value')).toBe(
      '0',
    )
    const pair = page.locator('[data-testid="agreement-pair"]')
    await poll(() => pair.count()).toBe(1)
    await poll(() => pair.innerText()).toMatch(/Amina\s+Baraka\s+1\s+1\s+50\.0 %/)
    for (const name of ['Amina', 'Baraka'])
      await poll(() =>
        page
          .locator(`[data-testid="agreement-annotator"][data-name="${name}"]`)
          .locator('[data-testid="agreement-vs-adjudicated"]')
          .innerText(),
      ).toMatch(/^\d+\.\d %$/)
    await page.locator('[data-testid="agreement-chart"] svg').waitFor()
    await page.screenshot({ path: join(artefacts, 'review-agreement.png'), fullPage: true })
    await page.keyboard.press('Alt+g')
  }, 120_000)

  it('opens the quality report in a sandboxed frame, with its charts', async () => {
    await page.keyboard.press('Alt+o')
    const dialog = page.locator('[data-testid="review-report"]')
    await dialog.waitFor()
    const iframe = dialog.locator('[data-testid="report-frame"]')
    await iframe.waitFor({ timeout: 60_000 })
    expect(await iframe.getAttribute('sandbox')).toBe('')
    const report = page.frameLocator('[data-testid="report-frame"]')
    await report.locator('svg').first().waitFor({ timeout: 30_000 })
    expect(await report.locator('svg').count()).toBeGreaterThan(1)
    // The reviewer's decisions of this session are in it.
    await poll(() => report.locator('body').innerText()).toContain('Zawadi')
    await page.screenshot({ path: join(artefacts, 'review-report.png') })
    await report.locator('svg').first().scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(artefacts, 'review-report-chart.png') })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
  }, 120_000)
})

describe('code-switching hints in the editor', () => {
  it("shows each word's script, suggests languages once enough words are tagged (applied only on request), and reads Devanagari romanised", async () => {
    await page.locator('[data-testid="nav-annotate"]').click()
    await page.locator('[data-testid="editor"]').waitFor()
    await switchProfile(page, 'Amina')
    await page.locator('[data-testid="filter-language"]').selectOption('hi-en')
    const rows = page.locator('[data-testid="queue-row"]')
    await poll(() => rows.allInnerTexts()).not.toHaveLength(0)
    // A code-switched sentence that starts with an English word.
    const texts = await rows.locator('.queue-text').allInnerTexts()
    const first = texts.findIndex((t) => /^[A-Za-z]/.test(t))
    expect(first).toBeGreaterThanOrEqual(0)
    const id = Number(await rows.nth(first).getAttribute('data-id'))
    await rows.nth(first).click()
    await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
    const field = page.locator('[data-testid="transcript"]')
    const words = (await field.inputValue()).split(/\s+/).filter(Boolean)

    // Each word with its script (the sentence mixes Devanagari and Latin).
    const hints = page.locator('[data-testid="hint-word"]')
    await poll(() => hints.count()).toBe(words.length)
    const scripts = await hints.evaluateAll((els) => els.map((e) => e.getAttribute('data-script')))
    expect(scripts[0]).toBe('Latin')
    expect(scripts).toContain('Devanagari')
    // Nothing is tagged yet, so there is nothing to suggest from.
    expect(await page.locator('[data-testid="hint-suggestion"]').count()).toBe(0)

    // Show romanised: the Devanagari read in Latin letters (the danda is punctuation and stays),
    // the English words as they are.
    await page.locator('[data-testid="show-romanised"]').check()
    const romanised = page.locator('[data-testid="romanised"]')
    await poll(() => romanised.innerText()).toMatch(new RegExp(`^${words[0]} `))
    expect(await romanised.innerText()).not.toMatch(/[\u0900-\u0963\u0966-\u097F]/)

    // Tag the first word English (Alt+T) and save: the project's identifier learns from it.
    await field.focus()
    await page.keyboard.press('Control+Home')
    await page.keyboard.press('Alt+t')
    const menu = page.locator('[data-testid="language-menu"]')
    await menu.waitFor()
    const labels = await menu.locator('button').allInnerTexts()
    await page.keyboard.press(String(labels.findIndex((l) => /\ben$/.test(l.trim())) + 1))
    await menu.waitFor({ state: 'detached' })
    await page.keyboard.press('Control+Enter')
    await poll(() => editorId(page)).not.toBe(id)

    // The next code-switched sentence: one tagged word is not enough to suggest anything, and
    // the rest of that sentence ("hi-en", a mix) taught no language.
    const next = await editorId(page)
    const suggestions = page.locator('[data-testid="hint-suggestion"]')
    await poll(() => page.locator('[data-testid="hint-word"]').count()).toBeGreaterThan(0)
    expect(await suggestions.count()).toBe(0)

    // Other code-switched sentences tagged word by word (Devanagari Hindi, Latin English) give
    // the identifier each language's script: now every untagged word gets a suggestion.
    const amina = profileId('Amina')
    const others = query<{ id: number; head: number; text: string }>(
      `SELECT u.id, v.id AS head, v.text FROM utterance u
       JOIN revision v ON v.id = (SELECT max(id) FROM revision WHERE utterance_id = u.id)
       WHERE u.language = 'hi-en' AND u.id NOT IN (?, ?) ORDER BY u.id`,
      id,
      next,
    )
    expect(others.length).toBeGreaterThan(3)
    for (const o of others) {
      const spans = o.text
        .split(/\s+/)
        .filter(Boolean)
        .map((w, i) => ({ start: i, end: i + 1, lang: /[\u0900-\u097F]/.test(w) ? 'hi' : 'en' }))
      const saved = await fetch(`${served.url}/api/utterance.save`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
        body: JSON.stringify({
          id: o.id,
          actorId: amina,
          baseRevisionId: o.head,
          text: o.text,
          spans,
        }),
      })
      expect(saved.status).toBe(200)
    }
    await page.reload()
    await page.locator(`[data-testid="editor"][data-utterance="${next}"]`).waitFor()
    await poll(() => suggestions.count()).toBe(
      (await field.inputValue()).split(/\s+/).filter(Boolean).length,
    )
    const offered = await suggestions.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-lang')),
    )
    expect(new Set(offered)).toEqual(new Set(['hi', 'en']))
    await poll(() => page.locator('[data-testid="span-legend"]').count()).toBe(0)
    await page.screenshot({ path: join(artefacts, 'workspace-hints.png') })
    // A click accepts one word's suggestion: the word is tagged in the editor.
    const lang = (await suggestions.first().getAttribute('data-lang'))!
    const before = await suggestions.count()
    await suggestions.first().click()
    await poll(() => suggestions.count()).toBe(before - 1)
    await poll(() => page.locator('[data-testid="span-legend"]').allInnerTexts()).toContain(lang)
    // Alt+G accepts the rest; the autosaved draft carries the spans.
    await page.keyboard.press('Alt+g')
    await poll(() => suggestions.count()).toBe(0)
    const nextWords = (await field.inputValue()).split(/\s+/).filter(Boolean).length
    await poll(() => {
      const [draft] = query<{ spans: string }>(
        'SELECT spans FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1',
        next,
      )
      const spans = JSON.parse(draft?.spans ?? '[]') as { start: number; end: number }[]
      return spans.reduce((n, s) => n + s.end - s.start, 0)
    }).toBe(nextWords)
  }, 120_000)
})
