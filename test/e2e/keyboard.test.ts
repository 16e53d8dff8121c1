import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { callApi, type Served } from '../support/serve'
import { poll } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/**
 * Every screen by keyboard only, as someone who cannot or will not use a mouse: from the queue
 * into the transcript, the review keys from anywhere on the review screen, a reason for every
 * key that does nothing, and a focus ring that can be seen (3:1) wherever the focus goes.
 */
const suite = demoSuite('keys')
const { query } = suite

let served: Served
let page: Page
/** The utterance two blind versions disagree on (set up through the API, as two annotators would). */
let disputed: number

const api = <T>(method: string, input: unknown): Promise<T> => callApi<T>(served, method, input)

async function annotate(name: string, id: number, text: string): Promise<void> {
  const { id: actorId } = await api<{ id: number }>('annotator.create', { name, languages: ['sw'] })
  const detail = await api<{ head: { id: number } | null }>('utterance.get', { id, actorId })
  await api('utterance.save', { id, actorId, baseRevisionId: detail.head?.id ?? null, text })
}

const focusedTestid = (p: Page): Promise<string | null> =>
  p.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null)

function rgb(css: string): [number, number, number, number] {
  const [r = 0, g = 0, b = 0, a = 1] = (css.match(/[\d.]+/g) ?? []).map(Number)
  return [r, g, b, a]
}
function luminance([r, g, b]: number[]): number {
  const f = (c: number): number => {
    const s = c / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!)
}
function contrast(a: string, b: string): number {
  const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p)
  return (x! + 0.05) / (y! + 0.05)
}

/** The focused element's ring and what it is drawn on (the nearest opaque background around it). */
function ringOf(p: Page) {
  return p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el || el === document.body) return null
    const style = getComputedStyle(el)
    let background = 'rgb(255, 255, 255)'
    for (let up = el.parentElement; up; up = up.parentElement) {
      const bg = getComputedStyle(up).backgroundColor
      const alpha = Number((bg.match(/[\d.]+/g) ?? [])[3] ?? 1)
      if (bg !== 'transparent' && alpha === 1) {
        background = bg
        break
      }
    }
    const name =
      el.getAttribute('data-testid') ??
      `${el.tagName.toLowerCase()}.${el.className}<${el.parentElement?.className}:${(el.textContent ?? '').trim().slice(0, 24)}`
    return {
      name,
      outline: style.outlineStyle,
      width: parseFloat(style.outlineWidth),
      color: style.outlineColor,
      background,
    }
  })
}

/**
 * Tabs through the screen from its top, checking the ring on every stop; returns the stops.
 * Stops on `until` (a data-testid) when given.
 */
async function walk(p: Page, tabs: number, until?: string): Promise<string[]> {
  // Tab from the top of the page: the body takes the focus for a moment, as after a page load.
  await p.evaluate(() => {
    document.body.tabIndex = -1
    document.body.focus()
    document.body.removeAttribute('tabindex')
  })
  const stops: string[] = []
  const weak: string[] = []
  for (let i = 0; i < tabs; i++) {
    await p.keyboard.press('Tab')
    const ring = await ringOf(p)
    if (!ring) continue
    stops.push(ring.name)
    const ratio = contrast(ring.color, ring.background)
    if (ring.outline === 'none' || ring.width < 2 || ratio < 3)
      weak.push(
        `${ring.name}: ${ring.outline} ${ring.width}px ${ring.color} on ${ring.background} (${ratio.toFixed(2)}:1)`,
      )
    if (ring.name === until) break
  }
  expect(weak).toEqual([])
  return stops
}

/**
 * Goes to a screen through the header, by keyboard. A screen that has just loaded may move the
 * focus itself (the review screen puts it in its queue), so a walk it cut short is walked again.
 */
async function goTo(p: Page, screen: string): Promise<void> {
  const current = p.locator(`[data-testid="nav-${screen}"]`)
  for (let attempt = 0; attempt < 3; attempt++) {
    const stops = await walk(p, 30, `nav-${screen}`)
    expect(stops).toContain(`nav-${screen}`)
    await p.keyboard.press('Enter')
    const arrived = await expect
      .poll(() => current.getAttribute('aria-current'), { timeout: 3000 })
      .toBe('page')
      .then(
        () => true,
        () => false,
      )
    if (arrived) return
  }
  throw new Error(`the header did not take the keyboard to ${screen}`)
}

beforeAll(async () => {
  ;({ served, page } = await suite.open({ viewport: { width: 1280, height: 720 } }))
  // Every utterance goes to two annotators; two of them disagree on one word of a Swahili one.
  await api('review.updateSettings', { doubleAnnotationShare: 1 })
  disputed = query<{ id: number }>(
    `SELECT u.id FROM utterance u WHERE u.status = 'pseudo' AND u.language = 'sw'
       AND u.merged_into IS NULL ORDER BY u.id LIMIT 1`,
  )[0]!.id
  await annotate('Amina', disputed, 'leo tunakwenda sokoni')
  await annotate('Baraka', disputed, 'leo tulikwenda sokoni')
  await api('annotator.create', { name: 'Zawadi', role: 'reviewer', languages: ['sw', 'en'] })
}, 240_000)

