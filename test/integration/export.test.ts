import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap } from '../../src/shared/contract'
import type {
  AnnotationImportSummary,
  Annotator,
  ExportSummary,
  Speaker,
} from '../../src/shared/domain'
import type { Workbench } from '../../src/main/core/workbench'
import { eafProblems } from '../unit/corpus/eaf-structure'
import { validateKaldiDir } from '../unit/corpus/kaldi-validate'
import { textGridTiers } from '../unit/corpus/sample'
import { appRoot, demoDir } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'

/**
 * Exports of a real project (demo clips in Swahili, Hindi, English and code-switched Hindi–English
 * from five speakers, one transcript corrected by a person) read by the real tools, and read back
 * into a new project through the annotation importer.
 */
const found = (program: string, args: string[]): boolean =>
  spawnSync(program, args, { encoding: 'utf8' }).error === undefined
const hasPraat = found('praat', ['--version'])
const hasXmllint = found('xmllint', ['--version'])

let wb: Workbench
let dispose: () => Promise<void>
let work: string
let lead: Annotator
const files = [
  'sw-001.flac',
  'sw-002.flac',
  'sw-004.flac',
  'hi-001.flac',
  'hi-002.flac',
  'hi-en-001.flac',
  'hi-en-002.flac',
  'en-001.flac',
  'en-002.opus',
  'am-002.wav',
]

async function call<T>(target: Workbench, method: string, input: unknown): Promise<T> {
  const r = await target.call(method, input)
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

async function job(
  target: Workbench,
  method: string,
  input: unknown,
): Promise<EventMap['job.finished']> {
  const seen = new Map<string, EventMap['job.finished']>()
  const off = target.events.on('job.finished', (f) => seen.set(f.jobId, f))
  try {
    const { jobId } = await call<{ jobId: string }>(target, method, input)
    await target.jobs.wait(jobId)
    const f = seen.get(jobId)!
    if (f.status !== 'done') throw new Error(f.error?.message ?? f.status)
    return f
  } finally {
    off()
  }
}

async function exportTo(
  dir: string,
  formats: string[],
  audio: 'wav' | 'originals',
): Promise<ExportSummary> {
  const f = await job(wb, 'export.start', {
    actorId: lead.id,
    use: 'research_release',
    dir,
    formats,
    audio,
    sources: ['annotator', 'import'],
  })
  return f.exported!
}

/** The project's utterances as round trips compare them: audio, speaker, text, times in ms. */
function utterancesOf(
  target: Workbench,
): { sha: string; speaker: string; text: string; start: number; end: number }[] {
  return (
    target.project.db
      .prepare(
        `SELECT r.sha256 AS sha, s.code AS speaker, v.text, u.start_sec, u.end_sec FROM utterance u
         JOIN recording r ON r.id = u.recording_id JOIN speaker s ON s.id = u.speaker_id
         JOIN revision v ON v.id = (SELECT max(id) FROM revision WHERE utterance_id = u.id AND draft = 0)
         WHERE u.merged_into IS NULL`,
      )
      .all() as { sha: string; speaker: string; text: string; start_sec: number; end_sec: number }[]
  )
    .map((u) => ({
      sha: u.sha,
      speaker: u.speaker,
      text: u.text,
      start: u.start_sec,
      end: u.end_sec,
    }))
    .sort((a, b) => (a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : a.start - b.start))
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('export'))
  work = mkdtempSync(join(tmpdir(), 'sauti-export-'))
  const manifest = readFileSync(join(demoDir, 'manifest.tsv'), 'utf8').split('\n')
  const rows = ['path\ttranscript\tspeaker\tlanguage']
  for (const file of files) {
    const [, text, speaker, language] = manifest
      .find((l) => l.startsWith(`audio/${file}\t`))!
      .split('\t')
    rows.push([join(demoDir, 'audio', file), text, speaker, language].join('\t'))
  }
  writeFileSync(join(work, 'manifest.tsv'), rows.join('\n') + '\n')
  expect((await importAndWait(wb, [join(work, 'manifest.tsv')])).imported).toBe(files.length)
  lead = await call<Annotator>(wb, 'annotator.create', { name: 'Lead', role: 'lead' })
  for (const s of await call<Speaker[]>(wb, 'speaker.list', {}))
    await call(wb, 'consent.grant', {
      actorId: lead.id,
      speakerId: s.id,
      scopes: ['annotation', 'research_release'],
      grantedAt: '2026-01-01',
    })
  // One correction by a person, with quotes and markup characters every format must escape.
  const u = wb.project.db.prepare('SELECT id FROM utterance ORDER BY id LIMIT 1').get() as {
    id: number
  }
  const head = wb.project.db
    .prepare('SELECT id FROM revision WHERE utterance_id = ? ORDER BY id DESC')
    .get(u.id) as { id: number }
  await call(wb, 'utterance.save', {
    id: u.id,
    actorId: lead.id,
    baseRevisionId: head.id,
    text: 'Habari za "asubuhi", mama <&> leo?',
  })
}, 180_000)

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('a WAV-segment export read by real tools', () => {
  let root: string
  beforeAll(async () => {
    root = join(work, 'wav')
    await exportTo(root, ['kaldi', 'eaf', 'textgrid', 'huggingface', 'commonvoice', 'nemo'], 'wav')
  }, 120_000)

  it("passes the checks of Kaldi's validate_data_dir.sh in every split, with audio that exists", () => {
    const splits = readdirSync(join(root, 'kaldi'))
    expect(splits.length).toBeGreaterThanOrEqual(2)
    for (const split of splits) {
      const dir = join(root, 'kaldi', split)
      const contents = new Map(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]))
      expect(validateKaldiDir(contents), split).toEqual([])
      for (const name of ['text', 'utt2spk', 'spk2utt', 'wav.scp'])
        expect(
          spawnSync('sort', ['-c', name], { cwd: dir, env: { LC_ALL: 'C' } }).status,
          name,
        ).toBe(0)
      for (const line of contents.get('wav.scp')!.trim().split('\n')) {
        const path = join(root, line.split(' ')[1]!)
        expect(existsSync(path), path).toBe(true)
        const rate = execFileSync('soxi', ['-r', path], { encoding: 'utf8' }).trim()
        expect(rate).toBe('16000')
      }
    }
  })

  it.skipIf(!hasPraat)('opens in Praat with the intervals written', () => {
    const grids = readdirSync(join(root, 'textgrid'))
    expect(grids.length).toBeGreaterThan(0)
    for (const name of grids) {
      const file = join(root, 'textgrid', name)
      const printed = execFileSync(
        'praat',
        ['--run', join(appRoot, 'test/fixtures/corpus/dump-textgrid.praat'), file],
        { encoding: 'utf8' },
      )
        .trimEnd()
        .split('\n')
        .map((l) => l.split('\t'))
      const written = textGridTiers(readFileSync(file, 'utf8')).flatMap(([tier, intervals]) =>
        intervals.map(([s, e, text]) => [tier, s, e, text] as const),
      )
      expect(printed).toHaveLength(written.length)
      printed.forEach((p, i) => {
        const w = written[i]!
        expect([p[0], p[3] ?? '']).toEqual([w[0], w[3]])
        expect(Math.abs(Number(p[1]) - w[1])).toBeLessThan(1e-6)
        expect(Math.abs(Number(p[2]) - w[2])).toBeLessThan(1e-6)
      })
    }
  })

  it.skipIf(!hasXmllint)('has ELAN documents xmllint accepts, linking audio that exists', () => {
    for (const name of readdirSync(join(root, 'eaf'))) {
      const file = join(root, 'eaf', name)
      expect(spawnSync('xmllint', ['--noout', file]).status).toBe(0)
      const xml = readFileSync(file, 'utf8')
      expect(eafProblems(xml)).toEqual([])
      const media = /RELATIVE_MEDIA_URL="([^"]+)"/.exec(xml)![1]!
      expect(existsSync(join(root, 'eaf', decodeURIComponent(media)))).toBe(true)
    }
  })

  it('has a Hugging Face audiofolder and Common Voice TSVs whose clips exist', () => {
    for (const split of readdirSync(join(root, 'clips'))) {
      const meta = readFileSync(join(root, 'clips', split, 'metadata.jsonl'), 'utf8')
        .trim()
        .split('\n')
      for (const line of meta) {
        const row = JSON.parse(line) as { file_name: string }
        expect(existsSync(join(root, 'clips', split, row.file_name))).toBe(true)
      }
      const tsv = readFileSync(join(root, `${split}.tsv`), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
      expect(tsv).toHaveLength(meta.length)
      for (const row of tsv)
        expect(statSync(join(root, 'clips', row.split('\t')[1]!)).size).toBeGreaterThan(44)
    }
  })
})

