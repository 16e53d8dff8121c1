import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Workbench } from '../../src/main/core/workbench'
import type {
  Annotator,
  ExportCounts,
  ExportSummary,
  RevisionInfo,
  UtteranceDetail,
} from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import {
  contractCalls,
  expectNoOpenWorkbenches,
  openDemoWorkbench,
  runJob,
} from '../support/workbench'

/**
 * What an export takes by default and what its preview counts, on the demo project labelled by
 * the starter model (its transcripts imported with the data), after an annotator accepted one
 * hypothesis unchanged, corrected, flagged and had one approved and one sent back, and a speaker
 * withdrew research consent.
 */
let wb: Workbench
let dataDir: string
let dispose: () => Promise<void>
let lead: Annotator
let amina: Annotator
let reviewer: Annotator
let work: string
const { ok, refused } = contractCalls(() => wb)
const db = () => wb.project.db
const chosen: Record<string, number> = {}
let withdrawnUtterances = 0

function importedIds(): number[] {
  return (
    db()
      .prepare(
        `SELECT u.id FROM utterance u WHERE u.merged_into IS NULL AND u.hypothesis_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.source_kind = 'import')
         ORDER BY u.id`,
      )
      .all() as { id: number }[]
  ).map((r) => r.id)
}

async function save(
  id: number,
  edit: (hypothesis: string) => string,
  status: 'corrected' | 'flagged' = 'corrected',
): Promise<RevisionInfo> {
  const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: amina.id })
  const best = detail.hypotheses[0]!
  const saved = await ok<{ revision: RevisionInfo }>('utterance.save', {
    id,
    actorId: amina.id,
    baseRevisionId: detail.head?.id ?? null,
    hypothesisId: best.id,
    text: edit(best.text),
    status,
    ...(status === 'flagged' ? { flagReason: 'noise' } : {}),
  })
  return saved.revision
}

const preview = (extra: Record<string, unknown> = {}): Promise<ExportCounts> =>
  ok<ExportCounts>('export.preview', { actorId: lead.id, use: 'research_release', ...extra })

async function exportWith(
  name: string,
  extra: Record<string, unknown> = {},
): Promise<ExportSummary> {
  const finished = await runJob(wb, 'export.start', {
    actorId: lead.id,
    use: 'research_release',
    dir: join(work, name),
    formats: ['csv'],
    ...extra,
  })
  if (finished.status !== 'done') throw new Error(finished.error?.message ?? finished.status)
  return finished.exported!
}

const countsOf = (c: ExportCounts): ExportCounts => ({
  utterances: c.utterances,
  durationSec: c.durationSec,
  speakers: c.speakers,
  recordings: c.recordings,
  standings: c.standings,
  leftOut: c.leftOut,
  machineOutput: c.machineOutput,
})
const sum = (o: Partial<Record<string, number>>): number =>
  Object.values(o).reduce<number>((s, n) => s + (n ?? 0), 0)

