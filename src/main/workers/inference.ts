/** Inference worker: owns ONNX Runtime sessions, whose run() blocks the thread it runs on. */
import { parentPort, type MessagePort } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { SautiError } from '../../shared/errors'
import { ModelRunner } from '../core/asr/transcribe'
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

/** The last model used stays open: labelling sends it batch after batch. */
let runner: { key: string; runner: ModelRunner } | null = null

async function runnerFor(
  request: Extract<InferenceRequest, { type: 'transcribe' }>,
): Promise<ModelRunner> {
  const key = `${request.modelDir}|${JSON.stringify(request.settings)}`
  if (runner?.key === key) return runner.runner
  await runner?.runner.release()
  runner = null
  runner = {
    key,
    runner: await ModelRunner.open(request.modelDir, request.settings, request.modelKey),
  }
  return runner.runner
}

async function handle(request: InferenceRequest): Promise<InferenceReply> {
  const subject = request.type === 'validate' ? request.dir : request.modelDir
  try {
    if (request.type === 'validate')
      return { id: request.id, ok: true, value: await validateModel(request.dir, request.settings) }
    const model = await runnerFor(request)
    return {
      id: request.id,
      ok: true,
      value: await model.transcribe(request.items, request.options),
    }
  } catch (error) {
    const info =
      error instanceof SautiError
        ? error.toInfo()
        : { kind: 'internal' as const, message: `${subject}: ${(error as Error).message}` }
    return { id: request.id, ok: false, error: info }
  }
}
