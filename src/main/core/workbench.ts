import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CallResult, Method, ParsedInput } from '../../shared/contract'
import type { Peaks } from '../../shared/domain'
import type { Result } from '../../shared/errors'
import { SautiError } from '../../shared/errors'
import type { InferenceWorkers } from './asr/inference-workers'
import { activeCheckpoint, recoverInterruptedRuns, trainCheckpoint } from './adapt/adaptation'
import { reprioritise } from './adapt/acquisition'
import { adaptationSettings, updateAdaptationSettings } from './adapt/settings'
import { simulateProject, type SimulationOptions, type SimulationReport } from './adapt/simulation'
import { adaptationStatus, correctionsSinceLastRun, trainingRunning } from './adapt/status'
import type { TrainWorkers } from './adapt/train-workers'
import { createAnnotator, listAnnotators, setDefaultLanguage } from './annotate/annotators'
import {
  mergeUtterances,
  saveUtterance,
  setBounds,
  splitUtterance,
  utteranceDetail,
} from './annotate/editor'
import { queueFacets, queuePage } from './annotate/queue'
import { ensureModelRow, labelProject, latestInference } from './asr/labeller'
import { findModel, importModel, listModels, type RegisteredModel } from './asr/model-store'
import type { SessionSettings } from './asr/providers'
import { stewardshipCalls } from './consent/calls'
import { assertNotPurged } from './consent/purge'
import type { AudioWorkers } from './audio/audio-workers'
import { expandImportPaths, importItems } from './audio/importer'
import { decodePeaks, pickLevel } from './audio/peaks'
import type { OpenDatabaseOptions } from './db/connection'
import { dispatch } from './dispatch'
import { runDoctor } from './doctor'
import { EventBus } from './events'
import { Jobs } from './jobs'
import { originalPath, peaksPath } from './project/paths'
import { listProjects, type OpenProject } from './project/projects'
import { getRecording, listRecordings, listUtterances, projectSummary } from './project/queries'
import { reviewCalls } from './review/calls'

export interface WorkbenchOptions {
  dataDir: string
  project: OpenProject
  audioWorkers: AudioWorkers
  inferenceWorkers: InferenceWorkers
  /** The training worker (adapters and CTC heads). */
  trainWorkers: TrainWorkers
  /** Silero VAD v5 ONNX file (models/vad/silero_vad_v5.onnx). */
  vadModel: string
  /** Execution providers, threads and graph optimisation for inference. */
  sessionSettings?: SessionSettings
  version: string
  host: 'electron' | 'http'
  db?: OpenDatabaseOptions
}

type Implementation = { [M in Method]: (input: ParsedInput<M>) => Promise<CallResult<M>> }

/** The workbench: implements the contract once, on top of the services. Hosts only translate. */
export class Workbench {
  readonly events = new EventBus()
  readonly jobs = new Jobs(this.events)
  private readonly handlers: Implementation

  constructor(private readonly options: WorkbenchOptions) {
    this.handlers = this.implement()
    recoverInterruptedRuns(options.project.db, options.project.paths)
  }

  get project(): OpenProject {
    return this.options.project
  }

  /** Validates and runs one contract call; never throws. */
  call(method: unknown, input: unknown): Promise<Result<unknown>> {
    return dispatch(this.handlers, method, input)
  }

  /** The stored original of a recording, for the hosts' media streaming. */
  mediaFile(recordingId: number): {
    path: string
    format: ReturnType<typeof getRecording>['format']
  } {
    const recording = getRecording(this.project.db, recordingId)
    assertNotPurged(this.project.db, recordingId)
    return {
      path: originalPath(this.project.paths, recording.sha256, recording.format),
      format: recording.format,
    }
  }

