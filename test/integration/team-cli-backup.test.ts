import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { ensureDemoProject } from '../../src/main/core/project/demo'
import type { Workbench } from '../../src/main/core/workbench'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import { appRoot, demoDir } from '../support/fixtures'
import { newWorkbench } from '../support/workbench'

/**
 * The CLI on a team server's project, as its owner and as an account (`--account`), and a
 * backup taken by `sauti backup` while the server writes, restored by `sauti restore`.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-team-cli-'))
const args = (dir: string, extra: string[]): string[] => [
  '--import',
  'tsx',
  join(appRoot, 'src/main/hosts/cli.ts'),
  '--data-dir',
  dir,
  ...extra,
]
function sauti(extra: string[], input?: string, dir = dataDir) {
  const run = spawnSync(process.execPath, args(dir, extra), {
    encoding: 'utf8',
    cwd: appRoot,
    timeout: 120_000,
    input,
  })
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}
let wb: Workbench

beforeAll(async () => {
  const audioWorkers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
  const project = await ensureDemoProject(dataDir, demoDir, audioWorkers)
  wb = newWorkbench(dataDir, project, audioWorkers)
}, 240_000)
afterAll(async () => {
  await wb.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('sauti user and --account', () => {
  it('makes accounts from the server, and refuses lead-only commands to an annotator', () => {
    expect(
      sauti(['user', 'add', 'lead', '--role', 'lead', '--password-stdin'], 'lead password 123\n')
        .status,
    ).toBe(0)
    const invite = sauti(['--json', 'user', 'add', 'amina'])
    expect(invite.status).toBe(0)
    expect(JSON.parse(invite.stdout)).toMatchObject({
      purpose: 'invite',
      account: { login: 'amina', hasPassword: false },
    })
    const list = sauti(['user', 'list'])
    expect(list.stdout).toMatch(/^amina\tannotator\tinvited$/m)
    expect(list.stdout).toMatch(/^lead\tlead\tactive$/m)
    const exportDir = mkdtempSync(join(tmpdir(), 'sauti-team-export-'))
    for (const command of [
      ['export', exportDir, '--use', 'research_release', '--formats', 'nemo', '--as', 'lead'],
      ['consent', 'purge', 'SPK-EN-01', '--as', 'lead'],
      ['user', 'list'],
      ['user', 'role', 'amina', 'admin'],
      ['backup', join(exportDir, 'b')],
    ]) {
      const run = sauti(['--account', 'amina', ...command])
      expect(run.status, command.join(' ')).toBe(2)
      expect(run.stderr, command.join(' ')).toMatch(/needs a(n)? (lead|admin)/)
    }
    expect(sauti(['--account', 'nobody', 'user', 'list']).stderr).toMatch(/no enabled account/)
    for (const command of [['doctor'], ['projects'], ['model', 'list']]) {
      const run = sauti(['--account', 'lead', ...command])
      expect(run.status, command.join(' ')).toBe(2)
      expect(run.stderr).toMatch(/machine's owner/)
    }
  }, 120_000)
})

describe('sauti backup during a write load, and sauti restore', () => {
  it('restores to a database that passes integrity_check and the audit', async () => {
    const db = wb.project.db
    const ids = (
      db.prepare('SELECT id FROM utterance ORDER BY id LIMIT 20').all() as { id: number }[]
    ).map((r) => r.id)
    const annotator = (await wb.call('annotator.create', {
      name: 'Writer',
      role: 'annotator',
    })) as { ok: true; value: { id: number } }
    let writing = true
    let saves = 0
    const load = (async () => {
      while (writing) {
        const id = ids[saves % ids.length]!
        const head = (
          db.prepare('SELECT max(id) AS id FROM revision WHERE utterance_id = ?').get(id) as {
            id: number | null
          }
        ).id
        const r = await wb.call('utterance.save', {
          id,
          actorId: annotator.value.id,
          baseRevisionId: head,
          text: `draft ${saves}`,
          draft: true,
        })
        if (!r.ok) throw new Error(r.error.message)
        saves++
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
    })()
    const out = join(mkdtempSync(join(tmpdir(), 'sauti-backup-')), 'monday')
    const backup = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const child = spawn(process.execPath, args(dataDir, ['--json', 'backup', out]), {
          cwd: appRoot,
        })
        let stdout = ''
        let stderr = ''
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
        child.on('exit', (code) => resolve({ code, stdout, stderr }))
      },
    )
    const savesDuringBackup = saves
    writing = false
    await load
    expect(backup.code, backup.stderr).toBe(0)
    expect(savesDuringBackup).toBeGreaterThan(10)
    const summary = JSON.parse(backup.stdout) as {
      recordings: number
      audioFiles: number
      revisions: number
    }
    expect(summary.audioFiles).toBe(summary.recordings)

    const restoredDir = mkdtempSync(join(tmpdir(), 'sauti-restored-'))
    const restore = sauti(
      ['--json', 'restore', out, '--as-project', 'field'],
      undefined,
      restoredDir,
    )
    expect(restore.status, restore.stderr).toBe(0)
    expect(JSON.parse(restore.stdout)).toMatchObject({
      integrity: 'ok',
      audit: { ok: true },
      badAudio: [],
    })
    const restored = new Database(join(restoredDir, 'projects/field/project.sqlite'), {
      readonly: true,
    })
    expect(restored.pragma('integrity_check', { simple: true })).toBe('ok')
    const revisions = (
      restored.prepare('SELECT count(*) AS n FROM revision').get() as { n: number }
    ).n
    restored.close()
    expect(revisions).toBe(summary.revisions)
    const audit = sauti(['--project', 'field', 'audit', 'verify'], undefined, restoredDir)
    expect(audit.status, audit.stderr).toBe(0)
    expect(audit.stdout).toMatch(/^OK: /)
    // Restoring over an existing project needs --replace, and keeps the old one aside.
    expect(sauti(['restore', out, '--as-project', 'field'], undefined, restoredDir).status).toBe(2)
    rmSync(restoredDir, { recursive: true, force: true })
  }, 180_000)

  it('refuses a damaged backup and restores nothing', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'sauti-backup-')), 'b')
    expect(sauti(['backup', out]).status).toBe(0)
    const audio = join(out, 'project/audio')
    const [first] = spawnSync('ls', [audio], { encoding: 'utf8' }).stdout.split('\n')
    spawnSync('sh', ['-c', `printf x >> '${join(audio, first!)}'`])
    const restoredDir = mkdtempSync(join(tmpdir(), 'sauti-restored-'))
    const run = sauti(['restore', out], undefined, restoredDir)
    expect(run.status).toBe(4)
    expect(run.stderr).toMatch(/damaged.*1 missing or changed/)
    expect(spawnSync('ls', [join(restoredDir)], { encoding: 'utf8' }).stdout).toBe('')
  }, 120_000)
})
