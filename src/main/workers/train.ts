/** Training worker: adapter and CTC-head training, which would block any thread it ran on. */
import { parentPort, type MessagePort } from 'node:worker_threads'
import { SautiError } from '../../shared/errors'
import {
  runSimulation,
  type SimulationRequest,
  type SimulationResult,
} from '../core/adapt/simulate'
import { runTrainJob } from '../core/adapt/train-job'
import { rankProject, type Ranked } from '../core/adapt/acquisition'
import { openDatabase, type OpenDatabaseOptions } from '../core/db/connection'
import type { AcquisitionStrategy } from '../../shared/domain'
import type { TrainJobRequest, TrainJobResult } from '../core/adapt/train-protocol'
import type { WorkerReply } from '../core/workers/pool'

if (!parentPort) throw new Error('the training worker must run in a worker thread')
const port: MessagePort = parentPort

/** Ranks the project's pool for the queue (acquisition.ts), on a read-only connection. */
export interface RankRequest {
  id: number
  type: 'rank'
  dbPath: string
  db: OpenDatabaseOptions
  strategy: AcquisitionStrategy
}

port.on('message', (request: TrainJobRequest | SimulationRequest | RankRequest) => {
  void handle(request).then((reply) => port.postMessage(reply))
})

async function handle(
  request: TrainJobRequest | SimulationRequest | RankRequest,
): Promise<WorkerReply<TrainJobResult | SimulationResult | Ranked[]>> {
  try {
    let last = 0
    const progress = (fraction: number): void => {
      if (Date.now() - last < 200 && fraction < 1) return
      last = Date.now()
      port.postMessage({ id: request.id, progress: fraction } satisfies WorkerReply<unknown>)
    }
    const value =
      request.type === 'rank'
        ? rank(request)
        : request.type === 'simulate'
          ? await runSimulation(request, progress)
          : await runTrainJob(request, progress)
    return { id: request.id, ok: true, value }
  } catch (error) {
    const info =
      error instanceof SautiError
        ? error.toInfo()
        : { kind: 'internal' as const, message: `training: ${(error as Error).message}` }
    return { id: request.id, ok: false, error: info }
  }
}

function rank(request: RankRequest): Ranked[] {
  const db = openDatabase(request.dbPath, { ...request.db, inspectOnly: true })
  try {
    return rankProject(db, request.strategy)
  } finally {
    db.close()
  }
}
