/**
 * Benchmarks (not tests): `npm run bench`. Each number is printed next to a baseline measured
 * in the same run on the same machine, so a change shows as a ratio, not as a guess.
 *
 * 1. Import throughput for 30 minutes of mixed-format audio, end to end (hash, decode, peaks,
 *    resample, store, SQLite), against decoding alone; peak memory.
 * 2. Time from selecting a recording to its waveform drawn in Chromium, for a 2-hour recording
 *    against a 4-second clip; the renderer's JS heap after each.
 * 3. Labelling speed (`asr`), a logits-only export edited by Sauti beside the native one, and
 *    each architecture's time per 10 s of audio at its real size (`architectures`).
 * (And the sections in adaptation.ts, workspace.ts, confidence.ts, real.ts, team.ts, bulk.ts and search.ts, each
 * runnable alone: `npm run bench -- confidence`.)
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { openDecoder } from '../../src/main/core/audio/decode'
import { expandImportPaths, importItems } from '../../src/main/core/audio/importer'
import { sniffAudio } from '../../src/main/core/audio/sniff'
import { createProject, type OpenProject } from '../../src/main/core/project/projects'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { labelProject } from '../../src/main/core/asr/labeller'
import { importModel, type RegisteredModel } from '../../src/main/core/asr/model-store'
import { audioWorkerCount, audioWorkerFactory, workerFactory } from '../../src/main/hosts/boot'
import type { LabelSummary } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import { openBenchPage } from './browser'
import { adaptTimeBench, rankBench, simulateBench } from './adaptation'
import { confidenceBench } from './confidence'
import { workspaceBench } from './workspace'
import { realBench } from './real'
import { teamBench } from './team'
import { architecturesBench, pairedRuns } from './architectures'
import { crashBench } from './crash'
import { bulkConsentBench, uploadBench } from './bulk'
import { searchBench } from './search'

const benchData = process.env.SAUTI_BENCH_DATA ?? join(appRoot, '.bench-data')
const only = process.argv[2]

/** Labels a project as the benchmarks compare it: on the CPU, with two threads. */
function labelOnTwoThreads(
  project: OpenProject,
  inference: InferenceWorkers,
  model: RegisteredModel,
): Promise<LabelSummary> {
  return labelProject(
    {
      db: project.db,
      paths: project.paths,
      workers: inference,
      model,
      vadModel: join(appRoot, 'models/vad/silero_vad_v5.onnx'),
    },
    { settings: { threads: 2, providers: ['cpu'] } },
  )
}

