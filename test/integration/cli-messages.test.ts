/**
 * What the CLI says when the user gets something wrong (issue 17): a sentence and the exit code
 * docs/cli.md promises, never a stack trace or a database engine's message.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { cliOn } from '../support/cli'
import { formatFixtures } from '../support/fixtures'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-cli-messages-'))

const sauti = cliOn(dataDir)

const grant = (date: string): ReturnType<typeof sauti> =>
  sauti(
    '--project',
    'msg',
    'consent',
    'grant',
    'spk-1',
    '--scopes',
    'annotation',
    '--granted',
    date,
    '--as',
    'Lead',
  )

const noStackTrace = (text: string): void => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/)

describe('the CLI names the problem', () => {
  it('exits 5 when a path given to import does not exist (docs/cli.md)', () => {
    const run = sauti('--project', 'msg', 'import', join(dataDir, 'nowhere.wav'))
    expect(run.status).toBe(5)
    expect(run.stderr).toContain('nowhere.wav: no such file or folder.')
  })

  it('refuses consent dates that are not on the calendar, naming the field, exit 2', () => {
    const manifest = join(dataDir, 'm.tsv')
    writeFileSync(manifest, `path\tspeaker\n${join(formatFixtures, 's16.wav')}\tspk-1\n`)
    expect(sauti('--project', 'msg', 'import', manifest).status).toBe(0)
    const db = new Database(join(dataDir, 'projects/msg/project.sqlite'))
    db.prepare(
      "INSERT INTO annotator (name, role, created_at) VALUES ('Lead', 'lead', '2026-01-01')",
    ).run()
    db.close()
    for (const [date, problem] of [
      [
        '2026-13-45',
        /grantedAt: not a day of the calendar \(check the month and the day\): "2026-13-45"/,
      ],
      ['2026-02-30', /grantedAt: not a day of the calendar .*"2026-02-30"/],
      ['yesterday', /grantedAt: not a date such as 2026-03-01/],
    ] as const) {
      const run = grant(date)
      expect(run.status, date).toBe(2)
      expect(run.stderr).toMatch(problem)
      noStackTrace(run.stderr)
    }
    const ok = grant('2024-02-29')
    expect(ok.status).toBe(0)
  })
})

describe('the review commands', () => {
  it('change the review settings and say what they are now', () => {
    expect(sauti('--project', 'rev', 'import', join(formatFixtures, 's16.wav')).status).toBe(0)
    const run = sauti('--project', 'rev', 'review', 'settings', '--review-share', '0.25')
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout).toMatch(/review sample 25\.0%/)
  })

  it('refuse a verdict on a revision that does not exist, with a sentence, not a trace', () => {
    const db = new Database(join(dataDir, 'projects/rev/project.sqlite'))
    const reviewer = db
      .prepare(
        "INSERT INTO annotator (name, role, created_at) VALUES ('Linguist', 'reviewer', '2026-01-01')",
      )
      .run().lastInsertRowid
    db.close()
    const run = sauti(
      '--project',
      'rev',
      'review',
      'approve',
      '999999',
      '--reviewer',
      `${reviewer}`,
    )
    expect(run.status).toBe(5)
    expect(run.stderr).toBe('sauti: no revision with id 999999\n')
    noStackTrace(run.stderr)
  })
})
