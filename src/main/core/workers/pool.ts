import type { Worker } from 'node:worker_threads'
import { SautiError, type ErrorInfo } from '../../../shared/errors'

/** Creates one worker; the host knows where its built (or source) entry lives. */
export type WorkerFactory = () => Worker

/** What a pool's workers answer: a result, a typed error, or progress on a long request. */
export type WorkerReply<V> =
  | { id: number; ok: true; value: V }
  | { id: number; ok: false; error: ErrorInfo }
  | { id: number; progress: number }

interface Task {
  message: { id: number }
  /** Names the request in errors (a file, a model). */
  subject: string
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  onProgress?: (fraction: number) => void
}

interface Slot {
  worker: Worker
  busy: Task | null
  timer: NodeJS.Timeout | null
}

/**
 * A small pool of worker threads, one request per worker at a time. A crashed, killed or hung
 * worker fails only its own request, with a typed error naming the subject, and is replaced on
 * the next request.
 */
export class WorkerPool {
  private readonly slots: Slot[] = []
  private readonly queue: Task[] = []
  private nextId = 1
  private closed = false

  constructor(
    private readonly name: string,
    private readonly factory: WorkerFactory,
    private readonly size = 1,
    /** What a failed request means for the user, e.g. "the file was not imported". */
    private readonly consequence = 'nothing was changed',
    private readonly timeoutMs = 15 * 60_000,
  ) {}

  /** Sends `message` (an id is added) to a free worker; resolves with its value. */
  request<V>(
    message: object,
    subject: string,
    onProgress?: (fraction: number) => void,
  ): Promise<V> {
    if (this.closed)
      return Promise.reject(new SautiError('internal', `${this.name} workers are closed`))
    return new Promise<V>((resolve, reject) => {
      this.queue.push({
        message: { ...message, id: this.nextId++ },
        subject,
        resolve: resolve as (v: unknown) => void,
        reject,
        onProgress,
      })
      this.pump()
    })
  }

  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0))
      task.reject(new SautiError('cancelled', 'the workbench is closing'))
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot)))
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy)
      if (!slot && this.slots.length < this.size) slot = this.spawn()
      if (!slot) return
      const task = this.queue.shift()!
      const chosen = slot
      chosen.busy = task
      chosen.timer = setTimeout(
        () => this.fail(chosen, `timed out after ${Math.round(this.timeoutMs / 1000)} s`),
        this.timeoutMs,
      )
      chosen.worker.postMessage(task.message)
    }
  }

  private spawn(): Slot {
    const worker = this.factory()
    const slot: Slot = { worker, busy: null, timer: null }
    worker.on('message', (reply: WorkerReply<unknown>) => {
      const task = slot.busy
      if (!task || task.message.id !== reply.id) return
      if ('progress' in reply) return void task.onProgress?.(reply.progress)
      this.finish(slot)
      if (reply.ok) task.resolve(reply.value)
      else task.reject(new SautiError(reply.error.kind, reply.error.message, reply.error.details))
    })
    worker.on('error', (error) => this.fail(slot, `crashed: ${error.message}`))
    worker.on('exit', (code) => {
      if (this.slots.includes(slot))
        this.fail(slot, code === 0 ? 'exited' : `exited with code ${code} (out of memory?)`)
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

  private fail(slot: Slot, why: string): void {
    const task = slot.busy
    const index = this.slots.indexOf(slot)
    if (index >= 0) this.slots.splice(index, 1)
    if (slot.timer) clearTimeout(slot.timer)
    void this.retire(slot)
    const subject = task?.subject ?? ''
    task?.reject(
      new SautiError(
        'internal',
        `${subject}: the ${this.name} worker ${why}; ${this.consequence}.`,
        { subject },
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
