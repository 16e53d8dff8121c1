import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CallResult, Method, ParsedInput } from '../../shared/contract'
import type { Peaks } from '../../shared/domain'
import type { Result } from '../../shared/errors'
import { SautiError } from '../../shared/errors'
import type { InferenceWorkers } from './asr/inference-workers'
import { createAnnotator, listAnnotators, setDefaultLanguage } from './annotate/annotators'
import {
  mergeUtterances,
  saveUtterance,
  setBounds,
  splitUtterance,
  utteranceDetail,
} from './annotate/editor'
import { queueFacets, queuePage } from './annotate/queue'
import { labelProject, latestInference } from './asr/labeller'
import { findModel, importModel, listModels } from './asr/model-store'
import type { SessionSettings } from './asr/providers'
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

export interface WorkbenchOptions {
  dataDir: string
  project: OpenProject
  audioWorkers: AudioWorkers
  inferenceWorkers: InferenceWorkers
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

  /** Tells every window which utterances changed, so their queues and open editors catch up. */
  private changed(ids: number[]): void {
    this.events.emit('utterance.changed', { projectId: this.project.ref.id, ids })
  }

  async close(): Promise<void> {
    await this.jobs.cancelAll()
    await this.options.audioWorkers.close()
    await this.options.inferenceWorkers.close()
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
          const labelled = await labelProject(
            { db, paths, workers: o.inferenceWorkers, model, vadModel: o.vadModel },
            {
              signal: job.signal,
              onProgress: (done, total, label) => job.progress(done, total, label),
              options: { nBest, beamWidth },
              ...(lm ? { lm } : {}),
              settings: o.sessionSettings,
            },
          )
          if (labelled.labelled > 0)
            this.events.emit('project.changed', { projectId: ref.id, what: ['utterances'] })
          return { labelled }
        })
        return { jobId }
      },
      'recording.spectrogram': async ({ id, startSec, endSec, maxFrames }) => {
        const recording = getRecording(db, id)
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
      'queue.list': async (query) => queuePage(db, query),
      'queue.facets': async () => queueFacets(db),
      'utterance.get': async ({ id }) => utteranceDetail(db, id),
      'utterance.save': async (input) => {
        const saved = saveUtterance(db, input)
        this.changed([input.id])
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
      'job.list': async () => this.jobs.list(),
      'job.cancel': async ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) }),
    }
  }
}
