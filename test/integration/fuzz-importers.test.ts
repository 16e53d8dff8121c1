/**
 * The importers against malformed input (issue 17): a seeded generator makes over 1,000 damaged
 * files of every kind Sauti reads (audio containers, ELAN, Praat, import manifests, annotation
 * CSVs, Kaldi folders, Common Voice TSVs, model folders) and each goes through the real import.
 * None may crash, show a stack trace or an engine's message, or change anything when refused
 * (rows, stored files, staging); an input that lies must be refused or accepted with a warning.
 * SAUTI_FUZZ_SEED picks another seed; the table of outcomes is written to test-results/.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { expandImportPaths, importItems } from '../../src/main/core/audio/importer'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { importModel } from '../../src/main/core/asr/model-store'
import { importAnnotations } from '../../src/main/core/corpus-import/import-annotations'
import { createProject, type OpenProject } from '../../src/main/core/project/projects'
import { verifyChain } from '../../src/main/core/provenance/revisions'
import { audioWorkerFactory, workerFactory } from '../../src/main/hosts/boot'
import { SautiError } from '../../src/shared/errors'
import { appRoot } from '../support/fixtures'
import { audioCases } from '../support/fuzz/audio-cases'
import { modelCases, modelKind, modelSeed } from '../support/fuzz/model-cases'
import { type FuzzCase, Random } from '../support/fuzz/random'
import { textCases, textSeeds } from '../support/fuzz/text-cases'

const SEED = Number(process.env.SAUTI_FUZZ_SEED ?? 17)
const work = mkdtempSync(join(tmpdir(), 'sauti-fuzz-'))
const dataDir = join(work, 'data')
let project: OpenProject
let audio: AudioWorkers
let inference: InferenceWorkers

beforeAll(async () => {
  project = await createProject(dataDir, 'fuzz')
  audio = new AudioWorkers(audioWorkerFactory(appRoot), 1)
  inference = new InferenceWorkers(workerFactory(appRoot, 'inference'))
})
afterAll(async () => {
  await audio.close()
  await inference.close()
  project.db.close()
  rmSync(work, { recursive: true, force: true })
})

/** What a user must never read: a stack frame, a JavaScript exception, a database engine's words. */
const unclear =
  /\n\s+at |\.[jt]s:\d+:\d+|TypeError|RangeError|ReferenceError|Cannot read propert|is not a function|outside the bounds|Invalid array length|Maximum call stack|constraint failed|SQLITE_|(?<!")\b(undefined|NaN)\b(?!")|worker (exited|crashed|ran out of memory)/
/** Notes every file of a format gets (its seed's), which say nothing about a lie. */
const generic = new Map<string, Set<string>>()
const withoutFolder = (note: string, dir: string): string => note.split(dir).join('')

/** `duplicate`: the same bytes as an earlier case, so already in the project (and judged then). */
type Outcome = 'refused' | 'warned' | 'accepted' | 'duplicate'
interface Result {
  outcome: Outcome
  messages: string[]
}

function state(): string {
  const counts = (
    project.db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('process_lease', 'sqlite_sequence')",
      )
      .all() as { name: string }[]
  ).map(
    ({ name }) =>
      `${name}:${(project.db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n}`,
  )
  const files = (readdirSync(project.paths.root, { recursive: true }) as string[]).filter(
    (f) => !/project\.sqlite/.test(f),
  )
  return JSON.stringify([counts, files.sort()])
}

async function run(c: FuzzCase, dir: string): Promise<Result> {
  const entry = join(dir, c.entry)
  if (c.kind.startsWith('audio') || c.kind.startsWith('import manifest')) {
    const { items, rejected } = await expandImportPaths([entry])
    const s = await importItems({ db: project.db, paths: project.paths, workers: audio }, items)
    const refusals = [...rejected, ...s.rejected].map((r) => r.message)
    const warnings = s.warnings.map((w) => w.message)
    if (
      s.duplicates > 0 &&
      s.imported === 0 &&
      !warnings.length &&
      !refusals.length &&
      c.kind.startsWith('audio')
    )
      return { outcome: 'duplicate', messages: [] }
    if (refusals.length && s.imported === 0 && s.revisions === 0)
      return { outcome: 'refused', messages: refusals }
    return {
      outcome: warnings.length || refusals.length ? 'warned' : 'accepted',
      messages: [...refusals, ...warnings],
    }
  }
  if (c.kind === modelKind) {
    try {
      await importModel(dataDir, entry, inference)
      return { outcome: 'accepted', messages: [] }
    } catch (error) {
      if (!(error instanceof SautiError) || error.kind === 'internal') throw error
      return { outcome: 'refused', messages: [error.message] }
    }
  }
  const s = await importAnnotations(
    { db: project.db, paths: project.paths, workers: audio },
    [entry],
    {},
  )
  if (s.rejected.length) return { outcome: 'refused', messages: s.rejected.map((r) => r.message) }
  const known = generic.get(c.kind) ?? new Set(s.notes.map((n) => withoutFolder(n, dir)))
  generic.set(c.kind, known)
  const notes = s.notes.filter((n) => !known.has(withoutFolder(n, dir)))
  return { outcome: notes.length ? 'warned' : 'accepted', messages: notes }
}

