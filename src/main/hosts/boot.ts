import { existsSync, readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { InferenceWorkers } from '../core/asr/inference-workers'
import { TrainWorkers } from '../core/adapt/train-workers'
import type { ServerPaths } from '../core/accounts/server-paths'
import type { SessionSettings } from '../core/asr/providers'
import { AudioWorkers } from '../core/audio/audio-workers'
import type { WorkerFactory } from '../core/workers/pool'
import type { WorkControl } from '../core/jobs'
import type { OpenDatabaseOptions } from '../core/db/connection'
import { DEMO_PROJECT_ID, ensureDemoProject } from '../core/project/demo'
import { sweepIncoming } from '../core/project/paths'
import { sweepStaging } from '../core/project/staging'
import {
  createProject,
  openProject,
  projectExists,
  type OpenProject,
} from '../core/project/projects'
import { Workbench } from '../core/workbench'

/** The folder holding package.json, found from this file whether it runs from src/ or out/. */
export function findAppRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'sauti'
    )
      return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`cannot find the Sauti application folder above ${from}`)
    dir = parent
  }
}

export function appVersion(appRoot: string): string {
  return (JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as { version: string })
    .version
}

/**
 * Workers run their built entry (out/main/<name>-worker.js); when this code itself runs from
 * TypeScript sources (tests), the worker runs from source through tsx.
 */
export function workerFactory(
  appRoot: string,
  name: 'audio' | 'inference' | 'train',
): WorkerFactory {
  if (import.meta.url.endsWith('.ts')) {
    const bootstrap = join(appRoot, 'src/main/workers/ts-bootstrap.mjs')
    const entry = pathToFileURL(join(appRoot, `src/main/workers/${name}.ts`)).href
    return () => new Worker(bootstrap, { workerData: { sautiWorkerEntry: entry } })
  }
  const entry = join(appRoot, `out/main/${name}-worker.js`)
  return () => new Worker(entry)
}

export const audioWorkerFactory = (appRoot: string): WorkerFactory =>
  workerFactory(appRoot, 'audio')

export function audioWorkerCount(): number {
  // Leave a core for the main thread (UI, HTTP, IPC); at most four decoders.
  return Math.max(1, Math.min(4, availableParallelism() - 1))
}

export interface BootOptions {
  appRoot: string
  dataDir: string
  projectId: string
  host: 'electron' | 'http'
  /** Create the project if it does not exist (import does; serve opens the demo or an existing one). */
  create?: boolean
  db?: OpenDatabaseOptions
  demoProgress?: WorkControl['onProgress']
  sessionSettings?: SessionSettings
  /** What team accounts may name on the server's disk. */
  serverPaths?: ServerPaths
  claimIdleMs?: number
}

/** Opens (or on first start creates) the project and builds the workbench around it. */
export async function bootWorkbench(options: BootOptions): Promise<Workbench> {
  const workers = new AudioWorkers(audioWorkerFactory(options.appRoot), audioWorkerCount())
  let project: OpenProject
  try {
    if (options.projectId === DEMO_PROJECT_ID) {
      project = await ensureDemoProject(options.dataDir, join(options.appRoot, 'demo'), workers, {
        ...options.db,
        onProgress: options.demoProgress,
      })
    } else if (options.create && !projectExists(options.dataDir, options.projectId)) {
      project = await createProject(options.dataDir, options.projectId, options.db)
    } else {
      project = openProject(options.dataDir, options.projectId, options.db)
    }
    await sweepIncoming(project.paths)
    // What processes that are gone left in staging: half-written files, a killed export's folder.
    await sweepStaging(project.paths)
  } catch (error) {
    await workers.close()
    throw error
  }
  return new Workbench({
    dataDir: options.dataDir,
    project,
    audioWorkers: workers,
    inferenceWorkers: new InferenceWorkers(workerFactory(options.appRoot, 'inference')),
    trainWorkers: new TrainWorkers(workerFactory(options.appRoot, 'train')),
    sessionSettings: options.sessionSettings,
    vadModel: join(options.appRoot, 'models', 'vad', 'silero_vad_v5.onnx'),
    version: appVersion(options.appRoot),
    host: options.host,
    db: options.db,
    serverPaths: options.serverPaths,
    claimIdleMs: options.claimIdleMs,
  })
}

/**
 * A start after a crash resumes the labelling the crashed process left unfinished, in the
 * background. Failure is reported, not fatal.
 */
export async function resumeInterruptedLabelling(
  workbench: Workbench,
  report: (message: string) => void,
): Promise<void> {
  try {
    if (await workbench.resumeInterruptedLabelling())
      report('Resuming the labelling that was interrupted when Sauti stopped (a background job)')
  } catch (error) {
    report(`could not resume the interrupted labelling: ${(error as Error).message}`)
  }
}

/**
 * The demo's first start labels it with the bundled starter model in the background, so a new
 * user sees ranked hypotheses without downloading anything; a first labelling that was
 * interrupted is finished by the next start. Failure is reported, not fatal.
 */
export async function labelDemoOnFirstStart(
  workbench: Workbench,
  appRoot: string,
  report: (message: string) => void,
): Promise<void> {
  if (!workbench.project.ref.isDemo) return
  try {
    const jobId = await workbench.labelIfUnlabelled(join(appRoot, 'models', 'starter'))
    if (jobId) report('Labelling the demo with the bundled starter model (a background job)')
  } catch (error) {
    report(`could not label the demo with the starter model: ${(error as Error).message}`)
  }
}
