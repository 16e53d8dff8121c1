import type { AcquisitionStrategy } from '../../../shared/domain'
import type { OpenDatabaseOptions } from '../db/connection'
import { WorkerPool, type WorkerFactory } from '../workers/pool'
import type { Ranked } from './acquisition'
import type { SimulationRequest, SimulationResult } from './simulate'
import type { TrainJobRequest, TrainJobResult, TrainProtocol } from './train-protocol'

/** Long: a simulation trains hundreds of times (a hung worker is still caught, after 3 h). */
const trainingTimeoutMs = 3 * 3600_000

/** The training worker: one, since a project trains one checkpoint at a time. */
export class TrainWorkers {
  private readonly pool: WorkerPool<TrainProtocol>

  constructor(factory: WorkerFactory) {
    // Ranking keeps the pool's usual limit: a hung ranking should not hold training for hours.
    this.pool = new WorkerPool({ name: 'training', factory, consequence: 'no checkpoint was made' })
  }

  /**
   * Trains in the worker. Aborting `signal` sets the shared stop flag; the worker stops at its
   * next step and answers with `cancelled: true` (and writes no checkpoint).
   */
  train(
    request: Omit<TrainJobRequest, 'stop'>,
    signal?: AbortSignal,
    onProgress?: (fraction: number) => void,
  ): Promise<TrainJobResult> {
    return this.withStop(signal, (stop) =>
      this.pool.request(
        'train',
        { ...request, stop },
        { subject: 'training', onProgress, timeoutMs: trainingTimeoutMs },
      ),
    )
  }

  /** The active-learning simulation (simulate.ts), cancellable the same way. */
  simulate(
    request: Omit<SimulationRequest, 'stop'>,
    signal?: AbortSignal,
    onProgress?: (fraction: number, label?: string) => void,
  ): Promise<SimulationResult> {
    return this.withStop(signal, (stop) =>
      this.pool.request(
        'simulate',
        { ...request, stop },
        { subject: 'simulation', onProgress, timeoutMs: trainingTimeoutMs },
      ),
    )
  }

  /** The pool ranked under a strategy, computed in the worker from the project file. */
  rank(dbPath: string, db: OpenDatabaseOptions, strategy: AcquisitionStrategy): Promise<Ranked[]> {
    return this.pool.request('rank', { dbPath, db, strategy }, { subject: 'ranking the queue' })
  }

  private withStop<T>(
    signal: AbortSignal | undefined,
    run: (stop: SharedArrayBuffer) => Promise<T>,
  ): Promise<T> {
    const stop = new SharedArrayBuffer(4)
    const flag = new Int32Array(stop)
    const onAbort = (): void => void Atomics.store(flag, 0, 1)
    if (signal?.aborted) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    return run(stop).finally(() => signal?.removeEventListener('abort', onAbort))
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
