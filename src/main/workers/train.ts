/** Training worker: adapter and CTC-head training, which would block any thread it ran on. */
import { parentPort, type MessagePort } from 'node:worker_threads'
import { SautiError } from '../../shared/errors'
import {
  runSimulation,
  type SimulationRequest,
  type SimulationResult,
} from '../core/adapt/simulate'
import { runTrainJob } from '../core/adapt/train-job'
import type { TrainJobRequest, TrainJobResult } from '../core/adapt/train-protocol'
import type { WorkerReply } from '../core/workers/pool'

if (!parentPort) throw new Error('the training worker must run in a worker thread')
const port: MessagePort = parentPort

port.on('message', (request: TrainJobRequest | SimulationRequest) => {
  void handle(request).then((reply) => port.postMessage(reply))
})

async function handle(
  request: TrainJobRequest | SimulationRequest,
): Promise<WorkerReply<TrainJobResult | SimulationResult>> {
  try {
    let last = 0
    const progress = (fraction: number): void => {
      if (Date.now() - last < 200 && fraction < 1) return
      last = Date.now()
      port.postMessage({ id: request.id, progress: fraction } satisfies WorkerReply<unknown>)
    }
    const value =
      request.type === 'simulate'
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
