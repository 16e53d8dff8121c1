import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appRoot } from '../support/fixtures'
import { hubToken, repositoryFrom, startHub, type TestHub } from '../support/hub'

/**
 * `sauti model pull` against a hub served on 127.0.0.1 with the Hugging Face layout: an
 * optimum-style wav2vec2 export (logits only, in onnx/), pulled, verified, edited and
 * registered; and each way a download goes wrong.
 */
const architectures = join(appRoot, 'test/fixtures/models/architectures')
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-pull-'))
let hub: TestHub

function sauti(
  ...args: string[]
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  // Asynchronous: the hub answers from this process's event loop.
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(appRoot, 'src/main/hosts/cli.ts'), '--data-dir', dataDir, ...args],
      { cwd: appRoot, env: { ...process.env, SAUTI_HUB_URL: hub.url, HF_TOKEN: '' } },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}

/** Error lines the CLI wrote (the GPU probes' own noise on stderr aside). */
const errorLines = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => l.startsWith('sauti: '))

const registered = (): string[] =>
  readdirSync(join(dataDir, 'models')).filter((n) => /^[0-9a-f]{12}$/.test(n))

beforeAll(async () => {
  const wav2vec2 = repositoryFrom(join(architectures, 'wav2vec2-tiny'))
  hub = await startHub({
    'sauti-test/wav2vec2-tiny': { files: wav2vec2, dropAfter: { bytes: 40_000, times: 1 } },
    'sauti-test/gated': { files: repositoryFrom(join(architectures, 'hubert-tiny')), gated: true },
    'sauti-test/corrupt': {
      files: repositoryFrom(join(architectures, 'xlsr-tiny')),
      corrupt: true,
    },
    'sauti-test/flaky': {
      files: repositoryFrom(join(architectures, 'mms-tiny')),
      dropAfter: { bytes: 10_000, times: 100 },
    },
    'sauti-test/no-onnx': {
      files: Object.fromEntries(Object.entries(wav2vec2).filter(([p]) => !p.endsWith('.onnx'))),
    },
  })
})

afterAll(async () => {
  await hub.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('sauti model pull', () => {
  it('downloads, resumes after a dropped connection, verifies, exposes the hidden states and registers', async () => {
    const run = await sauti('--json', 'model', 'pull', 'sauti-test/wav2vec2-tiny')
    expect(run.status, run.stderr).toBe(0)
    const pulled = JSON.parse(run.stdout) as {
      id: string
      alreadyRegistered: boolean
      canAdapt: boolean
      provenance: {
        pulledFrom: { repo: string; commit: string; file: string }
        sautiEdits: unknown[]
      }
    }
    expect(pulled).toMatchObject({ alreadyRegistered: false, canAdapt: true })
    expect(pulled.provenance.pulledFrom).toMatchObject({
      repo: 'sauti-test/wav2vec2-tiny',
      file: 'onnx/model.onnx',
    })
    expect(pulled.provenance.sautiEdits).toHaveLength(1)
    // The connection dropped after at most 40 kB; the second request asked for the rest.
    const resumedAt = hub.requests
      .map((r) => /^GET \/cdn\/sauti-test\/wav2vec2-tiny\/onnx\/model\.onnx bytes=(\d+)-$/.exec(r))
      .find(Boolean)
    expect(Number(resumedAt?.[1])).toBeGreaterThan(0)
    expect(Number(resumedAt?.[1])).toBeLessThanOrEqual(40_000)

    // Cached: pulling again downloads nothing and finds the model registered.
    const before = hub.requests.filter((r) => r.startsWith('GET /cdn/')).length
    const again = await sauti('--json', 'model', 'pull', 'sauti-test/wav2vec2-tiny')
    expect(again.status, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout)).toMatchObject({ id: pulled.id, alreadyRegistered: true })
    expect(hub.requests.filter((r) => r.startsWith('GET /cdn/')).length).toBe(before)
  }, 120_000)

  it('says a repository does not exist, in one line', async () => {
    const run = await sauti('model', 'pull', 'sauti-test/nothing-here')
    expect(run.status).toBe(5)
    expect(errorLines(run.stderr)).toEqual([
      expect.stringContaining('sauti-test/nothing-here@main on http://127.0.0.1'),
    ])
    expect(run.stderr).toContain('no such repository or revision (HTTP 401)')
  })

  it('asks for a token for a gated repository, and pulls with one', async () => {
    const run = await sauti('model', 'pull', 'sauti-test/gated')
    expect(run.status).toBe(2)
    expect(errorLines(run.stderr)).toHaveLength(1)
    expect(run.stderr).toContain(
      'is gated: accept its conditions on the hub, then pull with --token',
    )
    const withToken = await sauti(
      '--json',
      'model',
      'pull',
      'sauti-test/gated',
      '--token',
      hubToken,
    )
    expect(withToken.status, withToken.stderr).toBe(0)
  }, 120_000)

  it('refuses a corrupted download and keeps nothing of it', async () => {
    const models = registered().length
    const run = await sauti('model', 'pull', 'sauti-test/corrupt')
    expect(run.status).toBe(3)
    expect(run.stderr).toMatch(
      /onnx\/model\.onnx is corrupted \(sha256 [0-9a-f]{16}…, the hub says [0-9a-f]{16}…\)/,
    )
    expect(registered()).toHaveLength(models)
    const cached = join(dataDir, 'hub', 'sauti-test--corrupt')
    const files = readdirSync(cached, { recursive: true }) as string[]
    expect(files.filter((f) => f.endsWith('.onnx') || f.endsWith('.incomplete'))).toEqual([])
  })

  it('gives up on a link that keeps dropping, keeping the part to resume, registering nothing', async () => {
    const models = registered().length
    const run = await sauti('model', 'pull', 'sauti-test/flaky')
    expect(run.status).toBe(6)
    expect(run.stderr).toContain('downloading onnx/model.onnx failed 5 times')
    expect(run.stderr).toContain('run the same pull again to resume')
    expect(registered()).toHaveLength(models)
    const parts = readdirSync(join(dataDir, 'hub', 'sauti-test--flaky'), {
      recursive: true,
    }) as string[]
    expect(parts.some((f) => f.endsWith('model.onnx.incomplete'))).toBe(true)
  })

  it('refuses a repository without ONNX files, saying how to make one', async () => {
    const run = await sauti('model', 'pull', 'sauti-test/no-onnx')
    expect(run.status).toBe(5)
    expect(run.stderr).toContain('has no ONNX file; export one with optimum-cli export onnx')
  })

  it('fails in one clear line without a network', async () => {
    // A port nothing listens on: connection refused, as a machine without a network gets.
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const run = await sauti(
      'model',
      'pull',
      'facebook/mms-1b-all',
      '--hub-url',
      `http://127.0.0.1:${port}`,
    )
    expect(run.status).toBe(6)
    expect(errorLines(run.stderr)).toEqual([
      expect.stringMatching(
        /^sauti: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): no network\? Copy the model folder to this machine and use `sauti model import <dir>` instead\.$/,
      ),
    ])
    expect(existsSync(join(dataDir, 'hub', 'facebook--mms-1b-all'))).toBe(false)
  })
})
