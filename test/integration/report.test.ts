import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import type { Workbench } from '../../src/main/core/workbench'
import type { Annotator, ProjectReport, UtteranceDetail } from '../../src/shared/domain'
import { insertHypotheses, insertRows } from '../support/db'
import { appRoot } from '../support/fixtures'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'

let wb: Workbench
let dataDir: string
let dispose: () => Promise<void>
let report: ProjectReport
let html: string
const db = () => wb.project.db
const now = '2026-03-01T10:00:00.000Z'

const { ok } = contractCalls(() => wb)

/**
 * Two labelled Hindi–English utterances by speakers of two dialects (WER 1/5 and 2/5), one
 * unlabelled, one double-annotated; two checkpoints; a reviewer whose name is markup.
 */
async function seed(): Promise<void> {
  insertRows(db(), 'recording', [
    {
      sha256: 'a'.repeat(64),
      original_name: 'visit.wav',
      source_path: '/visit.wav',
      format: 'wav',
      byte_size: 10,
      duration_sec: 60,
      sample_rate: 16000,
      channels: 1,
      imported_at: now,
    },
  ])
  insertRows(db(), 'model', [
    { sha256: 'c'.repeat(64), name: 'starter', path: '/m', manifest: '{}', registered_at: now },
  ])
  insertRows(db(), 'label_run', [
    { model_id: 1, status: 'done', utterances: 2, started_at: now, finished_at: now },
  ])
  for (const [i, sec, wer, cer] of [
    [1, 120, 0.5, 0.3],
    [2, 300, 0.4, 0.2],
  ] as const)
    insertRows(db(), 'checkpoint', [
      {
        model_id: 1,
        path: `/ckpt/${i}`,
        sha256: String(i).repeat(64),
        metrics: JSON.stringify({ dev: { cer, wer, utterances: 3 }, correctedSec: sec }),
        created_at: `2026-03-0${i}T12:00:00.000Z`,
      },
    ])
  const coastal = ensureSpeaker(db(), { code: 'SPK-C', dialect: 'coastal' })
  const inland = ensureSpeaker(db(), { code: 'SPK-I', dialect: 'inland' })
  for (const s of [coastal, inland])
    recordConsent(db(), { speakerId: s, scope: 'annotation', grantedAt: now })
  const utterances: [number, string, string | null][] = [
    [coastal, 'hi', 'mujhe kal ऑफिस jana hai'],
    [inland, 'hi', 'yeh meeting lambi'],
    [inland, 'hi', null],
    [coastal, 'sw', null],
  ]
  utterances.forEach(([speaker, language, hyp], i) => {
    insertRows(db(), 'utterance', [
      {
        recording_id: 1,
        start_sec: i * 4,
        end_sec: i * 4 + 3,
        speaker_id: speaker,
        language,
        status: 'pseudo',
        created_at: now,
      },
    ])
    if (hyp)
      insertHypotheses(db(), [
        { utterance_id: i + 1, model_id: 1, rank: 1, text: hyp, score: -1, created_at: now },
      ])
  })
  const amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  const baraka = await ok<Annotator>('annotator.create', { name: 'Baraka', role: 'annotator' })
  const zawadi = await ok<Annotator>('annotator.create', {
    name: '<b>Zawadi & co</b>',
    role: 'reviewer',
  })
  const byAmina = { kind: 'annotator' as const, annotatorId: amina.id }
  appendRevision(db(), {
    utteranceId: 1,
    text: 'mujhe kal office jana hai',
    spans: [{ start: 2, end: 3, lang: 'en' }],
    source: byAmina,
    createdAt: '2026-03-01T09:00:00.000Z',
  })
  appendRevision(db(), {
    utteranceId: 2,
    text: 'yeh meeting bahut lambi thi',
    spans: [{ start: 1, end: 2, lang: 'en' }],
    source: byAmina,
    createdAt: '2026-03-01T09:30:00.000Z',
  })
  appendRevision(db(), {
    utteranceId: 3,
    text: 'theek hai',
    source: { kind: 'annotator', annotatorId: baraka.id },
    createdAt: '2026-03-02T09:00:00.000Z',
  })
  db().prepare("UPDATE utterance SET status = 'corrected' WHERE id IN (1, 2, 3)").run()
  await ok('review.decide', {
    revisionId: 1,
    actorId: zawadi.id,
    verdict: 'approve',
    comment: '<script>alert(1)</script>',
  })
  await ok('review.updateSettings', { doubleAnnotationShare: 1 })
  for (const [who, text] of [
    [amina, 'asante sana'],
    [baraka, 'asante sanaa'],
  ] as const) {
    const d = await ok<UtteranceDetail>('utterance.get', { id: 4, actorId: who.id })
    await ok('utterance.save', {
      id: 4,
      actorId: who.id,
      baseRevisionId: d.head?.id ?? null,
      text,
    })
  }
}

