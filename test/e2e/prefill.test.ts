import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { formatFixtures } from '../support/fixtures'
import type { Served } from '../support/serve'
import { editorId, poll, useProfile } from '../support/screens'
import { demoSuite } from '../support/served-demo'

/**
 * Started empty (docs/ui.md): in a project where fixing doubtful guesses has cost more keys than
 * typing, an utterance whose hypothesis is predicted mostly wrong opens with an empty field and
 * the hypothesis beside it to read; Alt+U puts it in; what is typed from the empty field is
 * saved without the hypothesis as its source. At 1280×720.
 */
const { artefacts, dbPath, query, open } = demoSuite('prefill')

let served: Served
let page: Page
/** Utterances given a transcript hypothesis: two predicted mostly wrong, one predicted right. */
let doubtful: [number, number]
let confident: number
/** What the project's earlier corrections saved. */
const EARLIER = 'mimi ni wewe na yeye ni sisi kwa leo hapa tu sasa'

/** A model that writes Swahili text, its calibration, and one hypothesis per utterance. */
function giveHypotheses(rows: { id: number; text: string; confidence: number }[]): void {
  const db = new Database(dbPath)
  try {
    const model = Number(
      db
        .prepare(
          "INSERT INTO model (sha256, name, path, manifest, registered_at) VALUES (?, 'sw-chars', '/m', '{\"languages\":[\"sw\"]}', '2026-01-01')",
        )
        .run('c'.repeat(64)).lastInsertRowid,
    )
    const calibration = Number(
      db
        .prepare(
          `INSERT INTO calibration (model_id, status, method, parameters, dev_words, dev_utterances, message, fitted_at)
           VALUES (?, 'fitted', 'tsallisMin', '{}', 300, 30, 'fitted', '2026-01-01')`,
        )
        .run(model).lastInsertRowid,
    )
    for (const r of rows) {
      const words = r.text.split(' ')
      const h = db
        .prepare(
          `INSERT INTO hypothesis (utterance_id, model_id, rank, text, score, confidence, word_confidences, calibration_id,
                                   start_sec, end_sec, created_at)
           SELECT id, ?, 1, ?, -1, ?, ?, ?, start_sec, end_sec, '2026-01-01' FROM utterance WHERE id = ?`,
        )
        .run(
          model,
          r.text,
          r.confidence,
          JSON.stringify(words.map(() => r.confidence)),
          calibration,
          r.id,
        ).lastInsertRowid
      db.prepare('UPDATE utterance SET hypothesis_id = ?, confidence = ? WHERE id = ?').run(
        h,
        r.confidence,
        r.id,
      )
    }
  } finally {
    db.close()
  }
}