describe('export → import round trips', () => {
  let root: string
  let source: ReturnType<typeof utterancesOf>
  beforeAll(async () => {
    root = join(work, 'originals')
    await exportTo(root, ['kaldi', 'eaf', 'textgrid'], 'originals')
    source = utterancesOf(wb)
  }, 120_000)

  const roundTrip = async (paths: string[]): Promise<void> => {
    const fresh = await openTestWorkbench(`back-${Math.random().toString(36).slice(2, 8)}`)
    try {
      const f = await job(fresh.workbench, 'annotation.import', { paths })
      const summary = f.annotations as AnnotationImportSummary
      expect(summary.rejected).toEqual([])
      const back = utterancesOf(fresh.workbench)
      expect(back).toHaveLength(source.length)
      back.forEach((u, i) => {
        const s = source[i]!
        expect({ sha: u.sha, speaker: u.speaker, text: u.text }).toEqual({
          sha: s.sha,
          speaker: s.speaker,
          text: s.text,
        })
        expect(Math.abs(u.start - s.start)).toBeLessThanOrEqual(0.001)
        expect(Math.abs(u.end - s.end)).toBeLessThanOrEqual(0.001)
      })
      const sources = fresh.workbench.project.db
        .prepare('SELECT DISTINCT source_kind, source_ref FROM revision')
        .all() as { source_kind: string; source_ref: string }[]
      expect(sources.every((r) => r.source_kind === 'import' && r.source_ref.includes('#'))).toBe(
        true,
      )
    } finally {
      await fresh.dispose()
    }
  }

  it('ELAN keeps text, times (within 1 ms) and speakers', async () => {
    await roundTrip(readdirSync(join(root, 'eaf')).map((n) => join(root, 'eaf', n)))
  }, 120_000)

  it('Praat TextGrid keeps text, times and speakers', async () => {
    await roundTrip(readdirSync(join(root, 'textgrid')).map((n) => join(root, 'textgrid', n)))
  }, 120_000)

  it('a Kaldi data directory keeps text, times and speakers (codes Kaldi cannot hold come back)', async () => {
    await roundTrip(readdirSync(join(root, 'kaldi')).map((n) => join(root, 'kaldi', n)))
  }, 120_000)
})
