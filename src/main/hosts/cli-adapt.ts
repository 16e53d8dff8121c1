import { stepLabel } from '../core/jobs'
import { writeFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { AdaptationStatus, CheckpointSummary, SplitOverview } from '../../shared/domain'
import { acquisitionStrategies } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { AcquisitionStrategy } from '../../shared/domain'
import { checkpointCurves, learningCurveSpec } from '../../shared/charts/learning-curve'
import { renderSvg } from '../core/adapt/charts'
import type { OverSeeds, SimulationReport } from '../core/adapt/simulation'
import {
  err,
  globals,
  out,
  parseNumber,
  parsePositive,
  progressBar,
  runJob,
  withWorkbench,
} from './cli-support'
import { callOrThrow, profileId } from './cli-consent'

const pct = (x: number | undefined | null): string =>
  x === undefined || x === null ? '-' : `${(x * 100).toFixed(1)} %`

/** The learning curve as CSV: one row per checkpoint, against corrected minutes. */
export function learningCurveCsv(checkpoints: CheckpointSummary[]): string {
  const rows = [
    'checkpoint,parent,status,created_at,train_utterances,train_minutes,corrected_minutes,dev_utterances,dev_cer,dev_wer,parent_dev_cer,parent_dev_wer',
  ]
  for (const c of checkpoints)
    rows.push(
      [
        c.id,
        c.parentId ?? '',
        c.status,
        c.createdAt,
        c.trainUtterances,
        (c.trainSec / 60).toFixed(3),
        (c.correctedSec / 60).toFixed(3),
        c.dev?.utterances ?? '',
        c.dev?.cer.toFixed(4) ?? '',
        c.dev?.wer.toFixed(4) ?? '',
        c.parentDev?.cer.toFixed(4) ?? '',
        c.parentDev?.wer.toFixed(4) ?? '',
      ].join(','),
    )
  return rows.join('\n') + '\n'
}

/** The Model screen's chart, as SVG: dev CER and WER against transcribed minutes trained on. */
export async function learningCurveSvg(checkpoints: CheckpointSummary[]): Promise<string> {
  return renderSvg(
    learningCurveSpec(checkpointCurves(checkpoints), {
      title: 'Dev error rate against transcribed minutes trained on',
      yTitle: 'error rate',
    }),
  )
}

/** simulation.csv (every point of every run), simulation.json (the report) and simulation.svg. */
async function writeSimulation(dir: string, report: SimulationReport): Promise<void> {
  await mkdir(dir, { recursive: true })
  const rows = [
    'strategy,seed,labelled_minutes,labelled_utterances,flagged_minutes,dev_wer,dev_cer,test_wer,test_cer',
  ]
  for (const c of report.result.curves)
    for (const p of c.points)
      rows.push(
        [
          c.strategy,
          c.seed,
          (p.labelledSec / 60).toFixed(3),
          p.labelled,
          (p.flaggedSec / 60).toFixed(3),
          p.devWer.toFixed(4),
          p.devCer.toFixed(4),
          p.testWer.toFixed(4),
          p.testCer.toFixed(4),
        ].join(','),
      )
  await writeFile(join(dir, 'simulation.csv'), rows.join('\n') + '\n')
  await writeFile(join(dir, 'simulation.json'), JSON.stringify(report, null, 2))
  const spec = learningCurveSpec(
    report.summaries.map((s) => ({
      name: s.strategy,
      points: s.curve.map((p) => ({ minutes: p.minutes, value: p.devWer })),
    })),
    {
      title: `Dev WER against labelled minutes (mean of ${report.options.seeds} seeds)`,
      yTitle: 'dev WER',
    },
  )
  await writeFile(join(dir, 'simulation.svg'), await renderSvg(spec))
}

/** The adaptation commands: train, checkpoints, simulate, strategy. */
export function addAdaptCommands(program: Command): void {
  addSplitCommands(program)
  program
    .command('train')
    .description(
      'adapt the model to the project: train an adapter and CTC head on the transcribed utterances, then rescore the rest',
    )
    .option('--model <id>', 'the model to adapt (default: the one that labelled the project last)')
    .action(async (opts: { model?: string }, command: Command) => {
      const g = globals(command)
      const { trained } = await withWorkbench(g, false, (wb) =>
        runJob(
          wb,
          'train.start',
          opts.model ? { model: opts.model } : {},
          progressBar(g.json, 'Training'),
        ),
      )
      if (!trained) throw new SautiError('internal', 'training finished without a summary')
      if (g.json) return out(JSON.stringify(trained))
      out(trained.message)
      out(
        `Trained on ${trained.trainUtterances} utterance(s) (${(trained.correctedSec / 60).toFixed(1)} min corrected by people) in ${(trained.trainMs / 1000).toFixed(1)} s; dev ${trained.devUtterances}, test ${trained.testUtterances} (never trained on); ${trained.rescored} utterance(s) rescored.`,
      )
      if (trained.skipped.length)
        err(
          `left out (audio too short for the transcript): utterances ${trained.skipped.join(', ')}`,
        )
    })

  program
    .command('simulate')
    .description(
      "prove the selection works: run the loop with the project's transcripts as the oracle, for several strategies against random",
    )
    .option(
      '--strategy <names>',
      `comma-separated: ${acquisitionStrategies.join(', ')} (random is always run)`,
      'hybrid',
    )
    .option(
      '--budget <minutes>',
      'labelled minutes to spend',
      (v) => parseNumber(v, 'budget', 0.1, 10_000),
      10,
    )
    .option(
      '--step <minutes>',
      'minutes labelled between trainings',
      (v) => parseNumber(v, 'step', 0.05, 1000),
      1,
    )
    .option('--seeds <n>', 'runs per strategy', (v) => parsePositive(v, 'seeds'), 3)
    .option('--epochs <n>', 'most epochs per training', (v) => parsePositive(v, 'epochs'), 20)
    .option('--model <id>', 'the model to adapt (default: the one that labelled the project last)')
    .option('--out <dir>', 'write simulation.csv, simulation.json and simulation.svg here')
    .action(
      async (
        opts: {
          strategy: string
          budget: number
          step: number
          seeds: number
          epochs: number
          model?: string
          out?: string
        },
        command: Command,
      ) => {
        const g = globals(command)
        const strategies = opts.strategy.split(',').map((s) => s.trim())
        const unknown = strategies.filter(
          (s) => !(acquisitionStrategies as readonly string[]).includes(s),
        )
        if (unknown.length)
          throw new SautiError(
            'validation',
            `unknown strategy ${unknown.join(', ')} (choose from ${acquisitionStrategies.join(', ')})`,
          )
        const bar = progressBar(g.json, 'Simulating', { lines: true })
        const controller = new AbortController()
        const cancel = (): void => controller.abort()
        process.once('SIGINT', cancel)
        const report = await withWorkbench(g, false, (wb) =>
          wb.simulate({
            strategies: strategies as AcquisitionStrategy[],
            budgetMinutes: opts.budget,
            stepMinutes: opts.step,
            seeds: opts.seeds,
            maxEpochs: opts.epochs,
            ...(opts.model ? { model: opts.model } : {}),
            signal: controller.signal,
            onProgress: (d, t, step) => bar.update(d, t, stepLabel(step)),
          }),
        ).finally(() => {
          process.off('SIGINT', cancel)
          bar.stop()
        })
        if (report.result.cancelled)
          throw new SautiError('cancelled', 'the simulation was cancelled')
        if (opts.out) await writeSimulation(resolve(opts.out), report)
        if (g.json) return out(JSON.stringify({ ...report, result: undefined }))
        out(
          `Pool: ${report.poolUtterances} utterances (${report.poolMinutes.toFixed(1)} min, of which ${report.poolFlagged} flagged: ${report.poolFlaggedMinutes.toFixed(1)} min); dev ${report.devUtterances}, test ${report.testUtterances}; ${opts.seeds} seed(s), ${opts.step} min steps to ${opts.budget} min, ${(report.result.ms / 1000).toFixed(0)} s.`,
        )
        for (const line of simulationTable(report)) out(line)
      },
    )

  program
    .command('strategy')
    .description('how the "most useful first" queue order ranks utterances')
    .argument('<name>', acquisitionStrategies.join(' | '))
    .action(async (name: string, _opts: unknown, command: Command) => {
      const g = globals(command)
      const status = await withWorkbench(g, false, async (wb) => {
        const r = await wb.call('adaptation.update', { strategy: name })
        if (!r.ok) throw new SautiError(r.error.kind, r.error.message)
        return r.value as AdaptationStatus
      })
      if (g.json) return out(JSON.stringify(status))
      out(`Queue strategy: ${status.strategy}.`)
    })
}

/** The rows of `sauti splits`: per language, what each split holds. */
export function splitTable(o: SplitOverview): string[] {
  const p = o.policy
  const lines = [
    `Splits by ${p.unit === 'auto' ? 'speaker or recording, chosen per language' : p.unit}; dev ${Math.round(p.devShare * 100)} % (at least ${p.minDevMinutes} min), test ${Math.round(p.testShare * 100)} % of each language's transcribed minutes. ` +
      (p.fixedAt
        ? `Fixed ${p.fixedAt.slice(0, 10)}${p.fixedBy ? ` by ${p.fixedBy}` : ' (first training)'}.`
        : 'Not fixed yet: the first training fixes them.'),
    'language  unit       train (units, min)   dev (units, min)   test (units, min)',
  ]
  const cell = (s: { units: number; minutes: number }): string =>
    `${String(s.units).padStart(5)} ${s.minutes.toFixed(1).padStart(7)}`.padEnd(19)
  for (const l of o.languages)
    lines.push(
      `${l.language.padEnd(9)} ${(l.unit ?? '-').padEnd(10)} ${cell(l.splits.train)}  ${cell(l.splits.dev)} ${cell(l.splits.test)}`,
    )
  if (o.languages.length === 0) lines.push('(nothing transcribed yet)')
  return lines
}

const spread = (o: OverSeeds): string =>
  `${pct(o.mean)} ± ${(o.sd * 100).toFixed(1)} (${pct(o.min)}–${pct(o.max)})`

/** The summary of `sauti simulate`: per strategy, final CER and WER over seeds, and against random. */
export function simulationTable(report: SimulationReport): string[] {
  const metric = report.metric === 'devWer' ? 'WER' : 'CER'
  const lines = [
    `Compared on dev ${metric}${report.metric === 'devCer' ? ' (random’s dev WER stays at or above 90 %: words do not move yet)' : ''}; mean ± sd (min–max) over ${report.options.seeds} seed(s).`,
    'strategy          final dev CER                 final dev WER                 final test CER     to random’s final      gain at budget',
  ]
  for (const s of report.summaries) {
    const reach =
      s.noFraction === 'random-did-not-improve'
        ? 'random never improved'
        : s.noFraction === 'not-reached'
          ? 'never'
          : `${s.minutesToRandomFinal!.toFixed(2)} min (${s.fractionOfRandomBudget!.toFixed(2)})`
    lines.push(
      [
        s.strategy.padEnd(17),
        spread(s.final.devCer).padEnd(29),
        spread(s.final.devWer).padEnd(29),
        pct(s.final.testCer.mean).padEnd(18),
        reach.padEnd(22),
        `${pct(s.relativeGainAtBudget)} (${pct(s.gainOverSeeds.min)}–${pct(s.gainOverSeeds.max)})`,
      ].join(' '),
    )
  }
  const flagged = report.summaries.map(
    (s) => `${s.strategy} ${s.curve.at(-1)!.flaggedMinutes.toFixed(2)}`,
  )
  lines.push(`Minutes spent on flagged clips: ${flagged.join(', ')}.`)
  return lines
}

function addSplitCommands(program: Command): void {
  const splits = program
    .command('splits')
    .description('how transcribed audio is divided into train, dev and test (per language)')
    .action(async (_opts: unknown, command: Command) => {
      const g = globals(command)
      const overview = await withWorkbench(g, false, (wb) => callOrThrow(wb, 'splits.show', {}))
      out(g.json ? JSON.stringify(overview) : splitTable(overview).join('\n'))
    })
  splits
    .command('set')
    .description('choose how splits are made (lead); once fixed, only with --reassign')
    .option('--unit <unit>', 'auto | speaker | recording')
    .option('--dev <percent>', "dev's share of each language's transcribed minutes")
    .option('--test <percent>', "test's share")
    .option('--min-dev-minutes <minutes>', 'dev holds at least this much per language')
    .option('--block-minutes <minutes>', 'recording units: stretches of this length')
    .option(
      '--reassign',
      'make fixed splits again from scratch (earlier dev scores stop comparing)',
    )
    .option('--as <name>', 'a lead profile')
    .action(
      async (
        o: {
          unit?: string
          dev?: string
          test?: string
          minDevMinutes?: string
          blockMinutes?: string
          reassign?: boolean
          as?: string
        },
        command: Command,
      ) => {
        const g = globals(command)
        if (o.unit && !['auto', 'speaker', 'recording'].includes(o.unit))
          throw new SautiError(
            'validation',
            `--unit: "${o.unit}" is not auto, speaker or recording`,
          )
        const share = (v: string | undefined, name: string): number | undefined =>
          v === undefined ? undefined : parseNumber(v, name, 0, 40) / 100
        const overview = await withWorkbench(g, false, async (wb) =>
          callOrThrow(wb, 'splits.set', {
            actorId: await profileId(wb, o.as),
            ...(o.unit ? { unit: o.unit as 'auto' | 'speaker' | 'recording' } : {}),
            devShare: share(o.dev, '--dev'),
            testShare: share(o.test, '--test'),
            minDevMinutes:
              o.minDevMinutes === undefined
                ? undefined
                : parseNumber(o.minDevMinutes, '--min-dev-minutes', 0, 120),
            blockMinutes:
              o.blockMinutes === undefined
                ? undefined
                : parseNumber(o.blockMinutes, '--block-minutes', 0.25, 60),
            reassign: o.reassign ?? false,
          }),
        )
        out(g.json ? JSON.stringify(overview) : splitTable(overview).join('\n'))
      },
    )
}