/** Clips brought in without transcripts: a folder with its manifest, imported as a user would. */
async function importUntranscribed(): Promise<number[]> {
  const folder = mkdtempSync(join(tmpdir(), 'sauti-prefill-'))
  const clips = ['s16.wav', 's24.wav', 's32.wav', 'u8.wav', 'f32.wav', 'f64.wav', 'clip.flac']
  clips.forEach((c, i) => copyFileSync(join(formatFixtures, c), join(folder, `soko-${i}.wav`)))
  writeFileSync(
    join(folder, 'manifest.tsv'),
    'path\ttranscript\tspeaker\tlanguage\n' +
      clips.map((_, i) => `soko-${i}.wav\t\tSPK-SW-01\tsw\n`).join(''),
  )
  const r = await fetch(`${served.url}/api/import.start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
    body: JSON.stringify({ paths: [folder] }),
  })
  expect(r.ok).toBe(true)
  const rows = () =>
    query<{ id: number }>(
      `SELECT min(u.id) AS id FROM utterance u JOIN recording r ON r.id = u.recording_id
       WHERE r.original_name LIKE 'soko-%' GROUP BY r.id ORDER BY r.original_name`,
    ).map((row) => row.id)
  // expect.poll belongs to tests; the import job is awaited here by hand.
  for (let waited = 0; rows().length < clips.length && waited < 30_000; waited += 250)
    await new Promise((resolve) => setTimeout(resolve, 250))
  return rows()
}

beforeAll(async () => {
  ;({ served, page } = await open({ viewport: { width: 1280, height: 720 }, labels: false }))
  const ids = await importUntranscribed()
  expect(ids).toHaveLength(7)
  doubtful = [ids[0]!, ids[1]!]
  confident = ids[2]!
  const earlier = ids.slice(3)
  giveHypotheses([
    { id: doubtful[0], text: 'xx xxx xxxxx xxxx', confidence: 0.15 },
    { id: doubtful[1], text: 'beya nyana imepa soko wiki', confidence: 0.2 },
    { id: confident, text: 'nataka kilo mbili za mchele na sukari kidogo', confidence: 0.95 },
    ...earlier.map((id) => ({ id, text: EARLIER.replace(/[a-z]/g, 'q'), confidence: 0.2 })),
  ])
  await page.goto(served.openUrl)
  await useProfile(page, 'Amina')
  // The project's history: four doubtful guesses, every word wrong, fixed into the transcript.
  const amina = query<{ id: number }>("SELECT id FROM annotator WHERE name = 'Amina'")[0]!.id
  for (const id of earlier) {
    const hypothesisId = query<{ h: number }>(
      'SELECT hypothesis_id AS h FROM utterance WHERE id = ?',
      id,
    )[0]!.h
    const r = await fetch(`${served.url}/api/utterance.save`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
      body: JSON.stringify({
        id,
        actorId: amina,
        baseRevisionId: null,
        hypothesisId,
        text: EARLIER,
        spans: [],
        draft: false,
        status: 'corrected',
      }),
    })
    expect(r.status).toBe(200)
  }
}, 240_000)

const openUtterance = async (id: number): Promise<void> => {
  await page.goto(`${served.url}/#/annotate/${id}`)
  await page.locator(`[data-testid="editor"][data-utterance="${id}"]`).waitFor()
}

const savedRevision = (id: number) =>
  query<{ text: string; hypothesis_id: number | null; status: string }>(
    `SELECT v.text, v.hypothesis_id, u.status FROM revision v JOIN utterance u ON u.id = v.utterance_id
     WHERE v.utterance_id = ? AND v.draft = 0 ORDER BY v.id DESC LIMIT 1`,
    id,
  )[0]

describe('starting empty where the model’s guess would cost more keys than typing', () => {
  it('saves what was typed into the empty field, with no hypothesis as its source', async () => {
    await openUtterance(doubtful[0])
    const field = page.locator('[data-testid="transcript"]')
    await page.locator('[data-testid="started-empty"]').waitFor()
    await field.focus()
    await page.keyboard.type('habari za asubuhi mama')
    // The guess stays in view while typing.
    await page.locator('[data-testid="started-empty"]').waitFor()
    await page.keyboard.press('Control+Enter')
    await poll(() => editorId(page)).not.toBe(doubtful[0])
    expect(savedRevision(doubtful[0])).toEqual({
      text: 'habari za asubuhi mama',
      hypothesis_id: null,
      status: 'corrected',
    })
  })

  it('opens empty with the guess shown beside the field, and Alt+U puts it in', async () => {
    await openUtterance(doubtful[1])
    const field = page.locator('[data-testid="transcript"]')
    const aside = page.locator('[data-testid="started-empty"]')
    await aside.waitFor()
    expect(await field.inputValue()).toBe('')
    expect(await aside.getAttribute('data-basis')).toBe('history')
    expect(await page.locator('[data-testid="started-empty-guess"]').innerText()).toBe(
      'beya nyana imepa soko wiki',
    )
    // One line above the field: the guess and its key; why the field is empty, under it.
    await expect.poll(() => aside.innerText()).toMatch(/Started empty.*Alt\+U/s)
    expect(await page.locator('[data-testid="started-empty-why"]').innerText()).toMatch(
      /more keys to fix/,
    )
    await page.screenshot({ path: join(artefacts, 'prefill-started-empty.png') })
    // The key is in the shortcuts' list.
    await page.locator('[data-testid="help-open"]').click()
    const help = page.locator('[data-testid="help-overlay"] [data-action="useGuess"]')
    await poll(() => help.innerText()).toMatch(/Use the model's guess.*Alt\+U/s)
    await page.keyboard.press('Escape')
    await help.waitFor({ state: 'detached' })

    await field.focus()
    await page.keyboard.press('Alt+U')
    await poll(() => field.inputValue()).toBe('beya nyana imepa soko wiki')
    await aside.waitFor({ state: 'detached' })
    // Fixed and saved: the revision was made from the guess.
    await page.keyboard.press('End')
    await page.keyboard.type(' hii')
    await page.keyboard.press('Control+Enter')
    await poll(() => editorId(page)).not.toBe(doubtful[1])
    const hypothesis = query<{ id: number }>(
      'SELECT hypothesis_id AS id FROM utterance WHERE id = ?',
      doubtful[1],
    )[0]!.id
    expect(savedRevision(doubtful[1])).toEqual({
      text: 'beya nyana imepa soko wiki hii',
      hypothesis_id: hypothesis,
      status: 'corrected',
    })
  })

  it('pre-fills a confident guess, says why in Swahili too, and a lead can make every start empty', async () => {
    await openUtterance(confident)
    const field = page.locator('[data-testid="transcript"]')
    await poll(() => field.inputValue()).toBe('nataka kilo mbili za mchele na sukari kidogo')
    expect(await page.locator('[data-testid="started-empty"]').count()).toBe(0)

    const db = new Database(dbPath)
    db.prepare("INSERT INTO project_meta (key, value) VALUES ('prefill', 'never')").run()
    db.close()
    await page.reload()
    await page.locator(`[data-testid="editor"][data-utterance="${confident}"]`).waitFor()
    const aside = page.locator('[data-testid="started-empty"]')
    await aside.waitFor()
    expect(await aside.getAttribute('data-basis')).toBe('setting')
    expect(await field.inputValue()).toBe('')
    await page.locator('[data-testid="language"]').selectOption('sw')
    await expect.poll(() => aside.innerText()).toMatch(/Kimeanza kitupu/)
    await page.screenshot({ path: join(artefacts, 'prefill-started-empty-sw.png') })
    await page.locator('[data-testid="language"]').selectOption('en')
  })
})
