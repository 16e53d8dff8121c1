/** Inference worker: owns ONNX Runtime sessions, whose run() blocks the thread it runs on. */
import { parentPort } from 'node:worker_threads'
import * as ort from 'onnxruntime-node'
import { rescore } from '../core/adapt/rescore'
import type { InferenceProtocol, ModelRequest } from '../core/asr/inference-protocol'
import { prepareGraph } from '../core/asr/prepare-graph'
import { ModelRunner } from '../core/asr/transcribe'
import { validateModel } from '../core/asr/validate'
import { segmentsFromProbabilities, speechProbabilities } from '../core/asr/vad'
import { serveRequests } from '../core/workers/protocol'

// Provider load failures are expected (no GPU here) and reported to the user in words;
// ONNX Runtime's own log would print each one again as an error.
ort.env.logLevel = 'fatal'

/** The last model used stays open: labelling sends it batch after batch. */
let runner: { key: string; runner: ModelRunner } | null = null

async function runnerFor(request: ModelRequest): Promise<ModelRunner> {
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

serveRequests<InferenceProtocol>(
  parentPort,
  'inference',
  {
    validate: ({ dir, settings }) => validateModel(dir, settings),
    prepare: ({ source, target, outputs }) => prepareGraph(source, target, outputs),
    segment: async (request, progress) => {
      const session = await vadSession(request.vadModel)
      const probs = await speechProbabilities(session, request.pcmPath, progress)
      return segmentsFromProbabilities(probs, request.durationSec, request.options)
    },
    fitHead: async (request) => (await runnerFor(request)).fitLinearHead(request.items),
    rescore: (request) => rescore(request),
    transcribe: async (request) =>
      (await runnerFor(request)).transcribe(request.items, request.options),
    align: async (request) =>
      (await runnerFor(request)).align(request.items[0]!, request.text, request.options),
  },
  {
    subject: (m) =>
      m.type === 'validate'
        ? m.request.dir
        : m.type === 'prepare'
          ? m.request.source
          : m.type === 'segment'
            ? m.request.pcmPath
            : m.type === 'rescore'
              ? m.request.checkpoint.path
              : m.request.modelDir,
  },
)
