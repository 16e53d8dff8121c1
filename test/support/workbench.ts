import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { ensureDemoProject } from '../../src/main/core/project/demo'
import { createProject, type OpenProject } from '../../src/main/core/project/projects'
import { Workbench, type WorkbenchOptions } from '../../src/main/core/workbench'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { TrainWorkers } from '../../src/main/core/adapt/train-workers'
import { audioWorkerFactory, workerFactory } from '../../src/main/hosts/boot'
import type { Caller } from '../../src/main/core/accounts/caller'
import type { EventMap, Method } from '../../src/shared/contract'
import type { ImportSummary } from '../../src/shared/domain'
import type { ErrorInfo } from '../../src/shared/errors'
import { appRoot } from './fixtures'

const open = new Set<Workbench>()

/** A workbench as the hosts build it, over an open project, with real inference workers. */
export function newWorkbench(
  dataDir: string,
  project: OpenProject,
  audioWorkers: AudioWorkers,
  version = 'test',
  options: Partial<WorkbenchOptions> = {},
): Workbench {
  return new Workbench({
    ...options,
    dataDir,
    project,
    audioWorkers,
    inferenceWorkers: new InferenceWorkers(workerFactory(appRoot, 'inference')),
    trainWorkers: new TrainWorkers(workerFactory(appRoot, 'train')),
    vadModel: join(appRoot, 'models/vad/silero_vad_v5.onnx'),
    version,
    host: 'http',
  })
}

/** A workbench on a new project in a temporary data folder, with real audio workers. */
export async function openTestWorkbench(
  projectId = 'test',
  options: Partial<WorkbenchOptions> = {},
): Promise<{ workbench: Workbench; dataDir: string; dispose: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-data-'))
  const project = await createProject(dataDir, projectId)
  const workbench = newWorkbench(
    dataDir,
    project,
    new AudioWorkers(audioWorkerFactory(appRoot), 1),
    'test',
    options,
  )
  open.add(workbench)
  return {
    workbench,
    dataDir,
    dispose: async () => {
      await workbench.close()
      open.delete(workbench)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * A workbench on the bundled demo project, created in a temporary data folder as on first
 * start, and labelled by the bundled starter model (as `sauti serve` does on first start).
 */
export async function openDemoWorkbench(): Promise<{
  workbench: Workbench
  dataDir: string
  dispose: () => Promise<void>
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-demo-'))
  const audioWorkers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
  const project = await ensureDemoProject(dataDir, join(appRoot, 'demo'), audioWorkers)
  const workbench = newWorkbench(dataDir, project, audioWorkers)
  open.add(workbench)
  const finished = new Promise<EventMap['job.finished']>((resolve) => {
    const off = workbench.events.on('job.finished', (f) => {
      off()
      resolve(f)
    })
  })
  const jobId = await workbench.labelIfUnlabelled(join(appRoot, 'models/starter'))
  if (!jobId) throw new Error('the demo was labelled already')
  const done = await finished
  if (done.status !== 'done') throw new Error(`labelling the demo: ${done.error?.message}`)
  return {
    workbench,
    dataDir,
    dispose: async () => {
      await workbench.close()
      open.delete(workbench)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Fails a suite that leaves workbenches (databases, workers) open. Call in afterAll. */
export function expectNoOpenWorkbenches(): void {
  if (open.size > 0)
    throw new Error(`${open.size} workbench(es) left open: a test leaks databases and workers`)
}

/** Runs an import job to completion through the contract, as the UI does. */
export async function importAndWait(workbench: Workbench, paths: string[]): Promise<ImportSummary> {
  const started = await workbench.call('import.start', { paths })
  if (!started.ok) throw new Error(started.error.message)
  const { jobId } = started.value as { jobId: string }
  return new Promise((resolve, reject) => {
    const off = workbench.events.on('job.finished', (f) => {
      if (f.jobId !== jobId) return
      off()
      if (f.summary) resolve(f.summary)
      else reject(new Error(f.error?.message ?? 'import failed'))
    })
  })
}

/** Runs any job through the contract and resolves with its job.finished event. */
export async function runJob(
  workbench: Workbench,
  method: 'import.start' | 'label.start' | 'train.start' | 'export.start' | 'checkpoint.score',
  input: unknown,
): Promise<EventMap['job.finished']> {
  const seen = new Map<string, EventMap['job.finished']>()
  let wanted: string | null = null
  let resolveDone: (f: EventMap['job.finished']) => void = () => undefined
  const finished = new Promise<EventMap['job.finished']>((resolve) => (resolveDone = resolve))
  const off = workbench.events.on('job.finished', (f) => {
    seen.set(f.jobId, f)
    if (f.jobId === wanted) resolveDone(f)
  })
  const started = await workbench.call(method, input)
  if (!started.ok) {
    off()
    throw new Error(started.error.message)
  }
  wanted = (started.value as { jobId: string }).jobId
  const early = seen.get(wanted)
  if (early) resolveDone(early)
  try {
    return await finished
  } finally {
    off()
  }
}

/**
 * Calls through the contract as the UI does, on the workbench the suite has open now: `ok`
 * returns the value and fails the test on a refusal; `refused` returns the refusal and fails the
 * test when the call is accepted.
 */
export function contractCalls(workbench: () => Workbench): {
  ok: <T>(method: Method, input: unknown, caller?: Caller) => Promise<T>
  refused: (method: Method, input: unknown, caller?: Caller) => Promise<ErrorInfo>
} {
  return {
    ok: async <T>(method: Method, input: unknown, caller?: Caller): Promise<T> => {
      const r = await workbench().call(method, input, caller)
      if (!r.ok) throw new Error(`${method}: ${r.error.kind}: ${r.error.message}`)
      return r.value as T
    },
    refused: async (method: Method, input: unknown, caller?: Caller): Promise<ErrorInfo> => {
      const r = await workbench().call(method, input, caller)
      if (r.ok) throw new Error(`${method} was accepted`)
      return r.error
    },
  }
}

export interface DemoSegment {
  id: number
  startSec: number
  endSec: number
}

/** The VAD segments of the demo's long (unsegmented) recording, in order of time. */
export function demoLongSegments(db: Workbench['project']['db']): DemoSegment[] {
  return db
    .prepare(
      `SELECT u.id, u.start_sec AS startSec, u.end_sec AS endSec FROM utterance u
       JOIN recording r ON r.id = u.recording_id
       WHERE r.original_name LIKE '%long%' AND u.merged_into IS NULL ORDER BY u.start_sec`,
    )
    .all() as DemoSegment[]
}
