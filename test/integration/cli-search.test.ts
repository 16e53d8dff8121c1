import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { createProject } from '../../src/main/core/project/projects'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import type { SearchPage } from '../../src/shared/domain'
import { cliOn } from '../support/cli'
import { insertRows, recordingRow } from '../support/db'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-cli-search-'))
const sauti = cliOn(dataDir)

beforeAll(async () => {
  const { db } = await createProject(dataDir, 'words')
  const now = '2026-03-01T10:00:00.000Z'
  const speaker = ensureSpeaker(db, { code: 'SPK-A' }, now)
  recordConsent(db, { speakerId: speaker, scope: 'annotation', grantedAt: now }, now)
  insertRows(db, 'annotator', [{ name: 'Amina', role: 'annotator', created_at: now }])
  insertRows(db, 'recording', [{ ...recordingRow('a'.repeat(64), 60), speaker_id: speaker }])
  const texts = ['Bei ya nyanya sokoni', 'Soko limefungwa leo', 'Habari ya asubuhi']
  texts.forEach((text, i) => {
    insertRows(db, 'utterance', [
      {
        recording_id: 1,
        start_sec: i * 5,
        end_sec: i * 5 + 4,
        speaker_id: speaker,
        language: 'sw',
        status: i === 1 ? 'corrected' : 'pseudo',
        created_at: now,
      },
    ])
    appendRevision(db, {
      utteranceId: i + 1,
      text,
      source: i === 1 ? { kind: 'annotator', annotatorId: 1 } : { kind: 'import', ref: 'm' },
      createdAt: now,
    })
  })
  db.close()
}, 60_000)
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('sauti search', () => {
  it('prints each hit with its matches in brackets, and a count', () => {
    const run = sauti('--project', 'words', 'search', 'soko')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('Bei ya nyanya [sokoni]')
    expect(run.stdout).toContain('[Soko] limefungwa leo')
    expect(run.stdout).toMatch(/2 utterance\(s\)\.\n$/)
  })

  it('filters as the data view does, and answers scripts in JSON', () => {
    const run = sauti('--project', 'words', '--json', 'search', 'soko', '--annotator', 'Amina')
    expect(run.status).toBe(0)
    const page = JSON.parse(run.stdout) as SearchPage
    expect(page.items.map((i) => i.utteranceId)).toEqual([2])
    const listed = sauti('--project', 'words', 'search', '--status', 'pseudo', '--limit', '1')
    expect(listed.stdout).toMatch(/1–1 of 2 utterances \(--offset 1 for more\)/)
  })

  it('refuses an unknown profile or status, saying which', () => {
    const who = sauti('--project', 'words', 'search', 'soko', '--reviewer', 'Nobody')
    expect(who.status).toBe(5)
    expect(who.stderr).toContain('no annotator profile named "Nobody"')
    const status = sauti('--project', 'words', 'search', '--status', 'done')
    expect(status.status).toBe(2)
    expect(status.stderr).toMatch(/status/)
  })
})