describe('the screens by keyboard only', () => {
  it('annotates: a profile, the queue, Enter into the transcript, and a reason for each refused key', async () => {
    await page.goto(served.openUrl)
    const dialog = page.locator('[data-testid="annotator-dialog"]')
    await dialog.waitFor()
    // Tab to the reviewer's profile among those there.
    for (let i = 0; i < 10 && (await focusedTestid(page)) !== 'profile-Zawadi'; i++)
      await page.keyboard.press('Tab')
    expect(await focusedTestid(page)).toBe('profile-Zawadi')
    await page.keyboard.press('Enter')
    await dialog.waitFor({ state: 'detached' })
    await page.locator('[data-testid="editor"]').waitFor()
    // Every decision announces its key to a screen reader (WAI-ARIA spells Ctrl "Control").
    const keysOf = (testid: string): Promise<string | null> =>
      page.locator(`[data-testid="${testid}"]`).getAttribute('aria-keyshortcuts')
    expect(await keysOf('save-next')).toBe('Control+Enter Meta+Enter')
    expect(await keysOf('accept-next')).toBe('Control+Shift+Enter Meta+Shift+Enter')
    expect(await keysOf('skip-next')).toBe('Alt+S')
    expect(await keysOf('flag')).toBe('Alt+F')

    // The queue, a row down, Enter: the keyboard is in that row's transcript.
    await page.keyboard.press('Alt+q')
    await poll(() => focusedTestid(page)).toBe('queue-list')
    const current = page.locator('[data-testid="queue-row"][aria-selected="true"]')
    await current.waitFor()
    const readRows = (): Promise<(string | null)[][]> =>
      page
        .locator('[data-testid="queue-row"]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-id'), e.getAttribute('aria-selected')]),
        )
    // The list as it settles for this profile (blind double annotation: its own versions).
    let rows = await readRows()
    for (let settled = false; !settled;) {
      await page.waitForTimeout(700)
      const again = await readRows()
      settled = JSON.stringify(again) === JSON.stringify(rows)
      rows = again
    }
    const below = Number(rows[rows.findIndex(([, selected]) => selected === 'true') + 1]![0])
    // Enter at once after the arrow: it acts on the row the arrow moved to.
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await poll(() => focusedTestid(page)).toBe('transcript')
    expect(
      Number(await page.locator('[data-testid="editor"]').getAttribute('data-utterance')),
    ).toBe(below)

    // Keys that cannot do anything say why.
    const refusal = page.locator('[data-testid="editor-action-error"]')
    await page.keyboard.press('Control+a')
    await page.keyboard.press('Delete')
    await page.keyboard.press('Alt+g')
    await poll(() => refusal.innerText()).toMatch(/No language suggestions to accept/)
    await page.keyboard.press('Alt+t')
    await poll(() => refusal.innerText()).toMatch(/No word to tag: put the cursor in a word/)
    // With no selection, the language menu names the word at the cursor it will tag.
    await page.keyboard.type('habari yako')
    await page.keyboard.press('ArrowLeft')
    await page.keyboard.press('Alt+t')
    const menu = page.locator('[data-testid="language-menu"]')
    await poll(() => menu.locator('.choice-title').innerText()).toBe(
      'Language of “yako”, the word at the cursor',
    )
    await page.keyboard.press('Escape')
    await page.keyboard.press('Control+a')
    await page.keyboard.press('Alt+t')
    await poll(() => menu.locator('.choice-title').innerText()).toBe(
      'Language of the 2 selected words “habari yako”',
    )
    await page.keyboard.press('Escape')
    await menu.waitFor({ state: 'detached' })
  })

  it('reviews: picks and Ctrl+Enter work from the queue, and Alt+A on a disagreement says why not', async () => {
    await goTo(page, 'review')
    const queueList = page.locator('[data-testid="review-queue"]')
    await poll(() => focusedTestid(page)).toBe('review-queue')
    // Down the queue by arrows to the disagreement.
    const view = page.locator(`[data-testid="adjudication"][data-utterance="${disputed}"]`)
    await page.keyboard.press('Home')
    for (let i = 0; i < 30 && !(await view.count()); i++) {
      await page.keyboard.press('ArrowDown')
      await page.waitForTimeout(200)
    }
    await view.waitFor()
    await queueList.focus()
    // Alt+A: no single version to approve; the screen says what to do instead.
    await page.keyboard.press('Alt+a')
    await poll(() => page.locator('[data-testid="review-notice"]').innerText()).toMatch(
      /Two blind versions disagree here.*Ctrl\+Enter/,
    )
    // 1 from the queue takes Amina's word for the open position; Ctrl+Enter resolves.
    expect(await focusedTestid(page)).toBe('review-queue')
    await page.keyboard.press('1')
    await poll(() => view.locator('[data-testid="adjudication-preview"]').innerText()).toBe(
      'leo tunakwenda sokoni',
    )
    await page.locator('[data-testid="review-queue"]').focus()
    await page.keyboard.press('Control+Enter')
    await poll(
      () =>
        query<{ status: string }>('SELECT status FROM utterance WHERE id = ?', disputed)[0]!.status,
    ).toBe('reviewed')
  })

  it('shows a focus ring of at least 3:1 on every stop of every screen, the dark header included', async () => {
    for (const screen of ['annotate', 'recordings', 'model', 'speakers', 'review']) {
      await goTo(page, screen)
      const stops = await walk(page, 45)
      expect(stops.length, screen).toBeGreaterThan(10)
      // A screen reader reads a cell with its column's heading only where the heading says so.
      const unscoped = await page
        .locator('thead th:not([scope])')
        .evaluateAll((ths) => ths.map((th) => th.textContent?.trim() ?? ''))
      expect(unscoped, screen).toEqual([])
    }
  })
})
