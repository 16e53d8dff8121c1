import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { callApi, type Served } from '../support/serve'
import { poll, useProfile } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/**
 * The word tier at 1280×720, as someone coming from Praat or ELAN uses it: a boundary dragged
 * with the pointer and one moved with the arrow keys are saved with the revision, kept after a
 * reload, and exported to ELAN and Praat files that Praat (and an XML parser, for ELAN) read back
 * with their tiers; the project's own tiers written in the editor are exported beside them.
 */
const { artefacts, query, open } = demoSuite('tiers')

let served: Served
let page: Page
let target: { id: number; words: number }

interface Stored {
  word: string
  start: number
  end: number
}

const newest = (id: number): { word_times: string | null; draft: number; annotator: string }[] =>
  query(
    `SELECT v.word_times, v.draft, a.name AS annotator FROM revision v
     JOIN annotator a ON a.id = v.annotator_id WHERE v.utterance_id = ? ORDER BY v.id DESC LIMIT 1`,
    id,
  )

const shownWords = (p: Page): Promise<Stored[]> =>
  p.locator('[data-testid="tier-word"]').evaluateAll((els) =>
    els.map((e) => ({
      word: e.textContent ?? '',
      start: Number(e.getAttribute('data-start')),
      end: Number(e.getAttribute('data-end')),
    })),
  )

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(served, method, input)

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 } }))
  // English, imported with its transcript: the starter model spells it, so it can be aligned.
  const [found] = query<{ id: number; text: string }>(
    `SELECT u.id, v.text FROM utterance u
     JOIN revision v ON v.id = (SELECT max(id) FROM revision WHERE utterance_id = u.id)
     WHERE u.merged_into IS NULL AND u.language = 'en' ORDER BY u.id LIMIT 1`,
  )
  target = { id: found!.id, words: found!.text.split(/\s+/u).filter(Boolean).length }
  await page.goto(served.openUrl)
  await useProfile(page, 'Zawadi', 'lead')
  await page.goto(`${served.url}/#/annotate/${target.id}`)
  await page.locator(`[data-testid="editor"][data-utterance="${target.id}"]`).waitFor()
}, 240_000)

