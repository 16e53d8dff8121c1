import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSpeaker } from '../../src/main/core/consent/speakers'
import { createProject } from '../../src/main/core/project/projects'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import type { LanguageSpan, ProjectEvaluation } from '../../src/shared/domain'
import { insertHypotheses, insertRows, type WriteDb } from '../support/db'
import { appRoot } from '../support/fixtures'

const now = '2026-03-01T10:00:00.000Z'
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-groups-'))

/** The CLI from its TypeScript source, as a user runs the built one. */
function sauti(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(appRoot, 'src/main/hosts/cli.ts'),
      '--data-dir',
      dataDir,
      '--project',
      'groups',
      ...args,
    ],
    { encoding: 'utf8', cwd: appRoot, timeout: 60_000 },
  )
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

/**
 * Hindi–English utterances by speakers of two dialects, scored for two models: "update" gets
 * the plain words right that "base" got wrong, but the English words and the words beside
 * them wrong.
 */
const utterances: {
  speaker: string
  reference: string
  spans: LanguageSpan[]
  base: string
  update: string
}[] = [
  {
    speaker: 'S1',
    reference: 'mujhe kal office jana hai',
    spans: [{ start: 2, end: 3, lang: 'en' }],
    base: 'muje kal office jana hai',
    update: 'mujhe kal ofis jana hai',
  },
  {
    speaker: 'S2',
    reference: 'main ghar ja raha hoon',
    spans: [],
    base: 'mein ghar ja raha hu',
    update: 'main ghar ja raha hoon',
  },
  {
    speaker: 'S3',
    reference: 'yeh meeting bahut lambi thi',
    spans: [{ start: 1, end: 2, lang: 'en' }],
    base: 'yeh meeting bahut lambi thi',
    update: 'yeh miting bahut lambi thi',
  },
  {
    // The base model writes the English word in Devanagari: an error for WER, not once transliterated.
    speaker: 'S3',
    reference: 'मुझे कल office जाना है',
    spans: [{ start: 2, end: 3, lang: 'en' }],
    base: 'मुझे कल ऑफिस जाना है',
    update: 'मुझे कल office जाना है',
  },
]

function seed(db: WriteDb): void {
  insertRows(db, 'recording', [
    {
      sha256: 'a'.repeat(64),
      original_name: 'a.wav',
      source_path: '/a.wav',
      format: 'wav',
      byte_size: 10,
      duration_sec: 20,
      sample_rate: 16000,
      channels: 1,
      imported_at: now,
    },
  ])
  insertRows(db, 'model', [
    { sha256: 'b'.repeat(64), name: 'base', path: '/b', manifest: '{}', registered_at: now },
    { sha256: 'c'.repeat(64), name: 'update', path: '/c', manifest: '{}', registered_at: now },
  ])
  ensureSpeaker(db, { code: 'S1', dialect: 'coastal', gender: 'female', firstLanguage: 'hi' })
  ensureSpeaker(db, { code: 'S2', dialect: 'coastal', gender: 'male' })
  ensureSpeaker(db, { code: 'S3', dialect: 'inland', gender: 'female' })
  utterances.forEach((u, i) => {
    const speakerId = ensureSpeaker(db, { code: u.speaker })
    insertRows(db, 'utterance', [
      {
        recording_id: 1,
        start_sec: i * 4,
        end_sec: i * 4 + 3,
        speaker_id: speakerId,
        language: 'hi',
        created_at: now,
      },
    ])
    const utteranceId = i + 1
    appendRevision(db, {
      utteranceId,
      text: u.reference,
      spans: u.spans,
      source: { kind: 'import', ref: `m.tsv:${i + 2}` },
      createdAt: now,
    })
    for (const [modelId, text] of [
      [1, u.base],
      [2, u.update],
    ] as const)
      insertHypotheses(db, [
        { utterance_id: utteranceId, model_id: modelId, rank: 1, text, score: -1, created_at: now },
      ])
  })
}

function evaluate(model: string): ProjectEvaluation {
  const run = sauti('--json', 'evaluate', '--model', model)
  expect(run.status, run.stderr).toBe(0)
  return JSON.parse(run.stdout) as ProjectEvaluation
}

let base: ProjectEvaluation
let update: ProjectEvaluation

beforeAll(async () => {
  const project = await createProject(dataDir, 'groups')
  seed(project.db)
  project.db.close()
  base = evaluate('base')
  update = evaluate('update')
}, 120_000)
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('sauti evaluate: code-switching metrics per speaker group', () => {
  it('gives each dialect its own WER row, and the rows add up to the total', () => {
    const cs = base.codeSwitching
    const dialects = cs.byGroup.filter((g) => g.attribute === 'dialect')
    expect(dialects.map((g) => [g.value, g.utterances, g.wer.n, g.wer.substitutions])).toEqual([
      ['coastal', 2, 10, 3],
      ['inland', 2, 10, 1],
    ])
    expect(dialects.map((g) => g.wer.rate)).toEqual([0.3, 0.1])
    for (const attribute of ['dialect', 'gender', 'firstLanguage']) {
      const rows = cs.byGroup.filter((g) => g.attribute === attribute)
      for (const key of ['n', 'hits', 'substitutions', 'deletions', 'insertions'] as const)
        expect(
          rows.reduce((sum, g) => sum + g.wer[key], 0),
          `${attribute} ${key}`,
        ).toBe(cs.wer[key])
      expect(rows.reduce((sum, g) => sum + g.utterances, 0)).toBe(4)
    }
    // Speakers with no first language recorded form their own row.
    expect(
      cs.byGroup.filter((g) => g.attribute === 'firstLanguage').map((g) => [g.value, g.wer.n]),
    ).toEqual([
      ['(none)', 15],
      ['hi', 5],
    ])
    // The same WER as the plain evaluation, under the same rules.
    expect(cs.wer.rate).toBe(base.wer)
    expect(base.wer).toBe(0.2)
  })

  it('counts a Devanagari spelling of an English word for WER, not for transliteration-normalised WER', () => {
    expect(base.codeSwitching.wer.substitutions).toBe(4)
    expect(base.codeSwitching.translitWer.substitutions).toBe(3)
    expect(base.codeSwitching.mer.n).toBe(20)
  })

  it('shows an update that improves WER while the switched words get worse (PIER)', () => {
    expect(update.wer).toBeCloseTo(0.1, 12)
    expect(update.wer).toBeLessThan(base.wer)
    // Points of interest: the English words and the words on either side of each switch.
    expect(base.codeSwitching.pier).toMatchObject({ n: 9, substitutions: 1 })
    expect(update.codeSwitching.pier).toMatchObject({ n: 9, substitutions: 2 })
    expect(update.codeSwitching.pier.rate!).toBeGreaterThan(base.codeSwitching.pier.rate!)
    expect(update.codeSwitching.bySwitch.map((s) => [s.type, s.switches])).toEqual([
      ['en→hi', 3],
      ['hi→en', 3],
    ])
    const text = sauti('evaluate', '--model', 'update')
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/PIER 22\.2% \(9 points of interest\)/)
    expect(text.stdout).toMatch(/dialect: coastal\s+2\s+10\.0%/)
  })
})
