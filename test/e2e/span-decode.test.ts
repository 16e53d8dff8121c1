import { join } from 'node:path'
import type { Locator, Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Served } from '../support/serve'
import { poll, useProfile } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/**
 * An annotator drags an edge of the utterance they are correcting, on the demo project as
 * `sauti serve` labels it with the bundled starter model: the model's guess for the old audio
 * goes, a short note says the new span is being decoded, and the N-best for the new span shows
 * without anyone running a labelling job.
 */
const { artefacts, query, open } = demoSuite('span-decode')

let served: Served
let page: Page
let target: { id: number }

interface Shown {
  id: number
  text: string
  start_sec: number
  end_sec: number
}

/** The hypothesis the utterance shows now, with the span it was decoded from. */
const shown = (): Shown | undefined =>
  query<Shown>(
    `SELECT h.id, h.text, h.start_sec, h.end_sec FROM utterance u JOIN hypothesis h ON h.id = u.hypothesis_id
     WHERE u.id = ?`,
    target.id,
  )[0]

const range = (p: Page): Promise<string | null> =>
  p.locator('[data-testid="editor"]').getAttribute('data-range')

/** An alternative's words as it reads, without those of the field it would remove. */
const alternativeText = (p: Page, rank: number): Promise<string> =>
  p.locator(`[data-testid="alternative-${rank}"] .alternative-text`).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement
    for (const removed of copy.querySelectorAll('del')) removed.remove()
    return (copy.textContent ?? '').replace(/\s+/gu, ' ').trim()
  })

/** Drags the open utterance's end edge on the waveform by `dx` pixels. */
async function dragEnd(p: Page, dx: number): Promise<void> {
  const handle = p.locator(
    '[data-testid="editor-waveform"] [part="region current"] [part~="region-handle-right"]',
  )
  const box = (await handle.boundingBox())!
  const y = box.y + box.height / 2
  await p.mouse.move(box.x + box.width / 2, y)
  await p.mouse.down()
  await p.mouse.move(box.x + box.width / 2 + dx, y, { steps: 8 })
  await p.mouse.up()
}

/**
 * Holds the server's answers to `utterance.decode` until the test releases them: the server
 * has decoded when an answer is held, and the page gets it only then.
 */
async function holdDecodes(p: Page): Promise<(() => Promise<void>)[]> {
  const held: (() => Promise<void>)[] = []
  await p.route('**/api/utterance.decode', async (route) => {
    const response = await route.fetch()
    held.push(() => route.fulfill({ response }))
  })
  return held
}

/** The span the editor shows, in seconds. */
async function editorSpan(p: Page, before: string): Promise<[number, number]> {
  await poll(() => range(p)).not.toBe(before)
  const [startSec, endSec] = (await range(p))!.split(' ').map(Number)
  return [startSec!, endSec!]
}

/** The note that says the new span is being decoded. */
const note = (p: Page): Locator => p.locator('[data-testid="span-decoding"]')

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 } }))
  // English: the starter model writes it, so its guess is an N-best to pick from.
  const [found] = query<{ id: number }>(
    `SELECT id FROM utterance WHERE merged_into IS NULL AND language = 'en' AND hypothesis_id IS NOT NULL
     ORDER BY id LIMIT 1`,
  )
  target = found!
  await page.goto(served.openUrl)
  await useProfile(page, 'Amina')
  await page.goto(`${served.url}/#/annotate/${target.id}`)
  await page.locator(`[data-testid="editor"][data-utterance="${target.id}"]`).waitFor()
  await page.locator('[data-testid="editor-waveform"][data-ready="true"]').waitFor()
}, 240_000)

describe('moving an edge of the utterance being corrected', () => {
  it('says the new span is being decoded, then shows the N-best decoded from it', async () => {
    const before = shown()!
    await page.locator('[data-testid="alternative-1"]').waitFor()
    const held = await holdDecodes(page)

    await dragEnd(page, -40)
    const [startSec, endSec] = await editorSpan(page, `${before.start_sec} ${before.end_sec}`)
    expect(endSec).toBeLessThan(before.end_sec)
    // The old guess went with the old audio; the new one is on its way.
    await poll(() => note(page).innerText()).toBe('Decoding the new span…')
    expect(await page.locator('[data-testid="alternative-1"]').count()).toBe(0)
    expect(await page.locator('[data-testid="accept-next"]').isEnabled()).toBe(false)
    await poll(() => held.length).toBe(1)
    await page.screenshot({ path: join(artefacts, 'span-decoding.png') })

    await held[0]!()
    // The guess is back, decoded from exactly the span the editor shows.
    const fresh = shown()!
    expect(fresh.id).not.toBe(before.id)
    expect([fresh.start_sec, fresh.end_sec]).toEqual([startSec, endSec])
    await poll(() => alternativeText(page, 1)).toBe(fresh.text)
    expect(await note(page).count()).toBe(0)
    // "Accept as is" has the new guess to accept again.
    expect(await page.locator('[data-testid="accept-next"]').isEnabled()).toBe(true)
    await page.screenshot({ path: join(artefacts, 'span-decoded.png') })
    await page.unroute('**/api/utterance.decode')
  })

  it('shows only the guess for the span it has now when the edge moves again and the annotator types meanwhile', async () => {
    const held = await holdDecodes(page)
    const before = shown()!
    await dragEnd(page, -30)
    const first = await editorSpan(page, `${before.start_sec} ${before.end_sec}`)
    await poll(() => held.length).toBe(1)
    // The first span is decoded; before its answer arrives the annotator types and drags again.
    await page.locator('[data-testid="transcript"]').focus()
    await page.keyboard.press('End')
    await page.keyboard.type(' leo')
    await dragEnd(page, -30)
    const second = await editorSpan(page, first.join(' '))
    await poll(() => held.length).toBe(2)

    // The late answer for the first span shows nothing: the note stays, no alternatives.
    await held[0]!()
    await page.waitForTimeout(300)
    expect(await note(page).isVisible()).toBe(true)
    expect(await page.locator('[data-testid="alternative-1"]').count()).toBe(0)
    await held[1]!()
    await poll(() => shown()?.end_sec).toBe(second[1])
    await poll(() => alternativeText(page, 1)).toBe(shown()!.text)
    // What the annotator typed stays in the field.
    expect(await page.locator('[data-testid="transcript"]').inputValue()).toMatch(/ leo$/)
    // What the first span read is kept, but only as history.
    expect(
      query(
        'SELECT count(*) AS n FROM hypothesis WHERE utterance_id = ? AND end_sec = ?',
        target.id,
        first[1],
      ),
    ).not.toEqual([{ n: 0 }])
    await page.unroute('**/api/utterance.decode')
  })

  it('says so in Kiswahili too', async () => {
    await page.locator('[data-testid="language"]').selectOption('sw')
    const held = await holdDecodes(page)
    const before = shown()!
    await dragEnd(page, -30)
    const [, endSec] = await editorSpan(page, `${before.start_sec} ${before.end_sec}`)
    await poll(() => note(page).innerText()).toBe('Modeli inasimbua kipande kwa mipaka yake mipya…')
    await poll(() => held.length).toBe(1)
    await page.screenshot({ path: join(artefacts, 'span-decoding-sw.png') })
    await held[0]!()
    await poll(() => shown()?.end_sec).toBe(endSec)
    await poll(() => alternativeText(page, 1)).toBe(shown()!.text)
    await page.unroute('**/api/utterance.decode')
    await page.locator('[data-testid="language"]').selectOption('en')
  })
})
