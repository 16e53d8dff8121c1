import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeSplitPolicy } from '../../src/main/core/adapt/splits'
import { recordConsent } from '../../src/main/core/consent/speakers'
import type { Workbench } from '../../src/main/core/workbench'
import type { Annotator } from '../../src/shared/domain'
import { swahiliSentences, swahiliSpeakers, synthesiseCorpus } from '../support/synthetic-speech'
import {
  expectNoOpenWorkbenches,
  importAndWait,
  openTestWorkbench,
  runJob,
} from '../support/workbench'

/**
 * The fine-tuning recipes an export carries beside its Hugging Face and NeMo data: their data
 * loading runs here with Debian's Python and PyTorch against a real export (transformers and
 * NeMo are not installable here: the Trainer script and the NeMo export are compiled, not run).
 */
let wb: Workbench
let dispose: () => Promise<void>
let work: string
let root: string
const python = '/usr/bin/python3'

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await wb.call(method, input)
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('recipes'))
  work = mkdtempSync(join(tmpdir(), 'sauti-recipes-'))
  const db = wb.project.db
  changeSplitPolicy(db, { unit: 'recording', minDevMinutes: 0 }, 'test setup', false)
  const audio = synthesiseCorpus(
    join(work, 'audio'),
    swahiliSentences().slice(0, 12),
    swahiliSpeakers.slice(0, 3),
  )
  expect((await importAndWait(wb, [audio])).imported).toBe(12)
  for (const { id } of db.prepare('SELECT id FROM speaker').all() as { id: number }[])
    recordConsent(db, {
      speakerId: id,
      scope: 'research_release',
      grantedAt: '2026-01-01T00:00:00Z',
    })
  const lead = await call<Annotator>('annotator.create', {
    name: 'Amina',
    role: 'lead',
    languages: [],
  })
  root = join(work, 'export')
  const f = await runJob(wb, 'export.start', {
    actorId: lead.id,
    use: 'research_release',
    dir: root,
    formats: ['huggingface', 'nemo'],
    audio: 'wav',
  })
  if (f.status !== 'done') throw new Error(f.error?.message ?? f.status)
}, 300_000)

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

const run = (
  dir: string,
  script: string,
): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(python, [script], {
    cwd: join(root, 'recipes', dir),
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  })

describe('the Hugging Face recipe', () => {
  it("loads every split through its own data loader: audio, the project's vocabulary, padded batches", () => {
    const vocab = JSON.parse(
      readFileSync(join(root, 'recipes/huggingface/vocab.json'), 'utf8'),
    ) as Record<string, number>
    expect(Object.entries(vocab).slice(0, 3)).toEqual([
      ['[PAD]', 0],
      ['[UNK]', 1],
      ['|', 2],
    ])
    const checked = run('huggingface', 'check_data.py')
    expect(checked.status, checked.stderr).toBe(0)
    const report = JSON.parse(checked.stdout) as {
      vocabulary: number
      splits: Record<
        string,
        {
          clips: number
          seconds: number
          tokens: number
          unknown: number
          batch: Record<string, number[]>
        }
      >
    }
    expect(report.vocabulary).toBe(Object.keys(vocab).length)
    const clips = Object.values(report.splits).reduce((n, s) => n + s.clips, 0)
    expect(clips).toBe(12)
    for (const [split, s] of Object.entries(report.splits)) {
      // The vocabulary covers every split: no character falls back to [UNK].
      expect(s.unknown, split).toBe(0)
      expect(s.seconds, split).toBeGreaterThan(s.clips)
      const [batch, samples] = s.batch.input_values!
      expect(s.batch.attention_mask).toEqual([batch, samples])
      expect(s.batch.labels![0]).toBe(batch)
    }
    expect(report.splits.train!.clips).toBeGreaterThanOrEqual(5)
  })

  it('encodes a transcript as Sauti normalises it for training', () => {
    const out = execFileSync(
      python,
      [
        '-c',
        'import json; from sauti_data import normalise; print(json.dumps(normalise("Habari za \\"asubuhi\\", mama-yangu ... leo? Don’t!")))',
      ],
      { cwd: join(root, 'recipes/huggingface'), encoding: 'utf8' },
    )
    expect(JSON.parse(out)).toBe("habari za asubuhi mama-yangu leo don't")
  })

  it('ships a training script that compiles, and says how to launch it and bring the result back', () => {
    const compiled = spawnSync(python, ['-m', 'py_compile', 'train_ctc.py'], {
      cwd: join(root, 'recipes/huggingface'),
    })
    expect(compiled.status, compiled.stderr?.toString()).toBe(0)
    const readme = readFileSync(join(root, 'recipes/huggingface/README.md'), 'utf8')
    expect(readme).toContain('torchrun --nproc_per_node=4 train_ctc.py')
    expect(readme).toContain('--target-lang swh --adapter-only')
    expect(readme).toContain(
      'optimum-cli export onnx --model out/final --task automatic-speech-recognition',
    )
    expect(readme).toContain('sauti model import out/final-onnx')
  })
})

describe('the NeMo recipe', () => {
  it('reads the manifests as NeMo does: audio that exists, labels that cover every transcript', () => {
    const checked = run('nemo', 'check_data.py')
    expect(checked.status, checked.stderr).toBe(0)
    const report = JSON.parse(checked.stdout) as {
      splits: Record<
        string,
        { utterances: number; seconds: number; unknown: Record<string, number> }
      >
    }
    expect(Object.values(report.splits).reduce((n, s) => n + s.utterances, 0)).toBe(12)
    for (const s of Object.values(report.splits)) expect(s.unknown).toEqual({})
    const config = readFileSync(join(root, 'recipes/nemo/finetune_ctc.yaml'), 'utf8')
    expect(config).toContain('manifest_filepath: ../../nemo/train_manifest.jsonl')
    const compiled = spawnSync(python, ['-m', 'py_compile', 'export_onnx.py'], {
      cwd: join(root, 'recipes/nemo'),
    })
    expect(compiled.status).toBe(0)
  })
})
