/**
 * Annotator workspace benchmarks (issue 5), in Chromium against the real HTTP host:
 * - "save and next" until the next utterance plays, at 1,000 and at 100,000 utterances;
 * - frame times and renderer heap while scrolling the queue, at 1,000 and at 100,000;
 * - opening a 2-hour recording at an utterance in its middle, against a 4-second clip.
 * Large projects are made by cloning one real recording's rows (hard links to its audio, peaks
 * and 16 kHz cache), so every utterance plays real audio without hours of import.
 */
import { createHash } from 'node:crypto'
import { linkSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { expandImportPaths, importItems } from '../../src/main/core/audio/importer'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { createProject, type OpenProject } from '../../src/main/core/project/projects'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import { appRoot } from '../support/fixtures'
import { openBenchPage } from './browser'

const now = new Date().toISOString()
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!
const fmt = (xs: number[]): string =>
  `median ${median(xs).toFixed(0)} ms, p90 ${percentile(xs, 0.9).toFixed(0)} ms (n = ${xs.length})`

interface Source {
  id: number
  sha256: string
  format: string
  durationSec: number
}

/** Adds `recordings` copies of a source recording with `perRecording` labelled utterances each. */
function addUtterances(
  project: OpenProject,
  source: Source,
  recordings: number,
  perRecording: number,
  from = 0,
) {
  const { db, paths } = project
  const speaker = ensureSpeaker(db, { code: 'BENCH-01' }, now)
  if (
    !db.prepare("SELECT 1 FROM consent WHERE speaker_id = ? AND scope = 'annotation'").get(speaker)
  )
    recordConsent(db, {
      speakerId: speaker,
      scope: 'annotation',
      grantedAt: '2020-01-01T00:00:00Z',
    })
  db.prepare(
    "INSERT OR IGNORE INTO model (id, sha256, name, path, manifest, registered_at) VALUES (1, ?, 'bench-model', '/m', '{}', ?)",
  ).run('b'.repeat(64), now)
  const addRecording = db.prepare(
    `INSERT INTO recording (sha256, original_name, source_path, format, byte_size, duration_sec, sample_rate, channels, languages, speaker_id, imported_at)
     SELECT ?, ?, source_path, format, byte_size, duration_sec, sample_rate, channels, languages, ?, imported_at FROM recording WHERE id = ?`,
  )
  const addUtterance = db.prepare(
    "INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at) VALUES (?, ?, ?, ?, 'sw', 'pseudo', ?)",
  )
  const addHypothesis = db.prepare(
    `INSERT INTO hypothesis (utterance_id, model_id, rank, text, score, confidence, word_confidences, word_times,
                             start_sec, end_sec, created_at)
     SELECT id, 1, ?, ?, ?, ?, ?, ?, start_sec, end_sec, ? FROM utterance WHERE id = ?`,
  )
  const words = ['bei', 'ya', 'nyanya', 'imepanda', 'sokoni', 'wiki', 'hii']
  const step = Math.min(3, (source.durationSec - 0.7) / perRecording)
  let seed = 12345 + from
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  db.transaction(() => {
    for (let r = from; r < from + recordings; r++) {
      const sha = createHash('sha256').update(`bench-${r}`).digest('hex')
      for (const [dir, ext] of [
        [paths.audioDir, source.format],
        [paths.peaksDir, 'peaks'],
        [paths.pcmDir, 'f32'],
      ] as const)
        linkSync(join(dir, `${source.sha256}.${ext}`), join(dir, `${sha}.${ext}`))
      const recordingId = Number(
        addRecording.run(sha, `clone-${r}.flac`, speaker, source.id).lastInsertRowid,
      )
      for (let u = 0; u < perRecording; u++) {
        const start = u * step
        const end = start + step * 0.9
        const id = Number(addUtterance.run(recordingId, start, end, speaker, now).lastInsertRowid)
        const base = random()
        for (let rank = 1; rank <= 5; rank++) {
          const text = Array.from(
            { length: 4 },
            (_, k) => words[(u + k + rank) % words.length],
          ).join(' ')
          const times = [0, 1, 2, 3].map((k) => ({
            word: '',
            start: start + (k * (end - start)) / 4,
            end: start + ((k + 1) * (end - start)) / 4,
            score: 0,
          }))
          addHypothesis.run(
            rank,
            text,
            -rank,
            Math.max(0, base - rank * 0.01),
            JSON.stringify([base, base, base, base]),
            JSON.stringify(times),
            now,
            id,
          )
        }
      }
    }
  })()
}

/** In the page: from the save key to the next utterance playing inside its own bounds. */
interface Step {
  total: number
  /** ms after the key press, from the renderer's User Timing marks. */
  saved: number
  shown: number
  waveReady: number
  play: number
}

async function saveAndNext(page: Page): Promise<Step> {
  return page.evaluate(
    () =>
      new Promise<Step>((resolve, reject) => {
        for (const name of ['sauti:saved', 'sauti:shown', 'sauti:wave-ready', 'sauti:play'])
          performance.clearMarks(name)
        const editor = document.querySelector('[data-testid="editor"]')!
        const before = editor.getAttribute('data-utterance')
        const field = document.querySelector<HTMLTextAreaElement>('[data-testid="transcript"]')!
        field.focus()
        // What the audio element did, for the error message if the next utterance never plays.
        const trace: string[] = []
        const media = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')
        for (const type of [
          'emptied',
          'loadedmetadata',
          'seeking',
          'seeked',
          'play',
          'playing',
          'pause',
        ])
          media?.addEventListener(type, () => trace.push(`${type}@${media.currentTime.toFixed(2)}`))
        const start = performance.now()
        const timeout = setTimeout(() => {
          const audio = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')
          const shown = document.querySelector('[data-testid="editor"]')
          reject(
            new Error(
              `the next utterance never played: from ${before} to ${shown?.getAttribute('data-utterance')} (${shown?.getAttribute('data-range')}); audio paused ${audio?.paused} at ${audio?.currentTime} (ready state ${audio?.readyState}); save state ${document.querySelector('[data-testid="save-state"]')?.getAttribute('data-state')}; ${document.querySelector('[role="alert"]')?.textContent ?? ''}; audio events: ${trace.join(' ')}`,
            ),
          )
        }, 15_000)
        const check = (): void => {
          const now = document.querySelector('[data-testid="editor"]')
          const id = now?.getAttribute('data-utterance')
          const audio = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')
          const range = now?.getAttribute('data-range')?.split(' ').map(Number)
          if (
            id &&
            id !== before &&
            audio &&
            !audio.paused &&
            range &&
            audio.currentTime >= range[0]! - 0.02 &&
            audio.currentTime <= range[1]!
          ) {
            clearTimeout(timeout)
            const at = (name: string): number =>
              (performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN) - start
            resolve({
              total: performance.now() - start,
              saved: at('sauti:saved'),
              shown: at('sauti:shown'),
              waveReady: at('sauti:wave-ready'),
              play: at('sauti:play'),
            })
            return
          }
          requestAnimationFrame(check)
        }
        field.dispatchEvent(
          new KeyboardEvent('keydown', {
            key: 'Enter',
            code: 'Enter',
            ctrlKey: true,
            bubbles: true,
          }),
        )
        requestAnimationFrame(check)
      }),
  )
}

/** Scrolls the queue by `rows` rows, one step per frame; returns frame times and the heap. */
async function scrollQueue(page: Page, rows: number): Promise<{ frames: number[] }> {
  return page.evaluate(
    (rows) =>
      new Promise<{ frames: number[] }>((resolve) => {
        const scroller = document.querySelector<HTMLElement>('[data-testid="queue-list"]')!
        const target = Math.min(scroller.scrollHeight - scroller.clientHeight, rows * 58)
        const perFrame = 58 * 40
        const frames: number[] = []
        let last = performance.now()
        const tick = (t: number): void => {
          frames.push(t - last)
          last = t
          const before = scroller.scrollTop
          if (before >= target - 1) return resolve({ frames: frames.slice(1) })
          scroller.scrollTop = Math.min(target, before + perFrame)
          // The end of the list (a fractional maximum) also ends the run.
          if (scroller.scrollTop === before) return resolve({ frames: frames.slice(1) })
          requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      }),
    rows,
  )
}

export async function workspaceBench(benchData: string): Promise<void> {
  console.log(
    '\n== Annotator workspace: save and next, queue scrolling, opening a long recording (Chromium)',
  )
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-ws-'))
  const project = await createProject(dataDir, 'bench')
  const workers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
  const { items } = await expandImportPaths([
    join(appRoot, 'demo/audio/market-day-long.flac'),
    join(appRoot, 'demo/audio/sw-001.flac'),
    join(benchData, 'long-2h.wav'),
  ])
  await importItems({ db: project.db, paths: project.paths, workers }, items)
  const sources = project.db
    .prepare(
      'SELECT id, sha256, format, duration_sec AS durationSec, original_name AS name FROM recording',
    )
    .all() as (Source & { name: string })[]
  const market = sources.find((s) => s.name.startsWith('market'))!
  // The clip and the 2-hour recording are opened at one utterance each, not queued.
  project.db.prepare('DELETE FROM utterance').run()
  const annotator = Number(
    project.db
      .prepare("INSERT INTO annotator (name, role, created_at) VALUES ('bench', 'annotator', ?)")
      .run(now).lastInsertRowid,
  )
  addUtterances(project, market, 10, 100)
  const bench = await openBenchPage(dataDir, project, workers, { width: 1400, height: 900 })
  try {
    const { page } = bench
    const heapMb = async (): Promise<number> => (await bench.heap()) / 1048576
    await page.goto(bench.openUrl)
    await page.evaluate((id) => localStorage.setItem('sauti.annotator', String(id)), annotator)
    const origin = new URL(bench.openUrl).origin

    /** `dwellMs`: time on each utterance before saving (0: back to back, the worst case). */
    const measure = async (label: string, order: string, dwellMs = 0): Promise<void> => {
      // A fresh page (not a hash change on the same one), so the queue is a new snapshot.
      await page.goto('about:blank')
      await page.goto(`${origin}/#/annotate`)
      await page
        .locator('[data-testid="editor-waveform"][data-ready="true"]')
        .waitFor({ timeout: 60_000 })
      if (order !== 'confidence')
        await page.locator('[data-testid="queue-order"]').selectOption(order)
      await page.waitForTimeout(500)
      const steps: Step[] = []
      for (let i = 0; i < 12; i++) {
        if (dwellMs) await page.waitForTimeout(dwellMs)
        steps.push(await saveAndNext(page))
      }
      const kept = steps.slice(2)
      const part = (k: keyof Step): string => {
        const xs = kept.map((s) => s[k]).filter((x) => Number.isFinite(x))
        return xs.length ? median(xs).toFixed(0) : '–'
      }
      console.log(
        `${label}: save and next until playing ${fmt(kept.map((s) => s.total))} (first two dropped: warm-up); medians after the key: saved ${part('saved')} ms, next shown ${part('shown')} ms, waveform ready ${part('waveReady')} ms`,
      )
      const count = await page.locator('[data-testid="queue-count"]').innerText()
      const scroll = await scrollQueue(page, 20_000)
      console.log(
        `${label}: scrolling the queue (${count}): frame ${fmt(scroll.frames)}, ${scroll.frames.filter((f) => f > 50).length} frames over 50 ms; JS heap after GC ${(await heapMb()).toFixed(1)} MB`,
      )
    }
    await measure('baseline, 1,000 utterances, next in another recording', 'confidence')
    addUtterances(project, market, 990, 100, 10)
    await measure('100,000 utterances, next in another recording, back to back', 'confidence')
    await measure(
      '100,000 utterances, next in another recording, 1.5 s on each utterance',
      'confidence',
      1500,
    )
    await measure('100,000 utterances, next in the same recording (file order)', 'file')

    // A 2-hour recording opened at an utterance in its middle, against the clip.
    const long = sources.find((s) => s.name === 'long-2h.wav')!
    const clip = sources.find((s) => s.name === 'sw-001.flac')!
    const speaker = project.db.prepare("SELECT id FROM speaker WHERE code = 'BENCH-01'").get() as {
      id: number
    }
    const at = (recording: number, start: number): number =>
      Number(
        project.db
          .prepare(
            "INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, status, created_at) VALUES (?, ?, ?, ?, 'new', ?)",
          )
          .run(recording, start, start + 3, speaker.id, now).lastInsertRowid,
      )
    const middle = at(long.id, 3600)
    const clipUtterance = at(clip.id, 0.5)
    /** Navigation start to the utterance playing, with the renderer's marks on the way. */
    const openAt = async (id: number): Promise<Step> => {
      await page.goto('about:blank')
      await page.goto(`${origin}/#/annotate/${id}`)
      const handle = await page.waitForFunction(
        (id) => {
          const editor = document.querySelector(`[data-testid="editor"][data-utterance="${id}"]`)
          const audio = document.querySelector<HTMLAudioElement>('[data-testid="audio"]')
          const range = editor?.getAttribute('data-range')?.split(' ').map(Number)
          if (!(audio && range && !audio.paused && audio.currentTime >= range[0]! - 0.02)) return 0
          const at = (name: string): number =>
            performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN
          return JSON.stringify({
            total: performance.now(),
            saved: Number.NaN,
            shown: at('sauti:shown'),
            waveReady: at('sauti:wave-ready'),
            play: at('sauti:play'),
          })
        },
        id,
        { timeout: 60_000, polling: 'raf' },
      )
      return JSON.parse((await handle.jsonValue()) as string) as Step
    }
    const clipSteps: Step[] = []
    const longSteps: Step[] = []
    for (let i = 0; i < 5; i++) {
      clipSteps.push(await openAt(clipUtterance))
      longSteps.push(await openAt(middle))
    }
    const phases = (steps: Step[]): string =>
      (['shown', 'waveReady', 'play'] as const)
        .map((k) => `${k} ${median(steps.map((s) => s[k])).toFixed(0)} ms`)
        .join(', ')
    const clipTotal = clipSteps.map((s) => s.total)
    const longTotal = longSteps.map((s) => s.total)
    console.log(
      `baseline, 4-second clip opened at an utterance (navigation to playing): ${fmt(clipTotal)}; ${phases(clipSteps)}`,
    )
    console.log(
      `2-hour recording opened at 1:00:00 (navigation to playing):           ${fmt(longTotal)}; ${phases(longSteps)}; ${(median(longTotal) / median(clipTotal)).toFixed(2)}× the clip; JS heap after GC ${(await heapMb()).toFixed(1)} MB`,
    )
  } finally {
    await bench.close()
  }
}