interface Row {
  tried: number
  refused: number
  warned: number
  accepted: number
  duplicate: number
  crash: number
  partial: number
  unclear: number
  silentLies: number
}
const table = new Map<string, Row>()
const failures: string[] = []

function count(c: FuzzCase, key: keyof Row, detail?: string): void {
  const row = table.get(c.kind) ?? {
    tried: 0,
    refused: 0,
    warned: 0,
    accepted: 0,
    duplicate: 0,
    crash: 0,
    partial: 0,
    unclear: 0,
    silentLies: 0,
  }
  row[key]++
  table.set(c.kind, row)
  if (detail) failures.push(`${c.kind}: ${c.name}: ${detail}`)
}

async function attempt(c: FuzzCase, index: number): Promise<Result | null> {
  const dir = join(work, `c${index}`)
  for (const f of c.files) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true })
    writeFileSync(join(dir, f.path), f.bytes)
  }
  const before = state()
  count(c, 'tried')
  let result: Result
  try {
    result = await run(c, dir)
  } catch (error) {
    count(c, 'crash', (error as Error).stack ?? String(error))
    return null
  }
  count(c, result.outcome)
  for (const m of result.messages) {
    if (unclear.test(m) || (result.outcome === 'refused' && !m.includes(`c${index}`)))
      count(c, 'unclear', m.slice(0, 300))
  }
  if (result.outcome === 'refused' && state() !== before)
    count(c, 'partial', 'refused, yet the store changed')
  if (result.outcome === 'accepted' && c.lies)
    count(c, 'silentLies', 'lies, yet accepted without a warning')
  const staged = readdirSync(join(project.paths.root, 'staging'), {
    recursive: true,
    withFileTypes: true,
  })
    .filter((e) => e.isFile())
    .map((e) => e.name)
  if (staged.length) count(c, 'partial', `left in staging: ${staged.join(', ')}`)
  rmSync(dir, { recursive: true, force: true })
  return result
}

describe('the importers against malformed input', () => {
  it(`take every seed (seed ${SEED}) cleanly, then >1,000 damaged inputs without a crash, a stack trace, a silent lie or a partial write`, async () => {
    const started = performance.now()
    for (const [i, seed] of [...textSeeds(), modelSeed()].entries()) {
      const result = await attempt(seed, -1 - i)
      expect(
        result?.outcome,
        `${seed.kind}: ${result?.messages.join('; ') ?? failures.join('\n')}`,
      ).toBe('accepted')
    }
    table.clear()
    const r = new Random(SEED)
    const cases = [...audioCases(r, 440), ...textCases(r, 90), ...modelCases(r, 40)]
    for (const [i, c] of cases.entries()) await attempt(c, i)
    const seconds = (performance.now() - started) / 1000

    expect(project.db.pragma('integrity_check', { simple: true })).toBe('ok')
    const utterances = project.db.prepare('SELECT id FROM utterance').all() as { id: number }[]
    for (const u of utterances) expect(verifyChain(project.db, u.id)).toEqual({ ok: true })

    const lines = [
      `Fuzz run, seed ${SEED}: ${cases.length} inputs in ${seconds.toFixed(0)} s`,
      '',
      '| kind | tried | refused clearly | accepted with warning | accepted (no lie) | same bytes as an earlier case | crash | partial write | unclear message | lie accepted silently |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...[...table].map(
        ([kind, t]) =>
          `| ${kind} | ${t.tried} | ${t.refused - t.unclear} | ${t.warned} | ${t.accepted} | ${t.duplicate} | ${t.crash} | ${t.partial} | ${t.unclear} | ${t.silentLies} |`,
      ),
    ]
    mkdirSync(join(appRoot, 'test-results'), { recursive: true })
    writeFileSync(
      join(appRoot, 'test-results', 'fuzz-table.md'),
      `${lines.join('\n')}\n\n${failures.join('\n')}\n`,
    )
    process.stderr.write(`\n${lines.join('\n')}\n`)

    expect(failures).toEqual([])
    expect(cases.length).toBeGreaterThanOrEqual(1000)
    expect(seconds).toBeLessThan(180)
  }, 240_000)
})
