import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Annotator, RevisionHistoryEntry, Speaker } from '../../src/shared/domain'
import type { Workbench } from '../../src/main/core/workbench'
import { appRoot, demoDir } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'

let wb: Workbench
let dataDir: string
let dispose: () => Promise<void>
let work: string
let lead: Annotator
let utteranceId: number

/** The CLI from its TypeScript source, on the test's data folder. */
function sauti(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(appRoot, 'src/main/hosts/cli.ts'),
      '--data-dir',
      dataDir,
      '--project',
      'audit',
      ...args,
    ],
    { encoding: 'utf8', cwd: appRoot, timeout: 60_000 },
  )
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await wb.call(method, input)
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

beforeAll(async () => {
  ;({ workbench: wb, dataDir, dispose } = await openTestWorkbench('audit'))
  work = mkdtempSync(join(tmpdir(), 'sauti-audit-'))
  const manifest = readFileSync(join(demoDir, 'manifest.tsv'), 'utf8').split('\n')
  const rows = ['path\ttranscript\tspeaker\tlanguage']
  for (const file of ['sw-001.flac', 'sw-002.flac']) {
    const [, text, speaker, language] = manifest
      .find((l) => l.startsWith(`audio/${file}\t`))!
      .split('\t')
    rows.push([join(demoDir, 'audio', file), text, speaker, language].join('\t'))
  }
  writeFileSync(join(work, 'manifest.tsv'), rows.join('\n') + '\n')
  await importAndWait(wb, [join(work, 'manifest.tsv')])
  lead = await call<Annotator>('annotator.create', { name: 'Amina', role: 'lead' })
  for (const s of await call<Speaker[]>('speaker.list', {}))
    await call('consent.grant', {
      actorId: lead.id,
      speakerId: s.id,
      scopes: ['annotation'],
      grantedAt: '2026-01-01',
    })
  const row = wb.project.db
    .prepare('SELECT utterance_id AS u, id FROM revision ORDER BY id LIMIT 1')
    .get() as { u: number; id: number }
  utteranceId = row.u
  await call('utterance.save', {
    id: utteranceId,
    actorId: lead.id,
    baseRevisionId: row.id,
    text: 'Habari za jioni, mama. Umeamkaje leo?',
  })
}, 120_000)

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('provenance', () => {
  it('gives the history of an utterance with sources and a word diff to each parent', async () => {
    const history = await call<RevisionHistoryEntry[]>('utterance.history', { id: utteranceId })
    expect(history).toHaveLength(2)
    expect(history[0]!.source).toMatchObject({ kind: 'import', annotator: null })
    expect(history[0]!.source.ref).toContain('manifest.tsv')
    expect(history[1]!.source).toMatchObject({ kind: 'annotator', annotator: 'Amina' })
    expect(history.every((h) => h.intact)).toBe(true)
    const changed = history[1]!.diff
      .filter((d) => d.kind !== 'same')
      .map((d) => [d.kind, d.text.trim()])
    expect(changed).toEqual([
      ['removed', 'asubuhi'],
      ['added', 'jioni'],
    ])
  })

  it('`sauti audit log` says who or what wrote each label, from what, when', () => {
    const run = sauti('audit', 'log')
    expect(run.status).toBe(0)
    const lines = run.stdout.trim().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(
      /\tutterance \d+\trevision \d+\timport .*manifest\.tsv:2\t"Habari za asubuhi/,
    )
    expect(lines[2]).toMatch(/\trevision \d+ \(after \d+\)\tannotator Amina\t"Habari za jioni/)
  })

  it('`sauti audit verify` passes, then fails naming the utterance and revision edited in SQLite', () => {
    const ok = sauti('audit', 'verify')
    expect(ok.status).toBe(0)
    expect(ok.stdout).toMatch(/^OK: 3 revision\(s\) of 2 utterance\(s\) checked/)
    const target = wb.project.db
      .prepare('SELECT id FROM revision WHERE utterance_id = ? ORDER BY id LIMIT 1')
      .get(utteranceId) as { id: number }
    // Behind the application's back: drop the append-only trigger, edit the text, put it back.
    const raw = new Database(wb.project.paths.db)
    const trigger = (
      raw
        .prepare("SELECT sql FROM sqlite_master WHERE name = 'revision_is_append_only_update'")
        .get() as {
        sql: string
      }
    ).sql
    raw.exec('DROP TRIGGER revision_is_append_only_update')
    raw
      .prepare('UPDATE revision SET text = ? WHERE id = ?')
      .run('Habari za usiku, mama.', target.id)
    raw.exec(trigger)
    raw.close()
    const broken = sauti('audit', 'verify')
    expect(broken.status).toBe(4)
    expect(broken.stdout).toMatch(/^BROKEN/)
    expect(broken.stderr).toContain(`utterance ${utteranceId}: revision ${target.id}:`)
    expect(broken.stderr.trim().split('\n')).toHaveLength(1)
    const json = JSON.parse(sauti('--json', 'audit', 'verify').stdout) as { broken: unknown[] }
    expect(json.broken).toEqual([expect.objectContaining({ utteranceId, revisionId: target.id })])
  })

  it('`sauti audit verify` also sees a newest revision deleted in SQLite (the chain left is valid)', () => {
    const other = wb.project.db
      .prepare(
        'SELECT id FROM utterance WHERE id <> ? AND revision_head IS NOT NULL ORDER BY id LIMIT 1',
      )
      .get(utteranceId) as { id: number }
    const newest = wb.project.db
      .prepare('SELECT id FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1')
      .get(other.id) as { id: number }
    const raw = new Database(wb.project.paths.db)
    const trigger = (
      raw
        .prepare("SELECT sql FROM sqlite_master WHERE name = 'revision_is_append_only_delete'")
        .get() as { sql: string }
    ).sql
    raw.exec('DROP TRIGGER revision_is_append_only_delete')
    raw.prepare('DELETE FROM revision WHERE id = ?').run(newest.id)
    raw.exec(trigger)
    raw.close()
    const broken = sauti('audit', 'verify')
    expect(broken.status).toBe(4)
    expect(broken.stderr).toMatch(new RegExp(`utterance ${other.id}: .*newest revision is missing`))
  })
})
