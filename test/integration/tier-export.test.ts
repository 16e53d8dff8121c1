import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMap } from '../../src/shared/contract'
import type {
  AnnotationImportSummary,
  Annotator,
  ProjectTier,
  Speaker,
} from '../../src/shared/domain'
import type { Workbench } from '../../src/main/core/workbench'
import { eafProblems } from '../unit/corpus/eaf-structure'
import { demoDir } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'

/**
 * A project's own tiers through a real export and back: texts written by a person on demo clips
 * reach the ELAN and Praat files (only for speakers who consented to the use), which xmllint and
 * Praat read, and come back into a new project's tiers through the annotation importer, with
 * the file as their source. Importing them into the project they came from changes nothing.
 */
const fixtures = join(import.meta.dirname, '../fixtures/corpus')
const found = (program: string, args: string[]): boolean =>
  spawnSync(program, args, { encoding: 'utf8' }).error === undefined
const hasPraat = found('praat', ['--version'])
const hasXmllint = found('xmllint', ['--version'])

let wb: Workbench
let dispose: () => Promise<void>
let work: string
let root: string
let lead: Annotator
/** Tier texts as written in the project: speaker, tier, [start, end, text] per interval. */
let written: [string, string, [number, number, string][]][]

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

/** The current tier texts of a project, as `written` holds them, sorted. */
function tierTextsOf(target: Workbench): typeof written {
  const rows = target.project.db
    .prepare(
      `SELECT s.code, t.name, x.intervals FROM tier_text x
       JOIN tier t ON t.id = x.tier_id JOIN utterance u ON u.id = x.utterance_id
       JOIN speaker s ON s.id = u.speaker_id
       WHERE x.id IN (SELECT max(id) FROM tier_text GROUP BY tier_id, utterance_id)`,
    )
    .all() as { code: string; name: string; intervals: string }[]
  return rows
    .map((r): (typeof written)[number] => [
      r.code,
      r.name,
      (JSON.parse(r.intervals) as { start: number; end: number; text: string }[]).map((i) => [
        Math.round(i.start * 1000),
        Math.round(i.end * 1000),
        i.text,
      ]),
    ])
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
}

const files = (dir: string, ext: string): string[] =>
  readdirSync(join(root, dir))
    .filter((f) => f.endsWith(ext))
    .map((f) => join(root, dir, f))

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('tier-export'))
  work = mkdtempSync(join(tmpdir(), 'sauti-tier-export-'))
  const manifest = readFileSync(join(demoDir, 'manifest.tsv'), 'utf8').split('\n')
  const rows = ['path\ttranscript\tspeaker\tlanguage']
  for (const file of ['sw-001.flac', 'sw-002.flac', 'sw-004.flac']) {
    const [, text, speaker, language] = manifest
      .find((l) => l.startsWith(`audio/${file}\t`))!
      .split('\t')
    rows.push([join(demoDir, 'audio', file), text, speaker, language].join('\t'))
  }
  writeFileSync(join(work, 'manifest.tsv'), rows.join('\n') + '\n')
  await importAndWait(wb, [join(work, 'manifest.tsv')])
  lead = await call<Annotator>(wb, 'annotator.create', { name: 'Lead', role: 'lead' })
  // SPK-SW-02 may be annotated but not released: their tier text must stay in the project.
  for (const s of await call<Speaker[]>(wb, 'speaker.list', {}))
    await call(wb, 'consent.grant', {
      actorId: lead.id,
      speakerId: s.id,
      scopes: s.code === 'SPK-SW-02' ? ['annotation'] : ['annotation', 'research_release'],
      grantedAt: '2026-01-01',
    })
  const translation = await call<ProjectTier>(wb, 'tier.define', {
    actorId: lead.id,
    name: 'Translation',
    kind: 'utterance',
  })
  const gloss = await call<ProjectTier>(wb, 'tier.define', {
    actorId: lead.id,
    name: 'Gloss',
    kind: 'time',
  })
  const utterances = wb.project.db
    .prepare(
      `SELECT u.id, u.start_sec, u.end_sec, s.code FROM utterance u
       JOIN speaker s ON s.id = u.speaker_id ORDER BY u.id`,
    )
    .all() as { id: number; start_sec: number; end_sec: number; code: string }[]
  for (const [i, u] of utterances.entries()) {
    const write = (input: object): Promise<unknown> =>
      call(wb, 'tier.write', { actorId: lead.id, utteranceId: u.id, ...input })
    // An older version first: the export carries the newest.
    await write({ tierId: translation.id, text: 'draft' })
    await write({ tierId: translation.id, text: `Translation ${i + 1} of ${u.code}, "quoted" <&>` })
    const mid = (u.start_sec + u.end_sec) / 2
    await write({
      tierId: gloss.id,
      intervals: [
        { start: u.start_sec + 0.1, end: mid, text: `gloss ${i + 1}a` },
        { start: mid + 0.05, end: u.end_sec - 0.1, text: `gloss ${i + 1}b` },
      ],
    })
  }
  written = tierTextsOf(wb)
  root = join(work, 'export')
  await job(wb, 'export.start', {
    actorId: lead.id,
    use: 'research_release',
    dir: root,
    formats: ['eaf', 'textgrid'],
    audio: 'originals',
    sources: ['annotator', 'import'],
  })
}, 180_000)

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

