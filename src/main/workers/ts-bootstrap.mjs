// Runs a worker entry from its TypeScript source. Used only when Sauti itself runs from
// sources (the test suite); built apps start out/main/*-worker.js directly.
import { workerData } from 'node:worker_threads'
import { tsImport } from 'tsx/esm/api'

await tsImport(workerData.sautiWorkerEntry, import.meta.url)