describe('the word tier', () => {
  it('shows the words of the transcript at their times, aligned to the audio in the worker', async () => {
    await poll(() => page.locator('[data-testid="tier-word"]').count()).toBe(target.words)
    expect(await page.locator('[data-testid="word-tier"]').getAttribute('aria-label')).toMatch(
      /aligned/,
    )
    expect(query('SELECT count(*) AS n FROM word_alignment')).toEqual([{ n: 1 }])
    const words = await shownWords(page)
    for (const [i, w] of words.entries()) {
      expect(w.end).toBeGreaterThanOrEqual(w.start)
      if (i > 0) expect(w.start).toBeGreaterThanOrEqual(words[i - 1]!.end - 0.001)
    }
    await page.screenshot({ path: join(artefacts, 'tiers-1280x720.png') })
  })

  it('saves a dragged boundary with the revision, in the time from release to saved', async () => {
    const before = await shownWords(page)
    // The first word's end, dragged to the middle of the word.
    const first = (await page.locator('[data-testid="tier-word"]').first().boundingBox())!
    const edge = page.locator('[data-testid="tier-boundary"]').nth(1)
    const box = (await edge.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    await page.mouse.down()
    await page.mouse.move(first.x + first.width / 2, box.y + box.height / 2, { steps: 5 })
    await page.mouse.up()
    await poll(() => newest(target.id)[0]?.word_times ?? null).not.toBeNull()
    // The row can be written before the page has the answer that marks the save.
    await poll(() =>
      page.evaluate(() => performance.getEntriesByName('sauti:words-saved').length),
    ).toBe(1)
    const ms = await page.evaluate(() => {
      const released = performance.getEntriesByName('sauti:words-released')[0]!
      const saved = performance.getEntriesByName('sauti:words-saved')[0]!
      return saved.startTime - released.startTime
    })
    writeFileSync(join(artefacts, 'tier-drag-to-saved.txt'), `${ms.toFixed(0)} ms\n`)
    const stored = JSON.parse(newest(target.id)[0]!.word_times!) as Stored[]
    expect(newest(target.id)[0]!.annotator).toBe('Zawadi')
    const middle = (before[0]!.start + before[0]!.end) / 2
    expect(stored[0]!.end).toBeCloseTo(middle, 1)
    expect(stored[0]!.end).toBeLessThan(before[0]!.end)
    expect(stored.slice(1)).toEqual(
      before.slice(1).map((w) => ({
        word: w.word,
        start: expect.closeTo(w.start, 2) as number,
        end: expect.closeTo(w.end, 2) as number,
      })),
    )
  })

  it('moves a focused boundary with the arrow keys, and keeps both moves after a reload', async () => {
    const before = JSON.parse(newest(target.id)[0]!.word_times!) as Stored[]
    // The start of the second word: room to move right, up to its end.
    const edge = page.locator('[data-testid="tier-boundary"]').nth(2)
    await edge.focus()
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await poll(
      () => (JSON.parse(newest(target.id)[0]!.word_times!) as Stored[])[1]!.start,
    ).toBeCloseTo(Math.min(before[1]!.start + 0.02, before[1]!.end), 3)

    const saved = JSON.parse(newest(target.id)[0]!.word_times!) as Stored[]
    await page.reload()
    await page.locator(`[data-testid="editor"][data-utterance="${target.id}"]`).waitFor()
    await poll(() => page.locator('[data-testid="tier-word"]').count()).toBe(target.words)
    const shown = await shownWords(page)
    expect(shown.map((w) => [w.start, w.end])).toEqual(
      saved.map((w) => [expect.closeTo(w.start, 3), expect.closeTo(w.end, 3)]),
    )
    await expect
      .poll(() => page.locator('[data-testid="word-tier"]').getAttribute('aria-label'))
      .toMatch(/Zawadi/)
  })

  it("shows the project's own tiers under the words: a lead adds them, an annotator writes them", async () => {
    await page.goto(`${served.url}/#/recordings`)
    const panel = page.locator('[data-testid="project-tiers"]')
    await panel.locator('summary').click()
    for (const [i, [name, kind]] of (
      [
        ['Translation', 'utterance'],
        ['Gloss', 'time'],
      ] as const
    ).entries()) {
      await panel.locator('[data-testid="tier-name"]').fill(name)
      await panel.locator('[data-testid="tier-kind"]').selectOption(kind)
      await panel.locator('[data-testid="tier-add"]').click()
      // The form clears its name when the tier is added: typing the next one sooner is lost.
      await poll(() => panel.locator('[data-testid="project-tier"]').count()).toBe(i + 1)
    }
    // A second tier of the same name is refused, and says why in the interface's language.
    await page.locator('[data-testid="language"]').selectOption('sw')
    await panel.locator('[data-testid="tier-name"]').fill('gloss')
    await panel.locator('[data-testid="tier-add"]').click()
    await poll(() => panel.locator('[role="alert"]').innerText()).toBe(
      'mradi una tabaka linaloitwa "gloss" tayari',
    )
    await page.screenshot({ path: join(artefacts, 'tiers-refused-sw.png') })
    await page.locator('[data-testid="language"]').selectOption('en')
    expect(await panel.locator('[data-testid="project-tier"]').count()).toBe(2)

    await page.goto(`${served.url}/#/annotate/${target.id}`)
    // In a 720-pixel window they start folded to a line that names them; opened, they stay open.
    const toggle = page.locator('[data-testid="project-tiers-toggle"]')
    await poll(() => toggle.innerText()).toMatch(/Translation · Gloss/)
    await toggle.click()
    // Each tier's name is above its field, never over what is typed in it.
    for (const [name, field] of [
      ['Translation', 'tier-text'],
      ['Gloss', 'tier-cell'],
    ]) {
      const tier = page.locator(`[data-testid="tier-${name}"]`)
      const caption = (await tier.locator('[data-testid="tier-caption"]').boundingBox())!
      const below = (await tier.locator(`[data-testid="${field}"]`).first().boundingBox())!
      expect(await tier.locator('[data-testid="tier-caption"]').innerText()).toBe(name)
      expect(below.y, name).toBeGreaterThanOrEqual(caption.y + caption.height)
    }
    const translation = page.locator('[data-testid="tier-Translation"] [data-testid="tier-text"]')
    await translation.fill('Habari za asubuhi')
    await translation.press('Enter')
    // The gloss starts cut at the words' boundaries.
    const cells = page.locator('[data-testid="tier-Gloss"] [data-testid="tier-cell"]')
    await poll(() => cells.count()).toBe(target.words)
    await cells.first().fill('good')
    await cells.first().press('Enter')
    await cells.nth(1).fill('morning')
    await cells.nth(1).press('Enter')
    await poll(() => query('SELECT count(*) AS n FROM tier_text')).toEqual([{ n: 3 }])
    await page.screenshot({ path: join(artefacts, 'tiers-user-1280x720.png') })
    await page.reload()
    await expect.poll(() => translation.inputValue()).toBe('Habari za asubuhi')
    await expect.poll(() => cells.first().inputValue()).toBe('good')
    expect(await cells.nth(1).inputValue()).toBe('morning')
    expect(await cells.count()).toBe(target.words)
  })

  it("exports the word tier and the project's tiers to ELAN and Praat, and Praat reads them", async () => {
    await page.locator('[data-testid="save-next"]').click()
    await poll(() => newest(target.id)[0]?.draft).toBe(0)
    const { id: actorId } = await api<{ id: number }>('annotator.create', {
      name: 'Export lead',
      role: 'lead',
    })
    const dir = join(mkdtempSync(join(tmpdir(), 'sauti-tiers-export-')), 'out')
    const { jobId } = await api<{ jobId: string }>('export.start', {
      actorId,
      use: 'research_release',
      dir,
      formats: ['eaf', 'textgrid'],
      audio: 'originals',
    })
    await expect
      .poll(
        async () =>
          (await api<{ id: string; status: string }[]>('job.list', {})).find((j) => j.id === jobId)
            ?.status,
        { timeout: 60_000 },
      )
      .toBe('done')
    const saved = JSON.parse(newest(target.id)[0]!.word_times!) as Stored[]

    const grids = readdirSync(join(dir, 'textgrid')).filter((f) => f.endsWith('.TextGrid'))
    const grid = grids
      .map((f) => join(dir, 'textgrid', f))
      .find((f) => readFileSync(f, 'utf8').includes(`"${saved[0]!.word}"`))!
    const script = join(dir, 'tiers.praat')
    writeFileSync(
      script,
      [
        `grid = Read from file: "${grid}"`,
        'n = Get number of tiers',
        'writeInfoLine: n',
        'for i to n',
        '  name$ = Get tier name: i',
        '  intervals = Get number of intervals: i',
        '  labels$ = ""',
        '  for j to intervals',
        '    label$ = Get label of interval: i, j',
        '    if label$ <> ""',
        '      labels$ = labels$ + "|" + label$',
        '    endif',
        '  endfor',
        '  appendInfoLine: name$, tab$, intervals, tab$, labels$',
        'endfor',
        '',
      ].join('\n'),
    )
    const praat = execFileSync('praat', ['--run', script], { encoding: 'utf8' }).trim().split('\n')
    const rows = praat.slice(1).map((l) => l.split('\t'))
    const tiers = rows.map((r) => r[0]!)
    expect(Number(praat[0])).toBe(tiers.length)
    expect(tiers.some((name) => name.endsWith(' - words'))).toBe(true)
    // The project's tiers, under the speaker's tier, with the texts written in the editor.
    const labels = (suffix: string): string | undefined =>
      rows.find((r) => r[0]!.endsWith(suffix))?.[2]
    expect(labels(' - Translation')).toBe('|Habari za asubuhi')
    expect(labels(' - Gloss')).toBe('|good|morning')

    const eafs = readdirSync(join(dir, 'eaf')).filter((f) => f.endsWith('.eaf'))
    const eaf = eafs
      .map((f) => readFileSync(join(dir, 'eaf', f), 'utf8'))
      .find((text) => text.includes(`>${saved[0]!.word}<`))!
    // Chromium's XML parser, not ours: the file is well-formed and says what ELAN needs.
    const parsed = await page.evaluate((xml) => {
      const doc = new DOMParser().parseFromString(xml, 'application/xml')
      if (doc.querySelector('parsererror')) return null
      const slots = new Map(
        [...doc.querySelectorAll('TIME_SLOT')].map((s) => [
          s.getAttribute('TIME_SLOT_ID'),
          Number(s.getAttribute('TIME_VALUE')),
        ]),
      )
      const types = new Map(
        [...doc.querySelectorAll('LINGUISTIC_TYPE')].map((t) => [
          t.getAttribute('LINGUISTIC_TYPE_ID'),
          t.getAttribute('CONSTRAINTS'),
        ]),
      )
      return [...doc.querySelectorAll('TIER')].map((t) => ({
        id: t.getAttribute('TIER_ID'),
        parent: t.getAttribute('PARENT_REF'),
        constraint: types.get(t.getAttribute('LINGUISTIC_TYPE_REF')) ?? null,
        ids: [...t.querySelectorAll('ALIGNABLE_ANNOTATION')].map((a) =>
          a.getAttribute('ANNOTATION_ID'),
        ),
        words: [...t.querySelectorAll('ALIGNABLE_ANNOTATION')].map((a) => ({
          value: a.querySelector('ANNOTATION_VALUE')?.textContent ?? '',
          start: slots.get(a.getAttribute('TIME_SLOT_REF1')) ?? -1,
          end: slots.get(a.getAttribute('TIME_SLOT_REF2')) ?? -1,
        })),
        refs: [...t.querySelectorAll('REF_ANNOTATION')].map((a) => ({
          value: a.querySelector('ANNOTATION_VALUE')?.textContent ?? '',
          parent: a.getAttribute('ANNOTATION_REF'),
        })),
      }))
    }, eaf)
    expect(parsed).not.toBeNull()
    const words = parsed!.find((t) => t.id?.endsWith(' - words'))!
    expect(words.parent).toBeTruthy()
    expect(words.constraint).toBe('Included_In')
    const first = words.words.find((w) => w.value === saved[0]!.word)!
    expect(first.end).toBe(Math.round(saved[0]!.end * 1000))

    // The translation is associated with its utterance; the gloss has times of its own inside it.
    const translation = parsed!.find((t) => t.id?.endsWith(' - Translation'))!
    expect(translation.constraint).toBe('Symbolic_Association')
    const speakerTier = parsed!.find((t) => t.id === translation.parent)!
    expect(translation.refs).toEqual([
      { value: 'Habari za asubuhi', parent: expect.stringMatching(/^a\d+$/) as string },
    ])
    expect(speakerTier.ids).toContain(translation.refs[0]!.parent)
    const gloss = parsed!.find((t) => t.id?.endsWith(' - Gloss'))!
    expect([gloss.parent, gloss.constraint]).toEqual([translation.parent, 'Included_In'])
    expect(gloss.words.map((w) => w.value)).toEqual(['good', 'morning'])
  })
})
