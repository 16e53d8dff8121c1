/** Training worker: adapter and CTC-head training, which would block any thread it ran on. */
import { parentPort } from 'node:worker_threads'
import { rankProject, type Ranked } from '../core/adapt/acquisition'
import { runSimulation } from '../core/adapt/simulate'
import { runTrainJob } from '../core/adapt/train-job'
import type { RankRequest, TrainProtocol } from '../core/adapt/train-protocol'
import { openDatabase } from '../core/db/connection'
import { serveRequests } from '../core/workers/protocol'

serveRequests<TrainProtocol>(
  parentPort,
  'training',
  {
    train: (request, progress) => runTrainJob(request, progress),
    simulate: (request, progress) => runSimulation(request, progress),
    rank,
  },
  { subject: () => 'training' },
)

function rank(request: RankRequest): Ranked[] {
  const db = openDatabase(request.dbPath, { ...request.db, inspectOnly: true })
  try {
    return rankProject(db, request.strategy)
  } finally {
    db.close()
  }
}