/** What the export should hold: the consented speaker's texts only. */
const released = (): typeof written => written.filter(([speaker]) => speaker === 'SPK-SW-01')

describe("the project's tiers in an export", () => {
  it('are in every ELAN file with their linguistic types, and only for consented speakers', () => {
    const eafs = files('eaf', '.eaf')
    expect(eafs).toHaveLength(2)
    for (const path of eafs) {
      const xml = readFileSync(path, 'utf8')
      expect(eafProblems(xml)).toEqual([])
      if (hasXmllint) expect(spawnSync('xmllint', ['--noout', path]).status).toBe(0)
      expect(xml).toContain(
        '<LINGUISTIC_TYPE CONSTRAINTS="Symbolic_Association" GRAPHIC_REFERENCES="false" LINGUISTIC_TYPE_ID="Translation" TIME_ALIGNABLE="false"/>',
      )
      expect(xml).toMatch(/TIER_ID="SPK-SW-01 - Gloss">/)
      expect(xml).toMatch(/<REF_ANNOTATION [^>]*>\s*<ANNOTATION_VALUE>Translation \d of SPK-SW-01/)
      expect(xml).not.toContain('>draft<')
    }
    for (const dir of ['eaf', 'textgrid'])
      for (const path of files(dir, dir === 'eaf' ? '.eaf' : '.TextGrid'))
        expect(readFileSync(path, 'utf8')).not.toContain('SPK-SW-02')
  })

  it.skipIf(!hasPraat)('are interval tiers Praat lists, with the texts written', () => {
    const seen = files('textgrid', '.TextGrid').flatMap((path) =>
      execFileSync('praat', ['--run', join(fixtures, 'dump-textgrid.praat'), path], {
        encoding: 'utf8',
      })
        .trimEnd()
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([tier, , , label]) => / - (Translation|Gloss)$/.test(tier!) && label),
    )
    const texts = released().flatMap(([speaker, tier, intervals]) =>
      intervals.map(([, , text]) => [`${speaker} - ${tier}`, text]),
    )
    expect(seen.map(([tier, , , label]) => [tier, label]).sort()).toEqual(texts.sort())
  })
})

describe('an export read back by the annotation importer', () => {
  const roundTrip = async (paths: string[]): Promise<void> => {
    const fresh = await openTestWorkbench(`tiers-back-${Math.random().toString(36).slice(2, 8)}`)
    try {
      const f = await job(fresh.workbench, 'annotation.import', { paths })
      const summary = f.annotations as AnnotationImportSummary
      expect(summary.rejected).toEqual([])
      expect(summary.imported.reduce((n, i) => n + i.tierTexts, 0)).toBe(released().length)
      expect(summary.notes).toContain(
        `${paths[0]}: tier "Translation" (one text per utterance) was added to the project.`,
      )
      const tiers = await call<ProjectTier[]>(fresh.workbench, 'tier.list', {})
      expect(tiers.map((t) => [t.name, t.kind])).toEqual([
        ['Translation', 'utterance'],
        ['Gloss', 'time'],
      ])
      expect(tierTextsOf(fresh.workbench)).toEqual(released())
      // The file is the texts' source; no person is named for them.
      const sources = fresh.workbench.project.db
        .prepare('SELECT DISTINCT annotator_id, source_ref FROM tier_text')
        .all() as { annotator_id: number | null; source_ref: string }[]
      expect(
        sources.every((s) => s.annotator_id === null && /\.(eaf|TextGrid)#\S+$/.test(s.source_ref)),
      ).toBe(true)
    } finally {
      await fresh.dispose()
    }
  }

  it('ELAN brings the tiers and their texts into a new project', async () => {
    await roundTrip(files('eaf', '.eaf'))
  }, 120_000)

  it('Praat brings them too, telling the kinds from the intervals', async () => {
    await roundTrip(files('textgrid', '.TextGrid'))
  }, 120_000)

  it('into the project they came from, changes nothing; a differing text does not replace a person’s', async () => {
    const count = (): number =>
      (wb.project.db.prepare('SELECT count(*) AS n FROM tier_text').get() as { n: number }).n
    const before = count()
    const same = await job(wb, 'annotation.import', { paths: files('eaf', '.eaf') })
    expect(same.annotations!.imported.map((i) => i.tierTexts)).toEqual([0, 0])
    expect(count()).toBe(before)

    const [path] = files('eaf', '.eaf')
    const changed = join(root, 'eaf', 'changed.eaf')
    writeFileSync(
      changed,
      readFileSync(path!, 'utf8').replace(/Translation (\d) of/, 'Tafsiri $1 ya'),
    )
    const f = await job(wb, 'annotation.import', { paths: [changed] })
    expect(f.annotations!.notes.some((n) => /Lead's text on tier "Translation"/.test(n))).toBe(true)
    expect(count()).toBe(before)
    expect(tierTextsOf(wb)).toEqual(written)
  }, 120_000)
})
