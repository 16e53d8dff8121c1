/** Inference worker: owns ONNX Runtime sessions, whose run() blocks the thread it runs on. */
import { parentPort, type MessagePort } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { SautiError } from '../../shared/errors'
import { rescore } from '../core/adapt/rescore'
import { ModelRunner } from '../core/asr/transcribe'
import { validateModel } from '../core/asr/validate'
import { segmentsFromProbabilities, speechProbabilities } from '../core/asr/vad'
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
  request: Extract<InferenceRequest, { type: 'transcribe' | 'fitHead' }>,
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

let vad: { path: string; session: ort.InferenceSession } | null = null

async function vadSession(path: string): Promise<ort.InferenceSession> {
  if (vad?.path === path) return vad.session
  vad = {
    path,
    session: await ort.InferenceSession.create(path, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
    }),
  }
  return vad.session
}

async function handle(request: InferenceRequest): Promise<InferenceReply> {
  const subject =
    request.type === 'validate'
      ? request.dir
      : request.type === 'segment'
        ? request.pcmPath
        : request.type === 'rescore'
          ? request.checkpoint.path
          : request.modelDir
  try {
    switch (request.type) {
      case 'validate':
        return {
          id: request.id,
          ok: true,
          value: await validateModel(request.dir, request.settings),
        }
      case 'segment': {
        let last = 0
        const session = await vadSession(request.vadModel)
        const probs = await speechProbabilities(session, request.pcmPath, (progress) => {
          if (Date.now() - last < 250) return
          last = Date.now()
          port.postMessage({ id: request.id, progress } satisfies InferenceReply)
        })
        return {
          id: request.id,
          ok: true,
          value: segmentsFromProbabilities(probs, request.durationSec, request.options),
        }
      }
      case 'fitHead': {
        const model = await runnerFor(request)
        return { id: request.id, ok: true, value: await model.fitLinearHead(request.items) }
      }
      case 'rescore':
        return { id: request.id, ok: true, value: await rescore(request) }
      case 'transcribe': {
        const model = await runnerFor(request)
        return {
          id: request.id,
          ok: true,
          value: await model.transcribe(request.items, request.options),
        }
      }
    }
  } catch (error) {
    const info =
      error instanceof SautiError
        ? error.toInfo()
        : { kind: 'internal' as const, message: `${subject}: ${(error as Error).message}` }
    return { id: request.id, ok: false, error: info }
  }
}
