import type { Worker } from 'node:worker_threads'
import { SautiError } from '../../../shared/errors'
import {
  describeExit,
  WorkerExitError,
  type Calls,
  type RequestOf,
  type RequestType,
  type ResultOf,
  type WorkerExit,
  type WorkerReply,
  type WorkerRequest,
} from './protocol'

/** Creates one worker; the host knows where its built (or source) entry lives. */
export type WorkerFactory = () => Worker

export interface PoolOptions {
  /** The worker kind, in errors: "the audio worker crashed". */
  name: string
  factory: WorkerFactory
  /** How many workers run at once. */
  size?: number
  /** What a failed request means for the user, e.g. "the file was not imported". */
  consequence?: string
  /** How long a request may run before its worker is terminated, unless the request says. */
  timeoutMs?: number
}

export interface RequestOptions {
  /** Names the request in errors (a file, a model). */
  subject: string
  onProgress?: (fraction: number, label?: string) => void
  /** This request's own limit, instead of the pool's. */
  timeoutMs?: number
}

interface Task {
  message: { id: number; type: string; request: object }
  options: RequestOptions
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

interface Slot {
  worker: Worker
  busy: Task | null
  timer: NodeJS.Timeout | null
}

/**
 * A small pool of worker threads of one kind, one request per worker at a time. A crashed,
 * killed or hung worker fails only its own request, with a `WorkerExitError` naming the subject
 * and the reason, and is replaced on the next request.
 */
export class WorkerPool<P extends Calls<P>> {
  private readonly slots: Slot[] = []
  private readonly queue: Task[] = []
  private nextId = 1
  private closed = false
  private readonly size: number
  private readonly consequence: string
  private readonly timeoutMs: number

  constructor(private readonly options: PoolOptions) {
    this.size = options.size ?? 1
    this.consequence = options.consequence ?? 'nothing was changed'
    this.timeoutMs = options.timeoutMs ?? 15 * 60_000
  }

  /** Sends one request to a free worker; resolves with its result. */
  request<K extends RequestType<P>>(
    type: K,
    request: RequestOf<P, K>,
    options: RequestOptions,
  ): Promise<ResultOf<P, K>> {
    if (this.closed)
      return Promise.reject(new SautiError('internal', `${this.options.name} workers are closed`))
    return new Promise<ResultOf<P, K>>((resolve, reject) => {
      const message = { id: this.nextId++, type, request } satisfies WorkerRequest<P>
      this.queue.push({ message, options, resolve: resolve as (v: unknown) => void, reject })
      this.pump()
    })
  }

  /** Terminates every worker; requests queued or in flight are cancelled. */
  async close(): Promise<void> {
    this.closed = true
    const slots = this.slots.splice(0)
    const pending = [...slots.flatMap((slot) => (slot.busy ? [slot.busy] : [])), ...this.queue]
    this.queue.length = 0
    for (const slot of slots) if (slot.timer) clearTimeout(slot.timer)
    for (const task of pending) task.reject(new SautiError('cancelled', 'the workbench is closing'))
    await Promise.all(slots.map((slot) => this.retire(slot)))
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy)
      if (!slot && this.slots.length < this.size) slot = this.spawn()
      if (!slot) return
      const task = this.queue.shift()!
      const chosen = slot
      const afterMs = task.options.timeoutMs ?? this.timeoutMs
      chosen.busy = task
      chosen.timer = setTimeout(() => this.fail(chosen, { kind: 'timed_out', afterMs }), afterMs)
      chosen.worker.postMessage(task.message)
    }
  }

  private spawn(): Slot {
    const worker = this.options.factory()
    const slot: Slot = { worker, busy: null, timer: null }
    worker.on('message', (reply: WorkerReply) => {
      const task = slot.busy
      if (!task || task.message.id !== reply.id) return
      if ('progress' in reply) return void task.options.onProgress?.(reply.progress, reply.label)
      this.finish(slot)
      if (reply.ok) task.resolve(reply.value)
      else task.reject(new SautiError(reply.error.kind, reply.error.message, reply.error.details))
    })
    worker.on('messageerror', (error) =>
      this.fail(slot, { kind: 'crashed', message: error.message }),
    )
    worker.on('error', (error: Error & { code?: string }) =>
      this.fail(
        slot,
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { kind: 'out_of_memory', message: error.message }
          : { kind: 'crashed', message: error.message },
      ),
    )
    worker.on('exit', (code) => {
      if (this.slots.includes(slot))
        this.fail(slot, code === 0 ? { kind: 'exited' } : { kind: 'killed', code })
    })
    this.slots.push(slot)
    return slot
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer)
    slot.timer = null
    slot.busy = null
    queueMicrotask(() => this.pump())
  }

  private fail(slot: Slot, exit: WorkerExit): void {
    const task = slot.busy
    const index = this.slots.indexOf(slot)
    if (index >= 0) this.slots.splice(index, 1)
    if (slot.timer) clearTimeout(slot.timer)
    void this.retire(slot)
    const subject = task?.options.subject ?? ''
    task?.reject(
      new WorkerExitError(
        exit,
        `${subject}: the ${this.options.name} worker ${describeExit(exit)}; ${this.consequence}.`,
        subject,
      ),
    )
    this.pump()
  }

  private async retire(slot: Slot): Promise<void> {
    slot.worker.removeAllListeners()
    // Keep an error listener: terminate() on a dying worker may still emit.
    slot.worker.on('error', () => undefined)
    await slot.worker.terminate()
  }
}