  /**
   * First start of a project that no model has labelled yet: register the bundled model and
   * label the project in the background, so the queue shows ranked hypotheses without setup.
   * Returns the labelling job's id, or null when there was nothing to do.
   */
  async labelIfUnlabelled(modelDir: string): Promise<string | null> {
    const { db } = this.project
    if (db.prepare('SELECT 1 FROM hypothesis LIMIT 1').get()) return null
    if (this.jobs.list().some((j) => j.kind === 'label' && j.status === 'running')) return null
    const { model } = await importModel(
      this.options.dataDir,
      modelDir,
      this.options.inferenceWorkers,
    )
    const started = await this.call('label.start', { model: model.id })
    if (!started.ok) throw new SautiError(started.error.kind, started.error.message)
    return (started.value as { jobId: string }).jobId
  }

  /** The model to adapt: the one named, else the one that labelled the project last. */
  private async modelToAdapt(key: string | undefined): Promise<RegisteredModel> {
    if (key) return findModel(this.options.dataDir, key)
    const last = this.project.db
      .prepare(
        'SELECT m.sha256 FROM label_run r JOIN model m ON m.id = r.model_id ORDER BY r.id DESC LIMIT 1',
      )
      .get() as { sha256: string } | undefined
    if (!last)
      throw new SautiError(
        'not_found',
        'no model has labelled this project yet: label it first (sauti label --model …), or name the model to adapt.',
      )
    return findModel(this.options.dataDir, last.sha256.slice(0, 12))
  }

  /** Starts a training job; `auto` when enough corrections have come in since the last one. */
  private async startTraining(trigger: 'manual' | 'auto', key?: string): Promise<string> {
    const { db, paths, ref } = this.project
    if (
      trainingRunning(db) ||
      this.jobs.list().some((j) => j.kind === 'train' && j.status === 'running')
    )
      throw new SautiError(
        'conflict',
        'a training is already running in this project; wait for it or cancel it.',
      )
    const model = await this.modelToAdapt(key)
    const label = trigger === 'auto' ? 'Adapting the model (automatic)' : 'Adapting the model'
    return this.jobs.start('train', label, async (job) => {
      const trained = await trainCheckpoint(
        {
          db,
          paths,
          inference: this.options.inferenceWorkers,
          training: this.options.trainWorkers,
          model,
          settings: this.options.sessionSettings,
          dbOptions: this.options.db,
        },
        {
          trigger,
          signal: job.signal,
          onProgress: (done, total, current) => job.progress(done, total, current),
        },
      )
      if (trained.rescored > 0)
        this.events.emit('project.changed', { projectId: ref.id, what: ['utterances'] })
      return { trained }
    })
  }

  /** `sauti simulate` (simulation.ts): the loop with the project's transcripts as the oracle. */
  async simulate(options: SimulationOptions & { model?: string }): Promise<SimulationReport> {
    const { db, paths } = this.project
    return simulateProject(
      {
        db,
        paths,
        inference: this.options.inferenceWorkers,
        training: this.options.trainWorkers,
        model: await this.modelToAdapt(options.model),
        settings: this.options.sessionSettings,
        dbOptions: this.options.db,
      },
      options,
    )
  }

  /** Whether a training or labelling job runs (each ranks the queue when it finishes). */
  private trainingOrLabelling(): boolean {
    return this.jobs
      .list()
      .some((j) => (j.kind === 'train' || j.kind === 'label') && j.status === 'running')
  }

  /** After a correction: train by itself once enough new ones have come in. */
  private maybeTrain(): void {
    const { db } = this.project
    const settings = adaptationStatus(db)
    if (settings.autoTrainAfter === 0 || settings.training) return
    if (this.trainingOrLabelling()) return
    if (correctionsSinceLastRun(db) < settings.autoTrainAfter) return
    this.startTraining('auto').catch(() => undefined)
  }

