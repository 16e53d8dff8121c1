import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { expandImportPaths, importItems } from '../../src/main/core/audio/importer'
import { createProject } from '../../src/main/core/project/projects'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import { createIpcCallHandler } from '../../src/main/hosts/ipc'
import { snapshot } from '../support/db'
import { appRoot, formatFixtures } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'

afterAll(() => expectNoOpenWorkbenches())

describe('the Electron IPC host', () => {
  it('accepts calls only from our own top-level frame, and validates them', async () => {
    const { workbench, dispose } = await openTestWorkbench()
    try {
      const own = 'file:///opt/sauti/out/renderer/index.html'
      const handle = createIpcCallHandler(workbench, (url) => url === own)
      const before = snapshot(workbench.project.db)

      const fromOwn = await handle(
        { senderFrame: { url: own, parent: null } },
        'project.summary',
        {},
      )
      expect(fromOwn).toMatchObject({ ok: true, value: { id: 'test' } })

      const fromElsewhere = await handle(
        { senderFrame: { url: 'https://example.org/', parent: null } },
        'import.start',
        { paths: ['/etc'] },
      )
      expect(fromElsewhere).toEqual({
        ok: false,
        error: { kind: 'forbidden', message: 'calls are accepted only from the Sauti window' },
      })
      const fromSubframe = await handle(
        { senderFrame: { url: own, parent: {} } },
        'project.summary',
        {},
      )
      expect(fromSubframe).toMatchObject({ ok: false, error: { kind: 'forbidden' } })
      const gone = await handle({ senderFrame: null }, 'project.summary', {})
      expect(gone).toMatchObject({ ok: false, error: { kind: 'forbidden' } })

      const invalid = await handle({ senderFrame: { url: own, parent: null } }, 'import.start', {
        paths: [42],
      })
      expect(invalid).toMatchObject({ ok: false, error: { kind: 'validation' } })
      expect(workbench.jobs.list()).toEqual([])
      expect(snapshot(workbench.project.db)).toEqual(before)
    } finally {
      await dispose()
    }
  })
})

describe('long imports', () => {
  it('can be cancelled: files already imported stay whole, the rest are not started', async () => {
    const { workbench, dispose } = await openTestWorkbench()
    try {
      const dir = mkdtempSync(join(tmpdir(), 'sauti-many-'))
      // Ten distinct files (the importer would skip identical ones as duplicates).
      const names = [
        's16.wav',
        'u8.wav',
        's24.wav',
        's32.wav',
        'f32.wav',
        'f64.wav',
        'clip.flac',
        'clip.mp3',
        'clip.ogg',
        'clip.opus',
      ]
      names.forEach((n, i) =>
        copyFileSync(join(formatFixtures, n), join(dir, `${String(i).padStart(2, '0')}-${n}`)),
      )
      const started = await workbench.call('import.start', { paths: [dir] })
      if (!started.ok) throw new Error(started.error.message)
      const { jobId } = started.value as { jobId: string }
      const finished = new Promise<{ status: string; summary?: { imported: number } }>(
        (resolve) => {
          workbench.events.on('job.finished', (f) => f.jobId === jobId && resolve(f))
        },
      )
      // Cancel once the first file is committed and the second is in flight (progress is
      // fractional within a file, so 1.0 means "first file read", not yet committed).
      await new Promise<void>((resolve) => {
        const off = workbench.events.on('job.progress', (p) => {
          if (p.jobId === jobId && p.done >= 2) {
            off()
            resolve()
          }
        })
      })
      expect(await workbench.call('job.cancel', { jobId })).toEqual({
        ok: true,
        value: { cancelled: true },
      })
      const result = await finished
      expect(result.status).toBe('cancelled')
      const imported = result.summary!.imported
      expect(imported).toBeGreaterThanOrEqual(1)
      expect(imported).toBeLessThan(names.length)
      const db = workbench.project.db
      const counts = db
        .prepare(
          'SELECT (SELECT count(*) FROM recording) AS r, (SELECT count(*) FROM utterance) AS u',
        )
        .get()
      expect(counts).toEqual({ r: imported, u: imported })
      expect(workbench.jobs.list()[0]).toMatchObject({ id: jobId, status: 'cancelled' })
    } finally {
      await dispose()
    }
  })

  it('survive a crashing audio worker: that file is reported, the next one imports', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sauti-crash-'))
    const project = await createProject(dataDir, 'crash')
    const real = audioWorkerFactory(appRoot)
    let spawned = 0
    // The first worker dies on its first task, as an out-of-memory kill would; later ones are real.
    const workers = new AudioWorkers(() => {
      spawned++
      return spawned === 1
        ? new Worker(
            'require("node:worker_threads").parentPort.on("message", () => process.exit(137))',
            { eval: true },
          )
        : real()
    }, 1)
    try {
      const { items } = await expandImportPaths([
        join(formatFixtures, 'clip.flac'),
        join(formatFixtures, 'clip.ogg'),
      ])
      const summary = await importItems({ db: project.db, paths: project.paths, workers }, items)
      expect(summary.rejected).toEqual([
        {
          path: join(formatFixtures, 'clip.flac'),
          message: `${join(formatFixtures, 'clip.flac')}: the audio worker exited with code 137 (out of memory?); the file was not imported.`,
        },
      ])
      expect(summary.imported).toBe(1)
      expect(spawned).toBe(2)
    } finally {
      await workers.close()
      project.db.close()
    }
  })
})

