import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { ensureDemoProject } from '../../src/main/core/project/demo'
import { projectSummary } from '../../src/main/core/project/queries'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import { appRoot, demoDir } from '../support/fixtures'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-demo-'))
const workers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
afterAll(async () => {
  await workers.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the bundled demo project', () => {
  const manifest = readFileSync(join(demoDir, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1)
  const speakers = readFileSync(join(demoDir, 'speakers.tsv'), 'utf8').trim().split('\n').slice(1)

  it('is created on first start with every recording, transcript, speaker and consent record', async () => {
    const project = await ensureDemoProject(dataDir, demoDir, workers)
    try {
      const summary = projectSummary(project.db, project.ref)
      expect(project.ref).toMatchObject({ id: 'demo', isDemo: true })
      expect(summary.recordingCount).toBe(manifest.length)
      const transcribed = manifest.filter((l) => (l.split('\t')[1] ?? '').trim() !== '').length
      expect(summary.transcribedCount).toBe(transcribed)
      expect(summary.speakerCount).toBe(speakers.length)
      expect(summary.languages).toEqual(expect.arrayContaining(['sw', 'hi', 'en', 'hi-en']))
      expect(summary.totalDurationSec).toBeGreaterThan(120)
      // The long field recording waits for segmentation: no utterance yet.
      const long = project.db
        .prepare(
          "SELECT (SELECT count(*) FROM utterance WHERE recording_id = r.id) AS n, duration_sec FROM recording r WHERE original_name LIKE '%long%'",
        )
        .get() as { n: number; duration_sec: number }
      expect(long.duration_sec).toBeGreaterThan(30)
      expect(long.n).toBe(0)
      const consent = project.db
        .prepare('SELECT count(DISTINCT speaker_id) AS speakers, count(*) AS records FROM consent')
        .get() as { speakers: number; records: number }
      expect(consent).toEqual({ speakers: speakers.length, records: speakers.length * 5 })
      const codeSwitched = project.db
        .prepare(
          "SELECT v.text FROM revision v JOIN utterance u ON u.id = v.utterance_id WHERE u.language = 'hi-en' LIMIT 1",
        )
        .get() as { text: string }
      expect(codeSwitched.text).toMatch(/[\u0900-\u097F]/)
      expect(codeSwitched.text).toMatch(/[A-Za-z]/)
    } finally {
      project.db.close()
    }
  })

  it('opens as it is on the next start, without importing again', async () => {
    const project = await ensureDemoProject(dataDir, demoDir, workers)
    try {
      expect(projectSummary(project.db, project.ref).recordingCount).toBe(manifest.length)
      expect(
        (project.db.prepare('SELECT count(*) AS n FROM speaker').get() as { n: number }).n,
      ).toBe(speakers.length)
    } finally {
      project.db.close()
    }
  })
})
