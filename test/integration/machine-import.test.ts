import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap } from '../../src/shared/contract'
import type {
  AnnotationImportSummary,
  Annotator,
  AuditReport,
  ExportCounts,
  ImportSummary,
  Page,
  ProjectSummary,
  QueuePage,
  RevisionInfo,
  Speaker,
  Utterance,
  UtteranceDetail,
} from '../../src/shared/domain'
import { defaultExportSources, defaultExportStatuses } from '../../src/shared/domain'
import { labelledUtterances } from '../../src/main/core/adapt/dataset'
import { assignSplits } from '../../src/main/core/adapt/splits'
import { planExport } from '../../src/main/core/export/plan'
import type { Workbench } from '../../src/main/core/workbench'
import { demoDir, formatFixtures } from '../support/fixtures'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'
import { oneUtteranceEaf } from '../support/eaf'

/**
 * Another recogniser's transcripts imported to be corrected (docs/formats.md, "Machine output"):
 * they wait in the queue as drafts named after their recogniser, are neither trained on nor
 * counted as transcribed nor exported by default, until a person saves them.
 */
let wb: Workbench
let dispose: () => Promise<void>
const folder = mkdtempSync(join(tmpdir(), 'sauti-machine-'))
const { ok } = contractCalls(() => wb)
let lead: Annotator
let amina: Annotator

const db = (): Workbench['project']['db'] => wb.project.db
/** What training would take now: splits given to what is transcribed, then the labelled pool. */
function trainingPool(): { utteranceId: number; source: string }[] {
  assignSplits(db())
  return labelledUtterances(db())
}

async function finished(jobId: string): Promise<EventMap['job.finished']> {
  const seen = new Map<string, EventMap['job.finished']>()
  const off = wb.events.on('job.finished', (f) => seen.set(f.jobId, f))
  try {
    await wb.jobs.wait(jobId)
    return seen.get(jobId)!
  } finally {
    off()
  }
}

async function importMachine(paths: string[], system: string | null): Promise<ImportSummary> {
  const { jobId } = await ok<{ jobId: string }>('import.start', {
    paths,
    machineOutput: { system },
    actorId: lead.id,
  })
  return (await finished(jobId)).summary!
}

async function grantAll(code: string): Promise<void> {
  const speakers = await ok<Speaker[]>('speaker.list', {})
  await ok('consent.grant', {
    actorId: lead.id,
    speakerId: speakers.find((s) => s.code === code)!.id,
    scopes: ['annotation', 'model_training', 'research_release'],
    grantedAt: '2026-01-01',
  })
}

const preview = (): Promise<ExportCounts> =>
  ok<ExportCounts>('export.preview', { actorId: lead.id, use: 'research_release' })

function idOf(name: string): number {
  return (
    db()
      .prepare(
        'SELECT u.id FROM utterance u JOIN recording r ON r.id = u.recording_id WHERE r.original_name = ?',
      )
      .get(name) as { id: number }
  ).id
}

