import { SautiError } from '../../../shared/errors'
import type { CallContext } from '../call-context'
import type { JobStarter } from '../jobs'
import { findModel, type RegisteredModel } from '../asr/model-store'
import { reprioritise } from './acquisition'
import { trainCheckpoint } from './adaptation'
import type { AdaptContext } from './features'
import { adaptationSettings } from './settings'
import { simulateProject, type SimulationOptions, type SimulationReport } from './simulation'
import { adaptationStatus, correctionsSinceLastRun } from './status'
import { recoverInterruptedRuns, runningTraining } from './train-runs'
import { said } from '../../../shared/messages'

/**
 * The work that follows the annotators (docs/active-learning.md): training by itself once
 * enough corrections have come in, and ranking the queue again after a flag, a labelling run or
 * a change of strategy. It hears saves and labelling runs as domain events, so neither the save
 * nor the labeller knows about it.
 */
export class LearningLoop {
  /** A ranking started by a flag, and whether another flag came in while it ran. */
  private flagRanking: Promise<void> | null = null
  private flaggedSinceRanking = false
  private readonly unsubscribe: (() => void)[]

  constructor(private readonly ctx: CallContext) {
    recoverInterruptedRuns(ctx.db, ctx.paths)
    this.unsubscribe = [
      ctx.domain.on('utterance.saved', () => this.maybeTrain()),
      ctx.domain.on('utterance.flagged', () => this.rerankAfterFlag()),
      ctx.domain.on('utterances.labelled', () => this.rerank()),
    ]
  }

  /** The model to adapt: the one named, else the one that labelled the project last. */
  async modelToAdapt(key: string | undefined): Promise<RegisteredModel> {
    if (key) return findModel(this.ctx.dataDir, key)
    const last = this.ctx.db
      .prepare(
        'SELECT m.sha256 FROM label_run r JOIN model m ON m.id = r.model_id ORDER BY r.id DESC LIMIT 1',
      )
      .get() as { sha256: string } | undefined
    if (!last)
      throw new SautiError(
        'not_found',
        'no model has labelled this project yet: label it first (sauti label --model …), or name the model to adapt.',
      )
    return findModel(this.ctx.dataDir, last.sha256.slice(0, 12))
  }

  /** What adapting, rescoring and evaluating a model of this project need. */
  async adaptation(key: string | undefined): Promise<AdaptContext> {
    const { db, paths } = this.ctx
    return {
      db,
      paths,
      inference: this.ctx.inferenceWorkers,
      training: this.ctx.trainWorkers,
      model: await this.modelToAdapt(key),
      settings: this.ctx.sessionSettings,
      dbOptions: this.ctx.dbOptions,
    }
  }

  /**
   * Starts a training job: `manual` by the one who asked, `auto` by the project itself when
   * enough corrections have come in since the last one.
   */
  async startTraining(
    { trigger, startedBy }: { trigger: 'manual' | 'auto'; startedBy: JobStarter },
    key?: string,
  ): Promise<string> {
    if (this.ctx.jobs.running('train'))
      throw SautiError.saying('conflict', 'trainingRunningHere', { pid: process.pid })
    const running = runningTraining(this.ctx.db)
    if (running)
      throw SautiError.saying(
        'conflict',
        'trainingRunningThere',
        { pid: running.pid ?? '?', since: running.startedAt },
        { pid: running.pid },
      )
    const adaptation = await this.adaptation(key)
    return this.ctx.jobs.start(
      'train',
      said(trigger === 'auto' ? 'autoTrainJob' : 'trainJob'),
      async (job) => {
        const trained = await trainCheckpoint(adaptation, {
          trigger,
          signal: job.signal,
          onProgress: job.progress,
        })
        if (trained.rescored > 0) this.ctx.projectChanged(['utterances'])
        return { trained }
      },
      { startedBy, input: { trigger, model: adaptation.model.id } },
    )
  }

  /** `sauti simulate` (simulation.ts): the loop with the project's transcripts as the oracle. */
  async simulate(options: SimulationOptions & { model?: string }): Promise<SimulationReport> {
    return simulateProject(await this.adaptation(options.model), options)
  }

  /** Ranks the queue under the project's strategy (in the training worker) and tells the windows. */
  async rerank(): Promise<void> {
    const { db, paths } = this.ctx
    await reprioritise(
      this.ctx.trainWorkers,
      db,
      paths.db,
      this.ctx.dbOptions,
      adaptationSettings(db).strategy,
    )
    this.ctx.projectChanged(['utterances'])
  }

  /** After a correction: train by itself once enough new ones have come in. */
  private maybeTrain(): void {
    const { db } = this.ctx
    const settings = adaptationStatus(db)
    if (settings.autoTrainAfter === 0 || settings.training) return
    // A running training or labelling ranks the queue when it finishes anyway.
    if (this.ctx.jobs.running('train', 'label')) return
    if (correctionsSinceLastRun(db) < settings.autoTrainAfter) return
    this.startTraining({ trigger: 'auto', startedBy: null }).catch(() => undefined)
  }

  /**
   * After a flag: rank the queue again in the training worker, so that what looks like the
   * flagged utterances waits (hybrid.ts) without waiting for the next training. Flags that come
   * in while a ranking runs are taken by one more ranking after it. A running training or
   * labelling ranks when it finishes anyway.
   */
  private rerankAfterFlag(): void {
    this.flaggedSinceRanking = true
    if (this.flagRanking) return
    if (this.ctx.jobs.running('train', 'label')) return
    this.flaggedSinceRanking = false
    const { db } = this.ctx
    this.flagRanking = this.rerank()
      .catch(() => undefined)
      .finally(() => {
        this.flagRanking = null
        if (this.flaggedSinceRanking && db.open) this.rerankAfterFlag()
      })
  }

  /** Stops listening and waits for a ranking in flight (before the workers close). */
  async close(): Promise<void> {
    for (const off of this.unsubscribe) off()
    this.flaggedSinceRanking = false
    await this.flagRanking
  }
}
