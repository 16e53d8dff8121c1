import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSpeaker } from '../../src/main/core/consent/speakers'
import type { Workbench } from '../../src/main/core/workbench'
import type {
  Annotator,
  ConsentImportSummary,
  ConsentRecord,
  TableProblem,
} from '../../src/shared/domain'
import { cliOn } from '../support/cli'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'

/** A lead's consent spreadsheet: all rows or none, every bad row named (docs/consent.md). */
let wb: Workbench
let dispose: () => Promise<void>
let dataDir: string
let lead: Annotator
let annotator: Annotator
let forms: string

const { ok, refused } = contractCalls(() => wb)
const consentRows = (): number =>
  (wb.project.db.prepare('SELECT count(*) AS n FROM consent').get() as { n: number }).n
function table(name: string, lines: string[]): string {
  const file = join(forms, name)
  writeFileSync(file, lines.join('\n') + '\n')
  return file
}

beforeAll(async () => {
  ;({ workbench: wb, dispose, dataDir } = await openTestWorkbench('consent-import'))
  for (let i = 1; i <= 5; i++) ensureSpeaker(wb.project.db, { code: `SPK-${i}` })
  lead = await ok<Annotator>('annotator.create', { name: 'Zawadi', role: 'lead' })
  annotator = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  forms = join(dataDir, 'forms')
  mkdirSync(join(forms, 'scans'), { recursive: true })
  writeFileSync(join(forms, 'scans', 'spk-1.pdf'), 'form one')
  writeFileSync(join(forms, 'scans', 'spk-2.pdf'), 'form two')
  writeFileSync(join(dataDir, 'elsewhere.pdf'), 'not beside the table')
}, 60_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('consent.import', () => {
  it('refuses a table with problems whole, naming the file, line and problem of every bad row', async () => {
    const file = table('bad.csv', [
      'speaker,scopes,granted,expires,evidence',
      'SPK-1,annotation;model_training,2026-01-10,,scans/spk-1.pdf',
      'SPK-9,annotation,2026-01-10,,',
      '',
      'SPK-2,annotaton,2026-02-30,,',
      'SPK-3,annotation,2026-03-01,2026-02-01,',
      'SPK-4,annotation,2026-03-01,,../elsewhere.pdf',
      '"SPK-5","annotation, research_release",2026-03-01,,scans/missing.pdf',
    ])
    const error = await refused('consent.import', { actorId: lead.id, table: { path: file } })
    expect(error.kind).toBe('bad_input')
    const problems = (error.details as { problems: TableProblem[] }).problems
    expect(problems.map((p) => [p.line, p.problem])).toEqual([
      [3, expect.stringMatching(/no speaker "SPK-9" in the project/)],
      [
        5,
        'unknown scope "annotaton" (scopes: annotation, model_training, research_release, public_release, commercial)',
      ],
      [5, expect.stringMatching(/^granted: not a day of the calendar/)],
      [6, 'consent must expire after it is granted'],
      [7, expect.stringMatching(/must be a file in the table's folder or below it/)],
      [8, expect.stringMatching(/no such file beside the table/)],
    ])
    expect(problems.every((p) => p.file === file)).toBe(true)
    expect(error.message).toMatch(/6 problems, nothing was recorded:\nline 3: no speaker "SPK-9"/)
    expect(consentRows()).toBe(0)

    const columns = await refused('consent.import', {
      actorId: lead.id,
      table: { name: 'x.csv', text: 'who,scopes\nSPK-1,annotation\n' },
    })
    expect(columns.message).toMatch(/line 1: unknown column "who"/)
    expect(columns.message).toMatch(/line 1: no "speaker" column/)
    expect(columns.message).toMatch(/line 1: no "granted" column/)
  })

  it('is a lead’s: an annotator is refused', async () => {
    const file = table('one.tsv', ['speaker\tscopes\tgranted', 'SPK-1\tannotation\t2026-01-10'])
    const error = await refused('consent.import', { actorId: annotator.id, table: { path: file } })
    expect(error).toMatchObject({ kind: 'forbidden' })
    expect(consentRows()).toBe(0)
  })

  it('checks without recording in a dry run, then records every row with its evidence, by the lead', async () => {
    const file = table('good.tsv', [
      'Speaker\tScopes\tGranted\tExpires\tEvidence\tNote',
      'SPK-1\tannotation,model_training\t2026-01-10\t2028-01-10\tscans/spk-1.pdf\tsigned form',
      'SPK-2\tannotation research_release\t2026-01-11\t\tscans/spk-2.pdf\t',
      'SPK-3\tannotation\t2026-01-12T09:30:00Z\t\t\toral, recorded by Zawadi',
    ])
    const input = { actorId: lead.id, table: { path: file } }
    const dry = await ok<ConsentImportSummary>('consent.import', { ...input, dryRun: true })
    expect(dry).toMatchObject({ dryRun: true, rows: 3, speakers: 3, records: 5, evidenceFiles: 2 })
    expect(consentRows()).toBe(0)
    const done = await ok<ConsentImportSummary>('consent.import', input)
    expect(done).toMatchObject({ dryRun: false, rows: 3, speakers: 3, records: 5 })
    const records = await ok<ConsentRecord[]>('consent.list', {})
    expect(records).toHaveLength(5)
    const one = records.filter((r) => r.speakerCode === 'SPK-1')
    expect(one.map((r) => r.scope).sort()).toEqual(['annotation', 'model_training'])
    expect(one[0]).toMatchObject({
      grantedAt: '2026-01-10T00:00:00.000Z',
      expiresAt: '2028-01-10T00:00:00.000Z',
      evidence: { originalName: 'spk-1.pdf' },
      evidenceNote: 'signed form',
      recordedBy: 'Zawadi',
    })
    expect(records.find((r) => r.speakerCode === 'SPK-3')).toMatchObject({
      evidence: null,
      evidenceNote: 'oral, recorded by Zawadi',
    })
  })

  it('registers new speakers only when asked; a table sent as text names no evidence files', async () => {
    const text =
      'speaker,scopes,granted\nSPK-NEW,annotation,2026-04-01\nSPK-4,annotation,2026-04-01\n'
    const unknown = await refused('consent.import', {
      actorId: lead.id,
      table: { name: 'from-browser.csv', text },
    })
    expect(unknown.message).toMatch(
      /^from-browser\.csv: 1 problem, nothing was recorded:\nline 2: no speaker "SPK-NEW"/,
    )
    const done = await ok<ConsentImportSummary>('consent.import', {
      actorId: lead.id,
      table: { name: 'from-browser.csv', text },
      createSpeakers: true,
    })
    expect(done.createdSpeakers).toEqual(['SPK-NEW'])
    const withEvidence = await refused('consent.import', {
      actorId: lead.id,
      table: {
        name: 'b.csv',
        text: 'speaker,scopes,granted,evidence\nSPK-5,annotation,2026-04-01,form.pdf\n',
      },
    })
    expect(withEvidence.message).toMatch(
      /line 2: evidence "form.pdf": files can be named only in a table read from a folder/,
    )
  })

  it('is `sauti consent import FILE` on the command line', () => {
    const file = table('cli.csv', ['speaker,scopes,granted', 'SPK-5,commercial,2026-05-01'])
    const cli = (...args: string[]) => cliOn(dataDir)('--project', 'consent-import', ...args)
    const run = cli('consent', 'import', file, '--as', 'Zawadi')
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(
      /Recorded 1 consent record\(s\) for 1 speaker\(s\) from 1 row\(s\)\./,
    )
    const bad = cli(
      'consent',
      'import',
      table('cli-bad.csv', ['speaker,scopes,granted', 'SPK-5,selling,2026-05-01']),
      '--as',
      'Zawadi',
    )
    expect(bad.status).not.toBe(0)
    expect(bad.stderr).toMatch(
      /cli-bad\.csv: 1 problem, nothing was recorded:\s+line 2: unknown scope "selling"/,
    )
  }, 60_000)
})