function section(title: string): void {
  console.log(`\n== ${title}`)
}
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`

async function importBench(): Promise<void> {
  section(
    'Import throughput: 30 min of mixed-format audio (WAV 16k/44.1k stereo, FLAC, MP3, Vorbis, Opus)',
  )
  const manifest = join(benchData, 'mixed-30min', 'manifest.tsv')
  const { items } = await expandImportPaths([manifest])

  // Baseline: decoding alone (the same streaming decoders, 1 MiB chunks), one file after another.
  let decodedSeconds = 0
  const t0 = performance.now()
  for (const item of items) {
    const bytes = new Uint8Array(await readFile(item.audioPath))
    const { format } = sniffAudio(bytes, item.audioPath)
    const decoder = await openDecoder(format)
    for (let at = 0; at <= bytes.length; at += 1 << 20) {
      const out =
        at < bytes.length ? decoder.decode(bytes.subarray(at, at + (1 << 20))) : decoder.flush()
      if (out.sampleRate) decodedSeconds += (out.channelData[0]?.length ?? 0) / out.sampleRate
    }
    decoder.free()
  }
  const decodeWall = (performance.now() - t0) / 1000

  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-import-'))
  const workerCount = audioWorkerCount()
  const workers = new AudioWorkers(audioWorkerFactory(appRoot), workerCount)
  const project = await createProject(dataDir, 'bench')
  const rssBefore = process.resourceUsage().maxRSS
  const t1 = performance.now()
  const summary = await importItems({ db: project.db, paths: project.paths, workers }, items)
  const importWall = (performance.now() - t1) / 1000
  const rssPeak = process.resourceUsage().maxRSS
  await workers.close()
  project.db.close()
  rmSync(dataDir, { recursive: true, force: true })

  const minutes = summary.durationSec / 60
  console.log(
    `files: ${items.length}, imported: ${summary.imported}, rejected: ${summary.rejected.length}, audio: ${minutes.toFixed(1)} min, audio workers: ${workerCount}`,
  )
  console.log(
    `baseline, decode only (1 thread):  ${decodeWall.toFixed(1)} s wall = ${(decodedSeconds / 60 / decodeWall).toFixed(2)} audio min / s`,
  )
  console.log(
    `full import (workers + SQLite):    ${importWall.toFixed(1)} s wall = ${(minutes / importWall).toFixed(2)} audio min / s  (${(importWall / decodeWall).toFixed(2)}× the decode-only time)`,
  )
  console.log(
    `peak memory (process max RSS, workers included): ${mb(rssPeak)} (before import: ${mb(rssBefore)})`,
  )
}

function memoryBench(): void {
  section(
    'Peak memory of importing one long recording (fresh process each; baseline: a 4-second clip)',
  )
  const files = [
    join(appRoot, 'demo', 'audio', 'sw-001.flac'),
    join(benchData, 'long-2h.wav'),
    join(benchData, 'long-1h-48k-stereo.wav'),
  ]
  for (const file of files) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', join(appRoot, 'test/bench/import-one.ts'), file],
      { cwd: appRoot, encoding: 'utf8' },
    )
    const r = JSON.parse(out.trim().split('\n').pop()!) as {
      seconds: number
      audioSec: number
      idleRssKb: number
      peakRssKb: number
      rejected: unknown[]
    }
    if (r.rejected.length > 0)
      throw new Error(`${file} was rejected: ${JSON.stringify(r.rejected)}`)
    const name = file.split('/').pop()
    console.log(
      `${name!.padEnd(26)} ${(r.audioSec / 60).toFixed(1).padStart(6)} min audio in ${r.seconds.toFixed(1).padStart(5)} s; peak RSS ${mb(r.peakRssKb)} (idle ${mb(r.idleRssKb)})`,
    )
  }
}

async function waveformBench(): Promise<void> {
  section(
    'Waveform: time from selecting a recording to its waveform drawn (Chromium), 2-hour recording vs 4-second clip',
  )
  const long = join(benchData, 'long-2h.wav')
  const short = join(appRoot, 'demo', 'audio', 'sw-001.flac')
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-wave-'))
  const project = await createProject(dataDir, 'bench')
  const workers = new AudioWorkers(audioWorkerFactory(appRoot), audioWorkerCount())
  const t0 = performance.now()
  const { items } = await expandImportPaths([short, long])
  const summary = await importItems({ db: project.db, paths: project.paths, workers }, items)
  console.log(
    `imported the 2-hour WAV (220 MB) and the clip in ${((performance.now() - t0) / 1000).toFixed(1)} s (${summary.imported} files); process max RSS so far ${mb(process.resourceUsage().maxRSS)}`,
  )
  const bench = await openBenchPage(dataDir, project, workers, { width: 1280, height: 800 })
  try {
    const { page, heap } = bench
    // The recordings screen: the workbench opens on the annotator's queue otherwise.
    await page.goto(`${bench.openUrl}#/recordings`)
    await page.locator('[data-testid="waveform"][data-ready="true"]').waitFor({ timeout: 60_000 })
    const rows = page.locator('[data-testid="recording-row"]')
    const names = await rows.allInnerTexts()
    const indexOf = (needle: string): number => names.findIndex((n) => n.includes(needle))
    const openMs = (index: number): Promise<number> =>
      rows.nth(index).evaluate(
        (row) =>
          new Promise<number>((resolve) => {
            const container = document.querySelector('[data-testid="waveform"]')!
            let sawFalse = false
            const start = performance.now()
            const observer = new MutationObserver(() => {
              const state = container.getAttribute('data-ready')
              if (state === 'false') sawFalse = true
              if (state === 'true' && sawFalse) {
                observer.disconnect()
                requestAnimationFrame(() => resolve(performance.now() - start))
              }
            })
            observer.observe(container, { attributes: true, attributeFilter: ['data-ready'] })
            ;(row as HTMLElement).click()
          }),
      )
    const results: Record<string, number[]> = { clip: [], '2h': [] }
    for (let round = 0; round < 5; round++) {
      results['2h']!.push(await openMs(indexOf('long-2h')))
      results.clip!.push(await openMs(indexOf('sw-001')))
    }
    const heapAfterClip = await heap()
    await openMs(indexOf('long-2h'))
    const heapAfterLong = await heap()
    const median = (xs: number[]): number =>
      [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    console.log(
      `baseline, 4-second clip: median ${median(results.clip!).toFixed(0)} ms over 5 opens (${results.clip!.map((x) => x.toFixed(0)).join(', ')})`,
    )
    console.log(
      `2-hour recording:        median ${median(results['2h']!).toFixed(0)} ms over 5 opens (${results['2h']!.map((x) => x.toFixed(0)).join(', ')}); ${(median(results['2h']!) / median(results.clip!)).toFixed(2)}× the clip`,
    )
    console.log(
      `renderer JS heap after GC: ${(heapAfterClip / 1048576).toFixed(1)} MB with the clip open, ${(heapAfterLong / 1048576).toFixed(1)} MB with the 2-hour recording open`,
    )
  } finally {
    await bench.close()
  }
}

