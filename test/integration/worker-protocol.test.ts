import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker, type ResourceLimits } from 'node:worker_threads'
import { afterEach, describe, expect, it } from 'vitest'
import { WorkerPool, type PoolOptions } from '../../src/main/core/workers/pool'
import { WorkerExitError, type WorkerExit } from '../../src/main/core/workers/protocol'
import { SautiError } from '../../src/shared/errors'
import { appRoot } from '../support/fixtures'
import type { TestProtocol } from '../support/protocol-worker'

const pools: WorkerPool<TestProtocol>[] = []
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()))
})

/** A pool of real worker threads running test/support/protocol-worker.ts from source. */
function testPool(
  options: Partial<PoolOptions> = {},
  resourceLimits?: ResourceLimits,
): { pool: WorkerPool<TestProtocol>; spawned: () => number } {
  let spawned = 0
  const entry = pathToFileURL(join(appRoot, 'test/support/protocol-worker.ts')).href
  const pool = new WorkerPool<TestProtocol>({
    name: 'test',
    factory: () => {
      spawned++
      return new Worker(join(appRoot, 'src/main/workers/ts-bootstrap.mjs'), {
        workerData: { sautiWorkerEntry: entry },
        resourceLimits,
      })
    },
    consequence: 'nothing was changed',
    ...options,
  })
  pools.push(pool)
  return { pool, spawned: () => spawned }
}

async function exitOf(request: Promise<unknown>): Promise<{ exit: WorkerExit; message: string }> {
  const error = await request.then(
    () => expect.unreachable('the request succeeded'),
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(WorkerExitError)
  const { exit, message, kind } = error as WorkerExitError
  expect(kind).toBe('internal')
  return { exit, message }
}

describe('the worker protocol', () => {
  it('answers typed requests with their results, progress on the way, and typed errors', async () => {
    const { pool } = testPool()
    expect(await pool.request('echo', { text: 'habari' }, { subject: 'greeting' })).toBe('habari')
    const progress: number[] = []
    expect(
      await pool.request(
        'count',
        { to: 3 },
        { subject: 'count', onProgress: (f) => progress.push(f) },
      ),
    ).toBe(3)
    // Throttled, but the last report (1) always arrives.
    expect(progress.at(-1)).toBe(1)
    await expect(
      pool.request('fail', { sauti: true }, { subject: 'clip.wav' }),
    ).rejects.toMatchObject({ kind: 'bad_input', message: 'not a WAV file' })
    const other = await pool.request('fail', { sauti: false }, { subject: 'x' }).catch((e) => e)
    expect(other).toBeInstanceOf(SautiError)
    expect(other).toMatchObject({ kind: 'internal', message: 'test fail: unexpected' })
  })

  it('terminates a worker that does not answer in the request’s time, and replaces it', async () => {
    const { pool, spawned } = testPool({ timeoutMs: 60_000 })
    const { exit, message } = await exitOf(
      pool.request('hang', {}, { subject: 'a long file', timeoutMs: 1500 }),
    )
    expect(exit).toEqual({ kind: 'timed_out', afterMs: 1500 })
    expect(message).toBe('a long file: the test worker timed out after 2 s; nothing was changed.')
    expect(await pool.request('echo', { text: 'again' }, { subject: 's' })).toBe('again')
    expect(spawned()).toBe(2)
  })

  it('fails only the crashed worker’s request: the next one runs on a new worker', async () => {
    const { pool, spawned } = testPool()
    const crashed = pool.request('crash', { message: 'boom' }, { subject: 'clip.flac' })
    const next = pool.request('echo', { text: 'after' }, { subject: 'clip.ogg' })
    const { exit, message } = await exitOf(crashed)
    expect(exit).toEqual({ kind: 'crashed', message: 'boom' })
    expect(message).toBe('clip.flac: the test worker crashed: boom; nothing was changed.')
    expect(await next).toBe('after')
    expect(spawned()).toBe(2)
  })

  it('tells a clean exit from a non-zero one', async () => {
    const { pool } = testPool()
    expect((await exitOf(pool.request('exit', { code: 0 }, { subject: 'a' }))).exit).toEqual({
      kind: 'exited',
    })
    const killed = await exitOf(pool.request('exit', { code: 137 }, { subject: 'b' }))
    expect(killed.exit).toEqual({ kind: 'killed', code: 137 })
    expect(killed.message).toBe(
      'b: the test worker exited with code 137 (out of memory?); nothing was changed.',
    )
  })

  it('names a worker that went over its memory limit', async () => {
    const { pool } = testPool({}, { maxOldGenerationSizeMb: 48 })
    const { exit, message } = await exitOf(
      pool.request('allocate', { mb: 512 }, { subject: 'big' }),
    )
    expect(exit.kind).toBe('out_of_memory')
    expect(message).toMatch(
      /^big: the test worker ran out of memory \(.+\); nothing was changed\.$/,
    )
  })

  it('cancels requests in flight and queued when it closes', async () => {
    const { pool } = testPool()
    const inFlight = pool.request('hang', {}, { subject: 'a' })
    const queued = pool.request('echo', { text: 'b' }, { subject: 'b' })
    // Let the first request reach its worker.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const cancelled = Promise.all(
      [inFlight, queued].map((request) =>
        expect(request).rejects.toMatchObject({
          kind: 'cancelled',
          message: 'the workbench is closing',
        }),
      ),
    )
    await pool.close()
    await cancelled
    await expect(pool.request('echo', { text: 'c' }, { subject: 'c' })).rejects.toThrow(
      'test workers are closed',
    )
  })
})