  /** Ranks the queue under the project's strategy (in the training worker) and tells the windows. */
  private async rerank(): Promise<void> {
    const { db, paths, ref } = this.project
    await reprioritise(
      this.options.trainWorkers,
      db,
      paths.db,
      this.options.db ?? {},
      adaptationSettings(db).strategy,
    )
    this.events.emit('project.changed', { projectId: ref.id, what: ['utterances'] })
  }

  /** A ranking started by a flag, and whether another flag came in while it ran. */
  private flagRanking: Promise<void> | null = null
  private flaggedSinceRanking = false

  /**
   * After a flag: rank the queue again in the training worker, so that what looks like the
   * flagged utterances waits (hybrid.ts) without waiting for the next training. Flags that come
   * in while a ranking runs are taken by one more ranking after it. A running training or
   * labelling ranks when it finishes anyway.
   */
  private rerankAfterFlag(): void {
    this.flaggedSinceRanking = true
    if (this.flagRanking) return
    if (this.trainingOrLabelling()) return
    this.flaggedSinceRanking = false
    const { db } = this.project
    this.flagRanking = this.rerank()
      .catch(() => undefined)
      .finally(() => {
        this.flagRanking = null
        if (this.flaggedSinceRanking && db.open) this.rerankAfterFlag()
      })
  }

  /** Tells every window which utterances changed, so their queues and open editors catch up. */
  private changed(ids: number[]): void {
    this.events.emit('utterance.changed', { projectId: this.project.ref.id, ids })
  }

  async close(): Promise<void> {
    this.flaggedSinceRanking = false
    await this.flagRanking
    await this.jobs.cancelAll()
    await this.options.audioWorkers.close()
    await this.options.inferenceWorkers.close()
    await this.options.trainWorkers.close()
    this.project.db.close()
  }

