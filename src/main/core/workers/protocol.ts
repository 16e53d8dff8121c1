/**
 * The one protocol between the main thread and its worker threads (inference, training, audio):
 * typed requests and results per worker kind, request ids, progress, errors, and the typed
 * reasons a worker stops answering. The main side is `WorkerPool` (pool.ts); the worker side is
 * `serveRequests` below.
 */
import type { MessagePort } from 'node:worker_threads'
import { SautiError, type ErrorInfo } from '../../../shared/errors'

/** One call a worker answers: what the main thread sends, and what comes back. */
export interface Call<Request extends object, Result> {
  request: Request
  result: Result
}

/** A worker kind's calls by request type, e.g. `{ hash: Call<{ path: string }, Hash> }`. */
export type Calls<P> = { [K in keyof P]: Call<object, unknown> }

export type RequestType<P> = keyof P & string
export type RequestOf<P extends Calls<P>, K extends keyof P> = P[K]['request']
export type ResultOf<P extends Calls<P>, K extends keyof P> = P[K]['result']

/** What the main thread posts: one request, with the id its answer will carry. */
export type WorkerRequest<P extends Calls<P>> = {
  [K in RequestType<P>]: { id: number; type: K; request: RequestOf<P, K> }
}[RequestType<P>]

/** What a worker posts back: a result, a typed error, or progress on a long request. */
export type WorkerReply<V = unknown> =
  | { id: number; ok: true; value: V }
  | { id: number; ok: false; error: ErrorInfo }
  | { id: number; progress: number; label?: string }

/** Why a worker stopped answering a request. */
export type WorkerExit =
  /** It exited with code 0 while a request was in flight. */
  | { kind: 'exited' }
  /** An uncaught error (or a message it could not read) ended it. */
  | { kind: 'crashed'; message: string }
  /** It went over its heap limit (ERR_WORKER_OUT_OF_MEMORY). */
  | { kind: 'out_of_memory'; message: string }
  /** It exited with a non-zero code without an error: process.exit, or killed from outside. */
  | { kind: 'killed'; code: number }
  /** It gave no answer in time; the pool terminated it. */
  | { kind: 'timed_out'; afterMs: number }

/** The reason in words, as it follows "the audio worker …" in an error message. */
export function describeExit(exit: WorkerExit): string {
  switch (exit.kind) {
    case 'exited':
      return 'exited'
    case 'crashed':
      return `crashed: ${exit.message}`
    case 'out_of_memory':
      return `ran out of memory (${exit.message})`
    case 'killed':
      // A worker killed for memory by the system looks like this too (137 is SIGKILL's code).
      return `exited with code ${exit.code} (out of memory?)`
    case 'timed_out':
      return `timed out after ${Math.round(exit.afterMs / 1000)} s`
  }
}

/** A request that failed because its worker stopped: the error names the subject and the reason. */
export class WorkerExitError extends SautiError {
  constructor(
    readonly exit: WorkerExit,
    message: string,
    subject: string,
  ) {
    super('internal', message, { subject })
  }
}

/**
 * How a worker answers each request type; `progress` reports a fraction in [0, 1], and may say
 * what was just done (a line a log without a terminal shows: never dropped by the throttle).
 */
export type Handlers<P extends Calls<P>> = {
  [K in RequestType<P>]: (
    request: RequestOf<P, K>,
    progress: (fraction: number, label?: string) => void,
  ) => ResultOf<P, K> | Promise<ResultOf<P, K>>
}

export interface ServeOptions<P extends Calls<P>> {
  /** Names a request in errors that are not already SautiErrors (a file, a model). */
  subject: (message: WorkerRequest<P>) => string
}

/** At most one progress message per this many ms; the last (at 1) is always sent. */
const PROGRESS_EVERY_MS = 200

/**
 * The worker side: answers each request posted to `port` with its handler's result, its
 * SautiError, or an internal error naming the subject; throttles progress.
 */
export function serveRequests<P extends Calls<P>>(
  port: MessagePort | null,
  name: string,
  handlers: Handlers<P>,
  options: ServeOptions<P>,
): void {
  if (!port) throw new Error(`the ${name} worker must run in a worker thread`)
  const answer = async (message: WorkerRequest<P>): Promise<WorkerReply> => {
    let last = 0
    const progress = (fraction: number, label?: string): void => {
      const now = Date.now()
      if (now - last < PROGRESS_EVERY_MS && fraction < 1 && label === undefined) return
      last = now
      port.postMessage({
        id: message.id,
        progress: fraction,
        ...(label === undefined ? {} : { label }),
      } satisfies WorkerReply)
    }
    try {
      const handler = handlers[message.type] as (
        request: object,
        progress: (fraction: number, label?: string) => void,
      ) => unknown
      return { id: message.id, ok: true, value: await handler(message.request, progress) }
    } catch (error) {
      const info =
        error instanceof SautiError
          ? error.toInfo()
          : {
              kind: 'internal' as const,
              message: `${options.subject(message)}: ${(error as Error).message}`,
            }
      return { id: message.id, ok: false, error: info }
    }
  }
  port.on('message', (message: WorkerRequest<P>) => {
    void answer(message).then((reply) => port.postMessage(reply))
  })
}