async function save(id: number, text: string): Promise<RevisionInfo> {
  const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: amina.id })
  const saved = await ok<{ revision: RevisionInfo }>('utterance.save', {
    id,
    actorId: amina.id,
    baseRevisionId: detail.head?.id ?? null,
    text,
  })
  return saved.revision
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('machine'))
  lead = await ok<Annotator>('annotator.create', { name: 'Lead', role: 'lead' })
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  mkdirSync(join(folder, 'clips'))
  copyFileSync(join(formatFixtures, 'clip.flac'), join(folder, 'clips', 'one.flac'))
  copyFileSync(join(formatFixtures, 's16.wav'), join(folder, 'clips', 'two.wav'))
  writeFileSync(
    join(folder, 'manifest.tsv'),
    [
      'path\ttranscript\tspeaker\tlanguage',
      'clips/one.flac\tsauti test clip one two three\tSPK-M\tsw',
      'clips/two.wav\thabari ya asubuhi\tSPK-M\tsw',
    ].join('\n') + '\n',
  )
}, 60_000)
afterAll(async () => {
  await dispose()
  rmSync(folder, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('a folder whose manifest holds machine output', () => {
  it('says in its summary that the transcripts came in as machine output', async () => {
    const summary = await importMachine([folder], 'whisper-large-v3')
    expect(summary).toMatchObject({
      imported: 2,
      revisions: 2,
      machineOutput: { system: 'whisper-large-v3' },
      rejected: [],
    })
    await grantAll('SPK-M')
  }, 60_000)

  it('puts the utterances in the queue with the text to correct and where it came from', async () => {
    const page = await ok<QueuePage>('queue.list', { filter: { status: ['new', 'pseudo'] } })
    expect(page.items.map((i) => [i.text, i.machineImport]).sort()).toEqual([
      ['habari ya asubuhi', true],
      ['sauti test clip one two three', true],
    ])
    const detail = await ok<UtteranceDetail>('utterance.get', {
      id: idOf('one.flac'),
      actorId: amina.id,
    })
    expect(detail.head).toMatchObject({
      text: 'sauti test clip one two three',
      sourceKind: 'import',
      draft: true,
    })
    expect(detail.machineImport).toMatchObject({
      text: 'sauti test clip one two three',
      system: 'whisper-large-v3',
      ref: `${join(folder, 'manifest.tsv')}:2`,
      importedBy: 'Lead',
    })
    expect(detail.utterance.machineOutput).toEqual({ system: 'whisper-large-v3' })
  })

  it('leaves them out of training and of what counts as transcribed', async () => {
    expect(trainingPool()).toEqual([])
    const speakers = await ok<Speaker[]>('speaker.list', {})
    expect(speakers.find((s) => s.code === 'SPK-M')?.transcribed).toBe(0)
    expect(await ok<ProjectSummary>('project.summary', {})).toMatchObject({
      utteranceCount: 2,
      transcribedCount: 0,
    })
    // The Recordings screen's list shows them as the recogniser's, not as a person's.
    const listed = await ok<Page<Utterance>>('utterance.list', {})
    expect(listed.items.map((u) => [u.text, u.textSource, u.machineOutput])).toEqual([
      ['sauti test clip one two three', 'import', { system: 'whisper-large-v3' }],
      ['habari ya asubuhi', 'import', { system: 'whisper-large-v3' }],
    ])
  })

  it('leaves them out of an export by default, counted and named in its preview', async () => {
    const counts = await preview()
    expect(counts.utterances).toBe(0)
    expect(counts.leftOut).toEqual({ machineImport: 2 })
    expect(counts.machineOutput).toEqual([{ system: 'whisper-large-v3', utterances: 2 }])
    // The datasheet's notes name them too.
    const plan = planExport(
      db(),
      {
        use: 'research_release',
        audio: 'wav',
        statuses: [...defaultExportStatuses],
        sources: [...defaultExportSources],
        languages: [],
      },
      new Date().toISOString(),
    )
    expect(plan.notes).toContainEqual(
      expect.stringMatching(
        /imported machine output .*\(2 from whisper-large-v3\): 0 exported, 2 left out/,
      ),
    )
    // Asked for machine text (source `model`, statuses `new`/`pseudo`), they are exported.
    const asked = await ok<ExportCounts>('export.preview', {
      actorId: lead.id,
      use: 'research_release',
      statuses: ['new', 'pseudo'],
      sources: ['model'],
    })
    expect(asked.standings).toEqual({ machineImport: 2 })
  })

  it('does not replace a transcript people wrote with machine output', async () => {
    const human = join(folder, 'people.tsv')
    writeFileSync(human, 'path\ttranscript\nclips/two.wav\thabari za asubuhi\n')
    const { jobId } = await ok<{ jobId: string }>('import.start', { paths: [human] })
    expect((await finished(jobId)).summary!.revisions).toBe(1)
    const again = await importMachine([folder], 'whisper-large-v3')
    expect(again.revisions).toBe(0)
    expect(again.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/imported transcript written by people.*machine output differs/),
    ])
  }, 60_000)

  it('becomes a person’s transcript once someone saves it', async () => {
    const id = idOf('one.flac')
    await save(id, 'sauti test clip one two three four')
    expect(trainingPool().map((l) => [l.utteranceId, l.source])).toContainEqual([id, 'annotator'])
    const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: amina.id })
    expect(detail.machineImport).toBeNull()
    expect(detail.utterance.machineOutput).toBeNull()
    const listed = await ok<Page<Utterance>>('utterance.list', {})
    expect(listed.items.find((u) => u.id === id)).toMatchObject({
      textSource: 'annotator',
      machineOutput: null,
    })
    expect((await ok<ProjectSummary>('project.summary', {})).transcribedCount).toBe(2)
    const page = await ok<QueuePage>('queue.list', { filter: { status: ['new', 'pseudo'] } })
    expect(page.items.map((i) => i.id)).not.toContain(id)
    const counts = await preview()
    expect(counts.standings).toEqual({ corrected: 1, imported: 1 })
    expect(counts.leftOut).toEqual({})
    expect(counts.machineOutput).toEqual([])
    // The chain of every revision, the machine output's included, still verifies.
    expect((await ok<AuditReport>('audit.verify', {})).ok).toBe(true)
  })
})

describe('annotation (ELAN) holding machine output', () => {
  it('comes in as drafts to correct, and machine text saved unchanged stands as accepted as-is', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sauti-machine-eaf-'))
    copyFileSync(join(demoDir, 'audio', 'sw-001.flac'), join(work, 'sw-001.flac'))
    writeFileSync(join(work, 'auto.eaf'), oneUtteranceEaf('SPK-E', 'habari za asubuhi'))
    try {
      const { jobId } = await ok<{ jobId: string }>('annotation.import', {
        paths: [join(work, 'auto.eaf')],
        machineOutput: { system: null },
      })
      const summary: AnnotationImportSummary = (await finished(jobId)).annotations!
      expect(summary.machineOutput).toEqual({ system: null })
      expect(summary.imported).toMatchObject([{ utterances: 1, revisions: 1 }])
      await grantAll('SPK-E')
      const id = (
        db().prepare('SELECT id FROM utterance WHERE start_sec = 0.1 AND end_sec = 0.9').get() as {
          id: number
        }
      ).id
      const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: amina.id })
      expect(detail.machineImport).toMatchObject({
        text: 'habari za asubuhi',
        system: null,
        ref: expect.stringMatching(/auto\.eaf#auto_a1$/),
        importedBy: null,
      })
      expect(detail.utterance.machineOutput).toEqual({ system: null })
      expect(trainingPool().map((l) => l.utteranceId)).not.toContain(id)
      expect((await preview()).machineOutput).toEqual([{ system: null, utterances: 1 }])
      // Saved as it came: a person's transcript now, but machine text accepted as-is for export.
      await save(id, 'habari za asubuhi')
      expect(trainingPool().map((l) => l.utteranceId)).toContain(id)
      const counts = await preview()
      expect(counts.leftOut).toEqual({ accepted: 1 })
      expect(counts.machineOutput).toEqual([])
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 60_000)
})
