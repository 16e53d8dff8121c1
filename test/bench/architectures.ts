import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { probeAudio } from '../../src/main/core/asr/features'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { modelInput } from '../../src/main/core/asr/model-input'
import { readModelPackage } from '../../src/main/core/asr/model-package'
import { importModel, modelSummary } from '../../src/main/core/asr/model-store'
import { defaultTranscribeOptions } from '../../src/main/core/asr/transcribe-options'
import { workerFactory } from '../../src/main/hosts/boot'
import { appRoot } from '../support/fixtures'

/**
 * Time per 10 s of audio for each architecture at its real size (random weights, built by
 * `make-architectures.py --size base`), imported as its ecosystem exports it: session.run on
 * 2 CPU threads, best of three after a warm-up, one utterance at a time as labelling runs long ones.
 */
export async function architecturesBench(benchData: string): Promise<void> {
  console.log(
    '\n== Architectures at their real sizes: session.run per 10 s of audio, 2 CPU threads',
  )
  const root = join(benchData, 'architectures-base')
  if (!existsSync(root))
    return void console.log(
      '(none built: /usr/bin/python3 test/fixtures/models/make-architectures.py --size base .bench-data/architectures-base)',
    )
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-arch-'))
  const pcm = join(dataDir, 'ten-seconds.f32')
  let state = 1
  const samples = Float32Array.from({ length: 160_000 }, (_, i) => {
    state = (state * 1664525 + 1013904223) >>> 0
    return 0.3 * Math.sin(i / 9) * Math.sin(i / 4000) + (state / 2 ** 32 - 0.5) * 0.05
  })
  writeFileSync(pcm, new Uint8Array(samples.buffer))
  const inference = new InferenceWorkers(workerFactory(appRoot, 'inference'))
  try {
    for (const folder of readdirSync(root).sort()) {
      if (!existsSync(join(root, folder, 'model.onnx'))) continue
      const { model } = await importModel(dataDir, join(root, folder), inference)
      const summary = modelSummary(model)
      const item = { utteranceId: 1, pcmPath: pcm, startSec: 0, endSec: 10 }
      const times: number[] = []
      for (let run = 0; run < 4; run++) {
        const out = await inference.transcribe(
          model.dir,
          model.id,
          [item],
          { ...defaultTranscribeOptions, nBest: 1, beamWidth: 1 },
          { threads: 2, providers: ['cpu'] },
        )
        if (run > 0) times.push(out.inferenceMs)
      }
      console.log(
        `${folder.padEnd(24)} ${(model.registration.report.bytes / 1e6).toFixed(0).padStart(5)} MB  ${(Math.min(...times) / 1000).toFixed(2)} s per 10 s (real-time factor ${(Math.min(...times) / 10_000).toFixed(3)})  adapts: ${summary.canAdapt ? (summary.edited ? 'yes (exposed)' : 'yes') : 'no'}  input: ${summary.input}`,
      )
    }
  } finally {
    await inference.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/**
 * The edited graph against the native one, paired: both sessions open side by side (CPU,
 * 2 threads), session.run on the same 10 s input in turns, A B B A …, so load from other work
 * on the machine falls on both alike; the median of the per-pair ratios is the overhead.
 */
export async function pairedRuns(nativeDir: string, editedDir: string): Promise<void> {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: ['cpu'],
    intraOpNumThreads: 2,
    interOpNumThreads: 1,
  }
  const [native, edited] = await Promise.all(
    [nativeDir, editedDir].map((dir) =>
      ort.InferenceSession.create(join(dir, 'model.onnx'), options),
    ),
  )
  const { manifest } = await readModelPackage(nativeDir)
  const { feeds } = modelInput(manifest, [probeAudio(10)])
  const time = async (session: ort.InferenceSession): Promise<number> => {
    const t = performance.now()
    await session.run(feeds)
    return performance.now() - t
  }
  await time(native!)
  await time(edited!)
  const ratios: number[] = []
  const a: number[] = []
  const b: number[] = []
  for (let pair = 0; pair < 12; pair++) {
    const first = pair % 2 === 0
    const x = first ? await time(native!) : await time(edited!)
    const y = first ? await time(edited!) : await time(native!)
    const [n, e] = first ? [x, y] : [y, x]
    a.push(n)
    b.push(e)
    ratios.push(e / n)
  }
  const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[xs.length >> 1]!
  console.log(
    `paired, 12 × session.run on 10 s each: native ${(median(a) / 1000).toFixed(2)} s, edited ${(median(b) / 1000).toFixed(2)} s (median); edited/native per pair: median ${((median(ratios) - 1) * 100).toFixed(1)}%, range ${((Math.min(...ratios) - 1) * 100).toFixed(1)}% to ${((Math.max(...ratios) - 1) * 100).toFixed(1)}%`,
  )
  await native!.release()
  await edited!.release()
}
