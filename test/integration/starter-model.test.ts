import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import type { ModelReport } from '../../src/shared/domain'
import { appRoot, requireSpeech8, skipWithoutSpeech8, speech8 } from '../support/fixtures'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-starter-'))
const starter = join(appRoot, 'models/starter')

function sauti(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(appRoot, 'src/main/hosts/cli.ts'), '--data-dir', dataDir, ...args],
    { encoding: 'utf8', cwd: appRoot, timeout: 120_000 },
  )
  return { status: run.status, stdout: run.stdout, stderr: run.stderr }
}

describe('the shipped starter model (models/starter)', () => {
  it('passes the same validation as any model a user imports, with the documented outputs', () => {
    const run = sauti('--json', 'model', 'import', starter)
    expect(run.status).toBe(0)
    const { report } = JSON.parse(run.stdout) as { report: ModelReport }
    expect(report.layout).toBe('sauti')
    expect(report.input).toEqual({
      name: 'input_values',
      type: 'float32',
      shape: ['batch', 'samples'],
    })
    const shapes = Object.fromEntries(report.outputs.map((o) => [o.name, o.shape.at(-1)]))
    expect(shapes).toEqual({ hidden_states: 192, logits: 383, logits_chars: 51 })
    expect(report.heads).toEqual([
      { name: 'main', output: 'logits', vocabularySize: 383 },
      { name: 'chars', output: 'logits_chars', vocabularySize: 51 },
    ])
    // 20 ms frames.
    expect(Math.abs(report.framesPerSecond - 50)).toBeLessThan(2)
    expect(report.bytes).toBeLessThan(20e6)
  })

  it.skipIf(skipWithoutSpeech8('the starter model labelling a fixture clip'))(
    'labels a real fixture clip with phones (needs ../shared/fixtures)',
    () => {
      requireSpeech8()
      expect(sauti('--project', 'starter', 'import', join(speech8, 'test_pt.wav')).status).toBe(0)
      const run = sauti(
        '--project',
        'starter',
        '--json',
        'label',
        '--model',
        'sauti-starter-multilingual-ctc',
        '--n-best',
        '3',
      )
      expect(run.status).toBe(0)
      const summary = JSON.parse(run.stdout) as { labelled: number; provider: string }
      expect(summary).toMatchObject({ labelled: 1, provider: 'cpu' })
      const db = new Database(join(dataDir, 'projects/starter/project.sqlite'), { readonly: true })
      const hypotheses = db
        .prepare('SELECT rank, text, word_times FROM hypothesis ORDER BY rank')
        .all() as { rank: number; text: string; word_times: string }[]
      db.close()
      expect(hypotheses.map((h) => h.rank)).toEqual([1, 2, 3])
      // Phones from the model's inventory, with word times inside the 4.4 s clip.
      expect(hypotheses[0]!.text.length).toBeGreaterThan(5)
      const times = JSON.parse(hypotheses[0]!.word_times) as { start: number; end: number }[]
      expect(times.every((t) => t.start >= 0 && t.end <= 4.5 && t.end >= t.start)).toBe(true)
    },
  )
})
