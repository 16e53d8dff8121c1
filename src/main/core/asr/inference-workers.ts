import type { ModelReport } from '../../../shared/domain'
import { WorkerPool, type WorkerFactory, type WorkerReply } from '../workers/pool'
import type { SessionSettings } from './providers'

export type InferenceRequest = {
  id: number
  type: 'validate'
  dir: string
  settings: SessionSettings
}
export type InferenceReply = WorkerReply<ModelReport>

/** The inference worker: validation now; labelling runs here too (model runtime issue). */
export class InferenceWorkers {
  private readonly pool: WorkerPool

  constructor(factory: WorkerFactory) {
    // One worker: ONNX Runtime parallelises inside a session with its own threads.
    this.pool = new WorkerPool('inference', factory, 1, 'nothing was changed')
  }

  validate(dir: string, settings: SessionSettings = {}): Promise<ModelReport> {
    return this.pool.request({ type: 'validate', dir, settings }, dir)
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