beforeAll(async () => {
  ;({ workbench: wb, dataDir, dispose } = await openDemoWorkbench())
  work = mkdtempSync(join(tmpdir(), 'sauti-export-preview-'))
  lead = await ok<Annotator>('annotator.create', { name: 'Lead', role: 'lead' })
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  reviewer = await ok<Annotator>('annotator.create', { name: 'Rehema', role: 'reviewer' })
  // Utterances whose best hypothesis is a transcript (the starter does not write every language).
  const ids: number[] = []
  for (const id of importedIds()) {
    const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: amina.id })
    if (detail.hypotheses[0]?.reference === null) ids.push(id)
  }
  for (const [i, key] of ['accepted', 'corrected', 'flagged', 'reviewed', 'sentBack'].entries())
    chosen[key] = ids[i]!
  await save(chosen.accepted!, (h) => h)
  await save(chosen.corrected!, (h) => `${h} sokoni`)
  await save(chosen.flagged!, (h) => h, 'flagged')
  const approved = await save(chosen.reviewed!, (h) => `${h} leo`)
  await ok('review.decide', {
    revisionId: approved.id,
    actorId: reviewer.id,
    verdict: 'approve',
    comment: '',
  })
  const rejected = await save(chosen.sentBack!, (h) => `${h} jana`)
  await ok('review.decide', {
    revisionId: rejected.id,
    actorId: reviewer.id,
    verdict: 'reject',
    comment: 'listen again',
  })
  // One speaker none of the above belongs to withdraws research consent.
  const touched = Object.values(chosen)
  const speaker = db()
    .prepare(
      `SELECT speaker_id AS id, count(*) AS n FROM utterance
       WHERE merged_into IS NULL AND speaker_id IS NOT NULL
         AND speaker_id NOT IN (SELECT speaker_id FROM utterance WHERE id IN (SELECT value FROM json_each(?)))
       GROUP BY speaker_id ORDER BY speaker_id LIMIT 1`,
    )
    .get(JSON.stringify(touched)) as { id: number; n: number }
  await ok('consent.withdraw', {
    actorId: lead.id,
    speakerId: speaker.id,
    scope: 'research_release',
  })
  withdrawnUtterances = (
    db()
      .prepare(
        `SELECT count(*) AS n FROM utterance u WHERE u.merged_into IS NULL AND u.speaker_id = ?
           AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.source_kind = 'import')`,
      )
      .get(speaker.id) as { n: number }
  ).n
}, 300_000)

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('an export by default', () => {
  it('holds transcripts people decided on or imported, and counts what it leaves out and why', async () => {
    const counts = await preview()
    const machineOnly = (
      db()
        .prepare(
          `SELECT count(*) AS n FROM utterance u WHERE u.merged_into IS NULL AND u.status = 'pseudo'
             AND NOT EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.draft = 0)`,
        )
        .get() as { n: number }
    ).n
    const all = (
      db().prepare('SELECT count(*) AS n FROM utterance WHERE merged_into IS NULL').get() as {
        n: number
      }
    ).n
    expect(counts.standings).toMatchObject({ reviewed: 1, corrected: 1 })
    expect(counts.standings.accepted).toBeUndefined()
    expect(counts.standings.machineDraft).toBeUndefined()
    expect(counts.leftOut).toMatchObject({
      accepted: 1,
      flagged: 1,
      pending: 1,
      consent: withdrawnUtterances,
    })
    expect(counts.leftOut.machineDraft ?? 0).toBe(machineOnly)
    // Imported transcripts count as people's: all of them are in but the five worked on and
    // those of the speaker who withdrew.
    expect(counts.standings.imported).toBe(importedIds().length - 5 - withdrawnUtterances)
    // Every utterance is either exported or left out for one reason.
    expect(counts.utterances).toBe(sum(counts.standings))
    expect(counts.utterances + sum(counts.leftOut)).toBe(all)
    expect(counts.durationSec).toBeGreaterThan(0)
    expect(counts.speakers).toBeGreaterThan(0)
  })

  it('writes the counts its preview showed, in its summary and its datasheet', async () => {
    const before = await preview()
    const summary = await exportWith('default')
    expect(countsOf(summary)).toEqual(countsOf(before))
    expect(summary.withoutConsent).toBe(withdrawnUtterances)
    const sheet = JSON.parse(readFileSync(join(summary.directory, 'datasheet.json'), 'utf8')) as {
      standings: { standing: string; utterances: number }[]
      leftOut: { reason: string; utterances: number }[]
      filters: { includeAccepted: boolean }
    }
    expect(Object.fromEntries(sheet.standings.map((s) => [s.standing, s.utterances]))).toEqual(
      before.standings,
    )
    // The datasheet says nothing of speakers without consent, not even a count.
    expect(sheet.leftOut.map((l) => l.reason)).not.toContain('consent')
    expect(Object.fromEntries(sheet.leftOut.map((l) => [l.reason, l.utterances]))).toEqual(
      Object.fromEntries(Object.entries(before.leftOut).filter(([reason]) => reason !== 'consent')),
    )
    expect(sheet.filters.includeAccepted).toBe(false)
    const readme = readFileSync(join(summary.directory, 'README.md'), 'utf8')
    expect(readme).toMatch(/machine text accepted as-is: left out/)
    expect(readme).toMatch(/- 1: machine text accepted as-is/)
  })

  it('takes machine text accepted as-is only when asked, and names it', async () => {
    const counts = await preview({ includeAccepted: true })
    expect(counts.standings.accepted).toBe(1)
    expect(counts.leftOut.accepted).toBeUndefined()
    const summary = await exportWith('with-accepted', { includeAccepted: true })
    expect(countsOf(summary)).toEqual(countsOf(counts))
    const csv = readdirSync(join(summary.directory, 'csv'))
      .map((f) => readFileSync(join(summary.directory, 'csv', f), 'utf8'))
      .join('')
    expect(csv).toContain(`utt${String(chosen.accepted).padStart(6, '0')}`)
    const readme = readFileSync(join(summary.directory, 'README.md'), 'utf8')
    expect(readme).toMatch(/- 1 machine text accepted as-is/)
  })

  it('is previewed by leads only', async () => {
    const refusal = await refused('export.preview', { actorId: amina.id, use: 'research_release' })
    expect(refusal.kind).toBe('forbidden')
  })

  it('is previewed by `sauti export --dry-run`, which writes nothing', async () => {
    const expected = await preview()
    const runs = (): unknown => db().prepare('SELECT count(*) AS n FROM export_run').get()
    const before = runs()
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(appRoot, 'src/main/hosts/cli.ts'),
        '--data-dir',
        dataDir,
        '--project',
        wb.project.ref.id,
        '--json',
        'export',
        '--dry-run',
        '--use',
        'research_release',
        '--as',
        'Lead',
      ],
      { encoding: 'utf8', cwd: appRoot, timeout: 120_000 },
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual(expected)
    const words = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(appRoot, 'src/main/hosts/cli.ts'),
        '--data-dir',
        dataDir,
        '--project',
        wb.project.ref.id,
        'export',
        '--dry-run',
        '--use',
        'research_release',
        '--as',
        'Lead',
      ],
      { encoding: 'utf8', cwd: appRoot, timeout: 120_000 },
    )
    expect(words.stdout).toMatch(/^Would export \d+ utterance\(s\), [\d.]+ min, from \d+ speaker/m)
    expect(words.stdout).toMatch(/1 machine text accepted as-is/)
    expect(words.stdout).toMatch(/Left out: .*\bflagged\b/)
    expect(runs()).toEqual(before)
  }, 240_000)
})
