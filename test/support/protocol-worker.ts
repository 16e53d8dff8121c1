/**
 * A worker for the protocol's own tests: each request type makes it answer, report progress,
 * fail, hang, crash, exit or run out of memory.
 */
import { parentPort } from 'node:worker_threads'
import { SautiError } from '../../src/shared/errors'
import { serveRequests, type Call } from '../../src/main/core/workers/protocol'

export interface TestProtocol {
  echo: Call<{ text: string }, string>
  count: Call<{ to: number }, number>
  fail: Call<{ sauti: boolean }, never>
  hang: Call<object, never>
  crash: Call<{ message: string }, never>
  exit: Call<{ code: number }, never>
  allocate: Call<{ mb: number }, never>
}

serveRequests<TestProtocol>(
  parentPort,
  'test',
  {
    echo: ({ text }) => text,
    count: async ({ to }, progress) => {
      for (let i = 1; i <= to; i++) {
        await new Promise((resolve) => setTimeout(resolve, 5))
        progress(i / to)
      }
      return to
    },
    fail: ({ sauti }) => {
      throw sauti ? new SautiError('bad_input', 'not a WAV file') : new Error('unexpected')
    },
    hang: () => new Promise<never>(() => undefined),
    crash: ({ message }) =>
      new Promise<never>(() => {
        // Thrown outside the request's promise: an uncaught error, as a native crash would be.
        setImmediate(() => {
          throw new Error(message)
        })
      }),
    exit: ({ code }) => process.exit(code),
    allocate: ({ mb }) => {
      const kept: number[][] = []
      for (let i = 0; i < mb * 16; i++) kept.push(Array.from({ length: 8192 }, (_, k) => k + i))
      throw new Error(`held ${kept.length} arrays without running out of memory`)
    },
  },
  { subject: (m) => `test ${m.type}` },
)