/**
 * Labelling speed on 2 CPU threads: the raw session.run time against everything else the
 * workbench does (decoding, confidence, alignment, batching, reading audio, storing), measured
 * side by side in one run, on the demo's 43 short clips (no VAD).
 */
async function asrBench(): Promise<void> {
  section(
    'Pseudo-labelling on 2 CPU threads: model time (session.run) vs the workbench’s own overhead',
  )
  const candidates = [
    { name: 'starter model (models/starter)', dir: join(appRoot, 'models', 'starter') },
    {
      name: 'wav2vec2-base-sized, 94 M parameters, random weights',
      dir: join(benchData, 'wav2vec2-base-random'),
    },
    {
      name: 'the same weights exported logits-only (optimum-style), hidden states exposed by Sauti',
      dir: join(benchData, 'wav2vec2-base-random-logits'),
    },
  ].filter((c) => existsSync(join(c.dir, 'model.onnx')))
  if (!existsSync(join(benchData, 'wav2vec2-base-random-logits', 'model.onnx'))) {
    console.log(
      '(no wav2vec2-base-sized models: run /usr/bin/python3 test/bench/make-wav2vec2-base.py first)',
    )
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-asr-'))
  // The demo's clips without its long recording, so no time goes to voice activity detection.
  const demoManifest = readFileSync(join(appRoot, 'demo', 'manifest.tsv'), 'utf8')
    .split('\n')
    .filter((l) => !l.includes('long'))
  const manifest = join(dataDir, 'clips.tsv')
  writeFileSync(
    manifest,
    demoManifest
      .map((l, i) => (i === 0 ? l : l.replace(/^audio\//, `${join(appRoot, 'demo', 'audio')}/`)))
      .join('\n'),
  )
  const inference = new InferenceWorkers(workerFactory(appRoot, 'inference'))
  // The two wav2vec2 exports run in turns, twice each, so load from others on the machine
  // falls on both alike; session.run's real-time factor per run is kept for the comparison.
  // The starter's second round is labelling in a worker whose code the engine has compiled:
  // the first run after a start pays for that on the decoding's first clips.
  const rounds = 2
  const rtf = new Map<string, number[]>()
  try {
    const models = []
    for (const candidate of candidates)
      models.push({
        ...candidate,
        model: (await importModel(dataDir, candidate.dir, inference)).model,
      })
    for (let round = 1; round <= rounds; round++)
      for (const { name, model } of models) {
        const project = await createProject(dataDir, `asr-${model.id}-${round}`)
        const audio = new AudioWorkers(audioWorkerFactory(appRoot), audioWorkerCount())
        const { items } = await expandImportPaths([manifest])
        await importItems({ db: project.db, paths: project.paths, workers: audio }, items)
        await audio.close()
        const summary = await labelOnTwoThreads(project, inference, model)
        project.db.close()
        const raw = summary.inferenceMs / 1000 / summary.audioSec
        const total = summary.totalMs / 1000 / summary.audioSec
        const overhead = (summary.workerMs - summary.inferenceMs) / summary.inferenceMs
        const loading = summary.totalMs - summary.workerMs
        rtf.set(name, [...(rtf.get(name) ?? []), raw])
        console.log(
          `${name}${round > 1 ? ` (round ${round})` : ''}: ${summary.labelled} utterances, ${(summary.audioSec / 60).toFixed(1)} min of audio`,
        )
        console.log(
          `  session.run alone: real-time factor ${raw.toFixed(4)}; decoding, confidence, alignment, batching and I/O in the worker add ${(overhead * 100).toFixed(1)}%; whole run ${total.toFixed(4)} (of which ${(loading / 1000).toFixed(1)} s loading the model, probing providers and storing)`,
        )
      }
    const [native, edited] = [candidates[1]?.name, candidates[2]?.name].map((n) =>
      n ? rtf.get(n) : undefined,
    )
    if (native && edited) {
      const best = (xs: number[]): number => Math.min(...xs)
      console.log(
        `logits-only export edited by Sauti vs native hidden_states output: session.run ${((best(edited) / best(native) - 1) * 100).toFixed(1)}% (best of ${rounds} each; the runs of one model differ by ${((Math.max(...native) / best(native) - 1) * 100).toFixed(1)}% among themselves)`,
      )
      await pairedRuns(models[1]!.model.dir, models[2]!.model.dir)
    }
  } finally {
    await inference.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

/** A one-hour recording end to end: import, VAD, inference, decoding, stored hypotheses. */
async function hourBench(): Promise<void> {
  section(
    'Pseudo-labelling a 1-hour recording end to end (VAD to stored hypotheses), starter model, 2 threads',
  )
  const modelDir = join(appRoot, 'models', 'starter')
  if (!existsSync(join(modelDir, 'model.onnx'))) return void console.log('(no starter model yet)')
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-hour-'))
  const inference = new InferenceWorkers(workerFactory(appRoot, 'inference'))
  const audio = new AudioWorkers(audioWorkerFactory(appRoot), audioWorkerCount())
  try {
    const { model } = await importModel(dataDir, modelDir, inference)
    const project = await createProject(dataDir, 'hour')
    const t0 = performance.now()
    const { items } = await expandImportPaths([join(benchData, 'long-1h-48k-stereo.wav')])
    await importItems({ db: project.db, paths: project.paths, workers: audio }, items)
    const imported = performance.now()
    const summary = await labelOnTwoThreads(project, inference, model)
    const done = performance.now()
    project.db.close()
    console.log(
      `import ${((imported - t0) / 1000).toFixed(1)} s; VAD + labelling ${((done - imported) / 1000).toFixed(1)} s: ${summary.segmented.utterances} utterances, ${(summary.audioSec / 60).toFixed(1)} min of speech`,
    )
    console.log(
      `end to end: ${((60 * 60) / ((done - t0) / 1000)).toFixed(1)} audio minutes per wall minute (${((done - t0) / 1000).toFixed(1)} s for the hour); process max RSS ${mb(process.resourceUsage().maxRSS)} (the inference worker included)`,
    )
  } finally {
    await audio.close()
    await inference.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

if (!existsSync(join(appRoot, 'out', 'renderer', 'index.html')))
  throw new Error('build first: npm run build')
// The generated audio serves most sections; the real-speech ones build their own corpora, and
// labelling cost, ranking and the kill trials need none.
if (
  !only ||
  ![
    'real',
    'confidence',
    'asr',
    'rank',
    'team',
    'architectures',
    'crash',
    'bulk',
    'upload',
    'search',
  ].includes(only)
)
  execFileSync('bash', [join(appRoot, 'test/bench/make-bench-audio.sh'), benchData], {
    stdio: 'inherit',
  })
console.log(
  `machine: ${readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? process.arch}, ${(await import('node:os')).availableParallelism()} cores, Node ${process.versions.node}`,
)
if (!only || only === 'import') await importBench()
if (!only || only === 'memory') memoryBench()
if (!only || only === 'waveform') await waveformBench()
if (!only || only === 'asr') await asrBench()
if (only === 'hour') await hourBench()
if (!only || only === 'architectures') await architecturesBench(benchData)
if (only === 'crash') await crashBench()
if (!only || only === 'workspace') await workspaceBench(benchData)
if (!only || only === 'adapt') await adaptTimeBench()
if (!only || only === 'rank') rankBench()
if (!only || only === 'team') await teamBench()
if (!only || only === 'bulk') await bulkConsentBench()
if (!only || only === 'upload') await uploadBench()
if (!only || only === 'search') await searchBench()
if (!only || only === 'simulate' || only === 'simulate-field') await simulateBench('field')
if (!only || only === 'simulate' || only === 'simulate-clean') await simulateBench('clean')
// Hours on two cores: only when asked for (`npm run bench -- real`).
if (only === 'real') await realBench(benchData)
// Tens of minutes on two cores: only when asked for (`npm run bench -- confidence`).
if (only === 'confidence') await confidenceBench(benchData)
