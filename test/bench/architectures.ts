import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
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