describe('leftovers of a killed import', () => {
  it('are swept when they are old, and left alone while another process may still be writing', async () => {
    const { mkdirSync, writeFileSync, utimesSync, existsSync } = await import('node:fs')
    const { projectPaths, sweepIncoming } = await import('../../src/main/core/project/paths')
    const paths = projectPaths(mkdtempSync(join(tmpdir(), 'sauti-sweep-')), 'p')
    mkdirSync(paths.audioDir, { recursive: true })
    mkdirSync(paths.pcmDir, { recursive: true })
    const stale = join(paths.pcmDir, '.incoming-0123abcd')
    const fresh = join(paths.audioDir, '.incoming-4567ef01')
    const kept = join(paths.audioDir, `${'a'.repeat(64)}.wav`)
    for (const f of [stale, fresh, kept]) writeFileSync(f, 'x')
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000)
    utimesSync(stale, twoDaysAgo, twoDaysAgo)
    utimesSync(kept, twoDaysAgo, twoDaysAgo)
    expect(await sweepIncoming(paths)).toBe(1)
    expect([existsSync(stale), existsSync(fresh), existsSync(kept)]).toEqual([false, true, true])
  })
})

describe('progress', () => {
  it('moves within a long file, not only between files', async () => {
    const { workbench, dispose } = await openTestWorkbench()
    try {
      const dir = mkdtempSync(join(tmpdir(), 'sauti-long-'))
      const long = join(dir, 'long.wav')
      // 3 minutes of 48 kHz stereo noise: long enough for several progress reports.
      const { writeFileSync } = await import('node:fs')
      const frames = 48_000 * 180
      const wav = Buffer.alloc(44 + frames * 4)
      wav.write('RIFF', 0)
      wav.writeUInt32LE(36 + frames * 4, 4)
      wav.write('WAVEfmt ', 8)
      wav.writeUInt32LE(16, 16)
      wav.writeUInt16LE(1, 20)
      wav.writeUInt16LE(2, 22)
      wav.writeUInt32LE(48_000, 24)
      wav.writeUInt32LE(48_000 * 4, 28)
      wav.writeUInt16LE(4, 32)
      wav.writeUInt16LE(16, 34)
      wav.write('data', 36)
      wav.writeUInt32LE(frames * 4, 40)
      for (let i = 0; i < frames * 2; i++)
        wav.writeInt16LE(Math.round(Math.sin(i * 0.37) * 3000), 44 + i * 2)
      writeFileSync(long, wav)
      const fractions: number[] = []
      const off = workbench.events.on('job.progress', (p) => fractions.push(p.done))
      const summary = await importAndWait(workbench, [long])
      off()
      expect(summary.imported).toBe(1)
      expect(fractions.some((d) => d > 0 && d < 1)).toBe(true)
      expect(fractions).toEqual([...fractions].sort((a, b) => a - b))
    } finally {
      await dispose()
    }
  })
})
