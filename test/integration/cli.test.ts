import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { appRoot, formatFixtures } from '../support/fixtures'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-cli-'))

/** The CLI from its TypeScript source, as a user runs the built one. */
function sauti(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(appRoot, 'src/main/hosts/cli.ts'), '--data-dir', dataDir, ...args],
    {
      encoding: 'utf8',
      cwd: appRoot,
      timeout: 60_000,
    },
  )
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('the sauti command', () => {
  it('imports into a new project and reports JSON for scripts', () => {
    const run = sauti(
      '--project',
      'field-2026',
      '--json',
      'import',
      join(formatFixtures, 'clip.flac'),
      join(formatFixtures, 's16.wav'),
    )
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ imported: 2, duplicates: 0, rejected: [] })
  })

  it('exits 3 and names the file when some inputs are rejected', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'sauti-cli-bad-')), 'broken.wav')
    writeFileSync(bad, 'not audio at all')
    const run = sauti('--project', 'field-2026', 'import', bad, join(formatFixtures, 'clip.flac'))
    expect(run.status).toBe(3)
    expect(run.stdout).toMatch(/Imported 0 file\(s\).*1 already in the project/)
    expect(run.stderr).toContain('broken.wav: not a supported audio file')
  })

  it('lists projects and checks them with doctor', () => {
    expect(sauti('projects').stdout).toMatch(/^field-2026\t/m)
    const run = sauti('--json', 'doctor')
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout) as {
      dataDir: string
      projects: { id: string; integrity: string; schemaVersion: number }[]
      executionProviders: { name: string; available: boolean }[]
    }
    expect(report.dataDir).toBe(dataDir)
    expect(report.projects).toEqual([
      expect.objectContaining({
        id: 'field-2026',
        integrity: 'ok',
        schemaVersion: latestSchemaVersion,
      }),
    ])
    expect(report.executionProviders).toContainEqual(
      expect.objectContaining({ name: 'cpu', available: true }),
    )
  })

  it('exits 2 on a bad project id and 5 on a missing project', () => {
    expect(sauti('--project', '../etc', 'projects').status).toBe(2)
    const missing = sauti('--project', 'nope', 'serve', '--port', '0')
    expect(missing.status).toBe(5)
    expect(missing.stderr).toMatch(/no project "nope"/)
  })

  it('exits 2 on an unknown command or option', () => {
    expect(sauti('frobnicate').status).toBe(2)
    expect(sauti('import', '--colour').status).toBe(2)
  })
})