beforeAll(async () => {
  ;({ workbench: wb, dataDir, dispose } = await openTestWorkbench('report'))
  await seed()
  ;({ report, html } = await ok<{ report: ProjectReport; html: string }>('report.project', {}))
}, 120_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

/** The rows of the table under a heading, as text cells. */
function section(id: string): string {
  const start = html.indexOf(`<section id="${id}">`)
  expect(start, id).toBeGreaterThan(-1)
  return html.slice(start, html.indexOf('</section>', start))
}
/** The first cells of a row, and a whole row. */
const rowStart = (...cells: string[]): string => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}`
const row = (...cells: string[]): string => `${rowStart(...cells)}</tr>`

describe('the project quality report', () => {
  it('scores the model that labelled the project last, by speaker group, with PIER', () => {
    const e = report.evaluation!
    expect(e).toMatchObject({ model: 'starter', utterances: 2, unlabelled: 2, wer: 0.3 })
    const dialects = e.codeSwitching.byGroup.filter((g) => g.attribute === 'dialect')
    expect(dialects.map((g) => [g.value, g.wer.n, g.wer.rate])).toEqual([
      ['coastal', 5, 0.2],
      ['inland', 5, 0.4],
    ])
    const metrics = section('metrics')
    expect(metrics).toContain(row('WER', '30.0%', '10', '1', '2', '0'))
    expect(metrics).toContain(rowStart('dialect', 'coastal', '1', '20.0%', '5', '1', '0', '0'))
    expect(metrics).toContain(rowStart('dialect', 'inland', '1', '40.0%', '5', '0', '2', '0'))
    const pier = e.codeSwitching.pier
    expect(metrics).toContain(
      row('PIER', `${((pier.rate ?? 0) * 100).toFixed(1)}%`, String(pier.n), '1', '1', '0'),
    )
    expect(metrics).toContain('<svg')
  })

  it('reports agreement, throughput per annotator and day, reviews and the learning curve', () => {
    expect(report.agreement).toMatchObject({ pending: 1, adjudicated: 0 })
    expect(report.agreement.pairs[0]).toMatchObject({
      reference: 'Amina',
      other: 'Baraka',
      wer: { rate: 0.5, n: 2 },
    })
    const cer = `${(report.agreement.pairs[0]!.cer.rate * 100).toFixed(1)}%`
    expect(section('agreement')).toContain(
      rowStart('Amina', 'Baraka', '1', '0', '50.0%', '2', '1', '0', '0', cer),
    )
    expect(report.throughput.filter((t) => t.day.startsWith('2026-03'))).toEqual([
      { annotator: 'Amina', day: '2026-03-01', utterances: 2, audioMinutes: 0.1 },
      { annotator: 'Baraka', day: '2026-03-02', utterances: 1, audioMinutes: 0.05 },
    ])
    const throughput = section('throughput')
    expect(throughput).toContain(row('2026-03-01', 'Amina', '2', '0.10'))
    expect(throughput).toContain(row('&lt;b&gt;Zawadi &amp; co&lt;/b&gt;', '1', '0'))
    expect(report.learningCurve.map((c) => [c.correctedMinutes, c.devWer, c.devCer])).toEqual([
      [2, 0.5, 0.3],
      [5, 0.4, 0.2],
    ])
    expect(section('learning-curve')).toContain('<td>5.0</td><td>40.0%</td><td>20.0%</td>')
  })

  it('shows which language the model wrote at the switch points', () => {
    // ऑफिस for "office": a substitution in a script no tagged language uses; "bahut" deleted.
    expect(report.switchConfusion).toEqual([
      { reference: 'en', hypothesis: 'en', count: 1 },
      { reference: 'en', hypothesis: 'unknown', count: 1 },
      { reference: 'hi', hypothesis: '(deleted)', count: 1 },
      { reference: 'hi', hypothesis: 'hi', count: 3 },
    ])
    expect(section('switch-confusion')).toContain(row('en', 'unknown', '1'))
  })

  it('draws a chart in every section, is self-contained and escapes the project’s text', () => {
    for (const id of ['metrics', 'agreement', 'throughput', 'learning-curve', 'switch-confusion'])
      expect(section(id), id).toMatch(/<svg[^>]*>[\s\S]*<\/svg>/)
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i)
    expect(html).not.toMatch(/(src|href)="https?:/)
    expect(html).not.toContain('<b>Zawadi')
    expect(html).toContain("default-src 'none'")
  })

  it('is written by `sauti report` as HTML and as JSON that matches the call', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sauti-report-'))
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(appRoot, 'src/main/hosts/cli.ts'),
        '--data-dir',
        dataDir,
        '--project',
        'report',
        'report',
        '--out',
        join(dir, 'report.html'),
        '--json',
        join(dir, 'report.json'),
      ],
      { encoding: 'utf8', cwd: appRoot, timeout: 60_000 },
    )
    expect(run.status, run.stderr).toBe(0)
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ProjectReport
    expect({ ...json, generatedAt: '' }).toEqual({ ...report, generatedAt: '' })
    const written = readFileSync(join(dir, 'report.html'), 'utf8')
    expect(written.replace(json.generatedAt, '')).toBe(html.replace(report.generatedAt, ''))
  })
})
