import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ModelReport } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-models-'))
const fixtures = join(appRoot, 'test/fixtures/models')

function sauti(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(appRoot, 'src/main/hosts/cli.ts'), '--data-dir', dataDir, ...args],
    { encoding: 'utf8', cwd: appRoot, timeout: 60_000 },
  )
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

function copyWithout(model: string, ...omit: string[]): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'sauti-model-')), model)
  cpSync(join(fixtures, model), dir, { recursive: true })
  for (const f of omit) rmSync(join(dir, f))
  return dir
}

describe('sauti model import', () => {
  it('validates a Hugging Face CTC export, registers it and lists it', () => {
    const run = sauti('--json', 'model', 'import', join(fixtures, 'tiny-ctc'))
    expect(run.status).toBe(0)
    const imported = JSON.parse(run.stdout) as {
      id: string
      alreadyRegistered: boolean
      report: ModelReport
    }
    expect(imported.alreadyRegistered).toBe(false)
    expect(imported.id).toMatch(/^[0-9a-f]{12}$/)
    expect(imported.report).toMatchObject({
      layout: 'huggingface',
      vocabularySize: 29,
      framesPerSecond: 50,
      frameStrideSec: 0.02,
      hiddenSize: 8,
    })
    expect(imported.report.sha256.startsWith(imported.id)).toBe(true)
    // Converted to Sauti's own package, with the measured stride and the registration record.
    const registered = join(dataDir, 'models', imported.id)
    expect(
      ['model.onnx', 'vocab.json', 'model.json'].every((f) => existsSync(join(registered, f))),
    ).toBe(true)

    const list = JSON.parse(sauti('--json', 'model', 'list').stdout) as {
      id: string
      name: string
    }[]
    // A Hugging Face export states no release of its own.
    expect(list).toEqual([
      expect.objectContaining({ id: imported.id, name: 'tiny-ctc', version: null }),
    ])
    const again = JSON.parse(
      sauti('--json', 'model', 'import', join(fixtures, 'tiny-ctc')).stdout,
    ) as { alreadyRegistered: boolean }
    expect(again.alreadyRegistered).toBe(true)
  })

  it('refuses a model whose input is not input_values, saying so', () => {
    const run = sauti('model', 'import', join(fixtures, 'wrong-input-name'))
    expect(run.status).toBe(3)
    expect(run.stderr).toContain(
      'wrong-input-name/model.onnx: takes "audio"; a CTC speech model must take "input_values" (float32 [batch, samples] at 16 kHz).',
    )
  })

  it('refuses a vocabulary that does not match the logits, with both sizes', () => {
    const run = sauti('model', 'import', join(fixtures, 'vocab-mismatch'))
    expect(run.status).toBe(3)
    expect(run.stderr).toContain(
      "vocab-mismatch/vocab.json has 32 tokens but the model's logits have 29 per frame",
    )
  })

  it('refuses a package without a vocabulary, and one whose model.onnx is not ONNX', () => {
    const noVocab = sauti('model', 'import', copyWithout('tiny-ctc', 'vocab.json'))
    expect(noVocab.status).toBe(3)
    expect(noVocab.stderr).toMatch(/no vocabulary: .*tiny-ctc\/vocab\.json does not exist/)
    const broken = copyWithout('tiny-ctc')
    writeFileSync(join(broken, 'model.onnx'), 'this is not a model')
    const run = sauti('model', 'import', broken)
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(/model\.onnx: not a loadable ONNX model/)
    expect(JSON.parse(sauti('--json', 'model', 'list').stdout)).toHaveLength(1)
  })
})

describe('execution providers', () => {
  it('falls back to CPU when CUDA is requested but not installed, and records why', () => {
    const cudaLibrary = join(
      appRoot,
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so',
    )
    const run = sauti(
      '--json',
      'model',
      'check',
      join(fixtures, 'tiny-ctc'),
      '--providers',
      'cuda,cpu',
    )
    expect(run.status).toBe(0)
    const report = JSON.parse(run.stdout) as ModelReport
    if (existsSync(cudaLibrary)) {
      // A machine with the CUDA provider installed: it must be used, having matched CPU.
      expect(report.provider).toBe('cuda')
      return
    }
    expect(report.provider).toBe('cpu')
    expect(report.providerAttempts).toEqual([
      {
        name: 'cuda',
        ok: false,
        reason:
          'CUDA provider not installed (libonnxruntime_providers_cuda.so is missing; see README, "GPU inference")',
      },
      { name: 'cpu', ok: true, reason: 'fallback: no GPU provider was usable' },
    ])
  })

  it('names an unknown provider', () => {
    const run = sauti('model', 'check', join(fixtures, 'tiny-ctc'), '--providers', 'tpu')
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('unknown execution provider(s): tpu')
  })
})
