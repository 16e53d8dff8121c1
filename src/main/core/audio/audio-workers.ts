import type { Worker } from 'node:worker_threads'
import { SautiError } from '../../../shared/errors'
import type { ProjectPaths } from '../project/paths'
import type { PreparedAudio } from './prepare'
import type { AudioRequest, AudioResponse } from './worker-protocol'

/** Creates one audio worker; the host knows where its built (or source) entry lives. */
export type AudioWorkerFactory = () => Worker

type Task = {
  request: AudioRequest
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
  onProgress?: (fraction: number) => void
}

interface Slot {
  worker: Worker
  busy: Task | null
  timer: NodeJS.Timeout | null
}

const TASK_TIMEOUT_MS = 15 * 60_000

/**
 * A small pool of audio workers. A crashed or hung worker fails only its own task with a
 * typed error and is replaced on the next task.
 */
export class AudioWorkers {
  private readonly slots: Slot[] = []
  private readonly queue: Task[] = []
  private nextId = 1
  private closed = false

  constructor(
    private readonly factory: AudioWorkerFactory,
    private readonly size = 1,
  ) {}

  hash(path: string): Promise<{ sha256: string; byteSize: number }> {
    return this.run({ id: this.nextId++, type: 'hash', path }) as Promise<{
      sha256: string
      byteSize: number
    }>
  }

  prepare(
    path: string,
    paths: ProjectPaths,
    onProgress?: (fraction: number) => void,
  ): Promise<PreparedAudio> {
    const dirs = { audioDir: paths.audioDir, pcmDir: paths.pcmDir, peaksDir: paths.peaksDir }
    return this.run(
      { id: this.nextId++, type: 'prepare', path, dirs },
      onProgress,
    ) as Promise<PreparedAudio>
  }

  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0))
      task.reject(new SautiError('cancelled', 'the workbench is closing'))
    await Promise.all(this.slots.splice(0).map((slot) => this.retire(slot)))
  }

  private run(request: AudioRequest, onProgress?: (fraction: number) => void): Promise<unknown> {
    if (this.closed) return Promise.reject(new SautiError('internal', 'audio workers are closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject, onProgress })
      this.pump()
    })
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy)
      if (!slot && this.slots.length < this.size) slot = this.spawn()
      if (!slot) return
      const task = this.queue.shift()!
      slot.busy = task
      slot.timer = setTimeout(
        () => this.fail(slot!, `timed out after ${TASK_TIMEOUT_MS / 1000} s`),
        TASK_TIMEOUT_MS,
      )
      slot.worker.postMessage(task.request)
    }
  }

  private spawn(): Slot {
    const worker = this.factory()
    const slot: Slot = { worker, busy: null, timer: null }
    worker.on('message', (response: AudioResponse) => {
      const task = slot.busy
      if (!task || task.request.id !== response.id) return
      if ('progress' in response) return void task.onProgress?.(response.progress)
      this.finish(slot)
      if (response.ok) task.resolve(response.value)
      else
        task.reject(
          new SautiError(response.error.kind, response.error.message, response.error.details),
        )
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
    const path = task?.request.path ?? ''
    task?.reject(
      new SautiError('internal', `${path}: the audio worker ${why}; the file was not imported.`, {
        file: path,
      }),
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