  private implement(): Implementation {
    const { db, ref, paths } = this.project
    const o = this.options
    return {
      'app.info': async () => ({
        version: o.version,
        inference: latestInference(db),
        host: o.host,
        dataDir: o.dataDir,
        project: projectSummary(db, ref),
        uiLanguages: ['en', 'sw'],
      }),
      'app.doctor': async () => runDoctor({ version: o.version, dataDir: o.dataDir, ...o.db }),
      'project.list': async () => listProjects(o.dataDir, o.db),
      'project.summary': async () => projectSummary(db, ref),
      'recording.list': async ({ offset, limit }) => listRecordings(db, offset, limit),
      'recording.get': async ({ id }) => getRecording(db, id),
      'recording.peaks': async ({ id, maxPeaks }): Promise<Peaks> => {
        const recording = getRecording(db, id)
        assertNotPurged(db, id)
        let bytes: Buffer
        try {
          bytes = await readFile(peaksPath(paths, recording.sha256))
        } catch {
          throw new SautiError(
            'not_found',
            `the waveform peaks of recording ${id} are missing from the cache; re-import the file`,
          )
        }
        const level = pickLevel(decodePeaks(new Uint8Array(bytes)), maxPeaks)
        return {
          recordingId: id,
          durationSec: recording.durationSec,
          peaksPerSecond: level.peaksPerSecond,
          data: Array.from(level.data, (v) => Math.round((v / 65535) * 1e4) / 1e4),
        }
      },
      'utterance.list': async ({ recordingId, offset, limit }) =>
        listUtterances(db, recordingId, offset, limit),
      'import.start': async ({ paths: inputs }) => {
        const label = inputs.length === 1 ? `Import ${inputs[0]}` : `Import ${inputs.length} paths`
        const jobId = this.jobs.start('import', label, async (job) => {
          const { items, rejected } = await expandImportPaths(inputs)
          const summary = await importItems({ db, paths, workers: o.audioWorkers }, items, {
            signal: job.signal,
            onProgress: (done, total, current) => job.progress(done, total, current),
          })
          summary.rejected.unshift(...rejected)
          if (summary.imported > 0)
            this.events.emit('project.changed', {
              projectId: ref.id,
              what: ['recordings', 'utterances'],
            })
          return { summary }
        })
        return { jobId }
      },
      'model.list': async () =>
        (await listModels(o.dataDir)).map((m) => ({
          id: m.id,
          name: m.manifest.name,
          languages: m.manifest.languages,
          vocabularySize: m.registration.report.vocabularySize,
          layout: m.registration.report.layout,
        })),
      'label.start': async ({ model: key, nBest, beamWidth, lm }) => {
        const model = await findModel(o.dataDir, key)
        const jobId = this.jobs.start('label', `Label with ${model.manifest.name}`, async (job) => {
          // New utterances get the adapted checkpoint's hypotheses once the project has one.
          const checkpoint = activeCheckpoint(db, ensureModelRow(db, model))
          const labelled = await labelProject(
            { db, paths, workers: o.inferenceWorkers, model, vadModel: o.vadModel },
            {
              checkpoint: checkpoint ? { id: checkpoint.id, path: checkpoint.path } : null,
              signal: job.signal,
              onProgress: (done, total, label) => job.progress(done, total, label),
              options: { nBest, beamWidth },
              ...(lm ? { lm } : {}),
              settings: o.sessionSettings,
            },
          )
          if (labelled.labelled > 0) {
            await this.rerank()
          }
          return { labelled }
        })
        return { jobId }
      },
      'recording.spectrogram': async ({ id, startSec, endSec, maxFrames }) => {
        const recording = getRecording(db, id)
        assertNotPurged(db, id)
        return o.audioWorkers.spectrogram(join(paths.pcmDir, `${recording.sha256}.f32`), {
          recordingId: id,
          startSec,
          endSec,
          maxFrames,
        })
      },
      'annotator.list': async () => listAnnotators(db),
      'annotator.create': async (input) => createAnnotator(db, input),
      'project.setDefaultLanguage': async ({ language }) => {
        setDefaultLanguage(db, language)
        return projectSummary(db, ref)
      },
      'queue.list': async ({ annotatorId, ...query }) =>
        queuePage(db, { ...query, viewer: annotatorId ?? null }),
      'queue.facets': async () => queueFacets(db),
      'utterance.get': async ({ id, annotatorId }) =>
        utteranceDetail(db, id, undefined, annotatorId ?? null),
      'utterance.save': async (input) => {
        const saved = saveUtterance(db, input)
        this.changed([input.id])
        if (!input.draft) {
          // Transcribed: it leaves the "most useful first" order.
          db.prepare(
            'UPDATE utterance SET priority = NULL, priority_reason = NULL WHERE id = ?',
          ).run(input.id)
          this.maybeTrain()
          if (saved.status === 'flagged') this.rerankAfterFlag()
        }
        return saved
      },
      'utterance.setBounds': async (input) => {
        const detail = setBounds(db, input)
        this.changed([input.id])
        return detail
      },
      'utterance.split': async (input) => {
        const halves = splitUtterance(db, input)
        this.changed([halves.left.utterance.id, halves.right.utterance.id])
        return halves
      },
      'utterance.merge': async (input) => {
        const merged = mergeUtterances(db, input)
        this.changed([input.id, input.nextId])
        return merged
      },
      'train.start': async ({ model }) => ({ jobId: await this.startTraining('manual', model) }),
      'adaptation.status': async () => adaptationStatus(db),
      'adaptation.update': async (patch) => {
        const before = adaptationStatus(db).strategy
        const next = updateAdaptationSettings(db, patch)
        if (next.strategy !== before) {
          await this.rerank()
        }
        return adaptationStatus(db)
      },
      ...stewardshipCalls({
        db,
        paths,
        projectId: ref.id,
        jobs: this.jobs,
        events: this.events,
        audioWorkers: o.audioWorkers,
      }),
      ...reviewCalls({ db, project: ref, changed: (ids) => this.changed(ids) }),
      'job.list': async () => this.jobs.list(),
      'job.cancel': async ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
    }
  }
}
