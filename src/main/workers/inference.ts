/** Inference worker: owns ONNX Runtime sessions, whose run() blocks the thread it runs on. */
import { parentPort, type MessagePort } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { SautiError } from '../../shared/errors'
import { validateModel } from '../core/asr/validate'
import type { InferenceReply, InferenceRequest } from '../core/asr/inference-workers'

// Provider load failures are expected (no GPU here) and reported to the user in words;
// ONNX Runtime's own log would print each one again as an error.
ort.env.logLevel = 'fatal'

if (!parentPort) throw new Error('the inference worker must run in a worker thread')
const port: MessagePort = parentPort

port.on('message', (request: InferenceRequest) => {
  void handle(request).then((reply) => port.postMessage(reply))
})

async function handle(request: InferenceRequest): Promise<InferenceReply> {
  try {
    return { id: request.id, ok: true, value: await validateModel(request.dir, request.settings) }
  } catch (error) {
    const info =
      error instanceof SautiError
        ? error.toInfo()
        : { kind: 'internal' as const, message: `${request.dir}: ${(error as Error).message}` }
    return { id: request.id, ok: false, error: info }
  }
}
