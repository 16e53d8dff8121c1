/**
 * `sauti` command line: the same workbench as the desktop app, for scripts and servers.
 * Exit codes (stable, for scripts): see `exitCodes` and docs/cli.md.
 */
import { existsSync } from 'node:fs'
import { resolve, join } from 'node:path'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import cliProgress from 'cli-progress'
import type { CallInput, EventMap } from '../../shared/contract'
import type { ExecutionProviderName, ImportSummary, ModelReport } from '../../shared/domain'
import type { SessionSettings } from '../core/asr/providers'
import { SautiError, type ErrorInfo } from '../../shared/errors'
import { DEMO_PROJECT_ID } from '../core/project/demo'
import { defaultDataDir, isValidProjectId } from '../core/project/paths'
import { listProjects, openProject } from '../core/project/projects'
import { evaluateProject } from '../core/asr/evaluate-project'
import { readTrn } from '../core/formats/trn'
import { scoreTranscripts } from '../../shared/metrics/score'
import { runDoctor } from '../core/doctor'
import { createLogger } from '../core/logger'
import type { Workbench } from '../core/workbench'
import { InferenceWorkers } from '../core/asr/inference-workers'
import { findModel, importModel, listModels } from '../core/asr/model-store'
import { appVersion, bootWorkbench, findAppRoot, workerFactory } from './boot'
import { startHttpHost } from './http'

export const exitCodes = {
  ok: 0,
  internal: 1,
  usage: 2, // bad arguments or invalid input
  rejected: 3, // the command ran, but some inputs were rejected (see the report)
  store: 4, // the database refused: newer schema, integrity failure, disk full
  notFound: 5, // no such project or file
  unavailable: 6,
} as const

const exitFor: Record<ErrorInfo['kind'], number> = {
  validation: exitCodes.usage,
  not_found: exitCodes.notFound,
  bad_input: exitCodes.rejected,
  conflict: exitCodes.usage,
  forbidden: exitCodes.usage,
  unavailable: exitCodes.unavailable,
  cancelled: exitCodes.internal,
  store: exitCodes.store,
  internal: exitCodes.internal,
}

interface GlobalOptions {
  dataDir: string
  project: string
  json: boolean
}

const appRoot = findAppRoot()
const out = (line: string): void => void process.stdout.write(`${line}\n`)
const err = (line: string): void => void process.stderr.write(`${line}\n`)

function globals(command: Command): GlobalOptions {
  const o = command.optsWithGlobals<{ dataDir?: string; project?: string; json?: boolean }>()
  const project = o.project ?? DEMO_PROJECT_ID
  if (!isValidProjectId(project)) {
    throw new SautiError(
      'validation',
      `"${project}" is not a valid project id: use 1–63 lowercase letters, digits and dashes.`,
    )
  }
  return { dataDir: resolve(o.dataDir ?? defaultDataDir()), project, json: !!o.json }
}

/** A progress bar on stderr, only for people (a TTY) and never in --json mode. */
function progressBar(
  json: boolean,
  title: string,
): { update(done: number, total: number, label: string): void; stop(): void } {
  if (json || !process.stderr.isTTY) return { update() {}, stop() {} }
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} [{bar}] {percentage}% | {label}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(done, total, label) {
      if (!started) bar.start(total, 0, { label: '' })
      started = true
      bar.setTotal(total)
      bar.update(done, { label: label.length > 50 ? `…${label.slice(-49)}` : label })
    },
    stop() {
      if (started) bar.stop()
    },
  }
}

async function withWorkbench<T>(
  g: GlobalOptions,
  create: boolean,
  run: (wb: Workbench) => Promise<T>,
  sessionSettings?: SessionSettings,
): Promise<T> {
  const bar = progressBar(g.json, 'Preparing the demo project')
  const workbench = await bootWorkbench({
    appRoot,
    dataDir: g.dataDir,
    projectId: g.project,
    host: 'http',
    create,
    sessionSettings,
    demoProgress: (d, t, l) => bar.update(d, t, l),
  }).finally(() => bar.stop())
  try {
    return await run(workbench)
  } finally {
    await workbench.close()
  }
}

function printImport(summary: ImportSummary, json: boolean): void {
  if (json) return out(JSON.stringify(summary))
  out(
    `Imported ${summary.imported} file(s), ${(summary.durationSec / 60).toFixed(1)} min of audio, ${summary.revisions} transcript(s); ${summary.duplicates} already in the project.`,
  )
  for (const r of summary.rejected)
    err(`rejected: ${r.message.startsWith(r.path) ? r.message : `${r.path}: ${r.message}`}`)
}

/**
 * Starts a job through the contract (as the UI does), shows its progress, cancels it on Ctrl-C
 * (after the item in flight) and resolves with what it reports.
 */
async function runJob<M extends 'import.start' | 'label.start'>(
  wb: Workbench,
  method: M,
  input: CallInput<M>,
  bar: ReturnType<typeof progressBar>,
): Promise<EventMap['job.finished']> {
  const off = wb.events.on('job.progress', (p) => bar.update(p.done, p.total, p.label))
  // Listen before starting: a job with nothing to do can finish before the call returns.
  const outcomes = new Map<string, EventMap['job.finished']>()
  let settle: ((f: EventMap['job.finished']) => void) | null = null
  const offFinished = wb.events.on('job.finished', (f) => {
    outcomes.set(f.jobId, f)
    settle?.(f)
  })
  const started = await wb.call(method, input)
  if (!started.ok) {
    off()
    offFinished()
    throw new SautiError(started.error.kind, started.error.message)
  }
  const { jobId } = started.value as { jobId: string }
  const finished = new Promise<EventMap['job.finished']>((resolveDone, reject) => {
    const done = (f: EventMap['job.finished']): void => {
      if (f.jobId !== jobId) return
      if (f.status === 'failed')
        reject(new SautiError(f.error?.kind ?? 'internal', f.error?.message ?? 'the job failed'))
      else resolveDone(f)
    }
    settle = done
    const early = outcomes.get(jobId)
    if (early) done(early)
  })
  const cancel = (): void => void wb.jobs.cancel(jobId)
  process.once('SIGINT', cancel)
  try {
    return await finished
  } finally {
    process.off('SIGINT', cancel)
    off()
    offFinished()
    bar.stop()
  }
}

export function buildProgram(): Command {
  const program = new Command('sauti')
    .description('Sauti: speech annotation and active-learning workbench')
    .version(appVersion(appRoot))
    .addOption(
      new Option(
        '--data-dir <dir>',
        'data folder (default: the per-user application data folder, shared with the desktop app)',
      ).env('SAUTI_DATA_DIR'),
    )
    .option('--project <id>', `project id (default: ${DEMO_PROJECT_ID})`)
    .option('--json', 'machine-readable output on stdout')
    .showHelpAfterError()

  program
    .command('serve')
    .description('serve the workbench UI and API on http://127.0.0.1 with a random token')
    .option('--port <n>', 'port (default: a free one)', (v) => parsePort(v), 0)
    .option(
      '--host <address>',
      'address to bind; anything but loopback exposes your data to the network',
      '127.0.0.1',
    )
    .option('--token <token>', 'use this token instead of a random one (scripts and tests)')
    .action(async (opts: { port: number; host: string; token?: string }, command: Command) => {
      const g = globals(command)
      const logger = createLogger(process.env.SAUTI_LOG === 'debug' ? 'debug' : 'info')
      const workbench = await bootWorkbench({
        appRoot,
        dataDir: g.dataDir,
        projectId: g.project,
        host: 'http',
        demoProgress: (() => {
          const bar = progressBar(g.json, 'Preparing the demo project')
          return (d: number, t: number, l: string) => (d >= t ? bar.stop() : bar.update(d, t, l))
        })(),
      })
      const host = await startHttpHost({
        workbench,
        staticDir: join(appRoot, 'out', 'renderer'),
        host: opts.host,
        port: opts.port,
        token: opts.token,
        logger,
      })
      if (g.json)
        out(
          JSON.stringify({
            url: host.openUrl,
            port: host.port,
            token: host.token,
            project: g.project,
          }),
        )
      else out(`Sauti is serving project "${g.project}" at ${host.openUrl}`)
      if (!['127.0.0.1', '::1', 'localhost'].includes(opts.host))
        err(
          `warning: bound to ${opts.host}; anyone who can reach it and has the token can read this project`,
        )
      await new Promise<void>((resolveStop) => {
        const stop = (): void => resolveStop()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await host.close()
      await workbench.close()
    })

  program
    .command('import')
    .description(
      'import audio: files, folders of clips, or manifests (.tsv/.csv with path, transcript, speaker, language)',
    )
    .argument('<paths...>', 'files, folders or manifests')
    .action(async (paths: string[], _opts: unknown, command: Command) => {
      const g = globals(command)
      const { summary } = await withWorkbench(g, true, (wb) =>
        runJob(
          wb,
          'import.start',
          { paths: paths.map((p) => resolve(p)) },
          progressBar(g.json, 'Importing'),
        ),
      )
      if (!summary) throw new SautiError('internal', 'the import finished without a summary')
      printImport(summary, g.json)
      if (summary.rejected.length > 0) process.exitCode = exitCodes.rejected
    })

  program
    .command('label')
    .description(
      'pseudo-label the project: N-best hypotheses with word confidence and times for every utterance without them',
    )
    .requiredOption('--model <id>', 'a registered model (`sauti model list`)')
    .option('--n-best <n>', 'hypotheses per utterance', (v) => parsePositive(v, 'n-best'), 5)
    .option('--beam <n>', 'beam width', (v) => parsePositive(v, 'beam'), 16)
    .addOption(
      new Option(
        '--providers <list>',
        'execution providers to try, in order (CPU is always last)',
      ).default('cuda,webgpu,cpu'),
    )
    .option('--threads <n>', 'intra-op threads (default: ONNX Runtime decides)', (v) =>
      parsePositive(v, 'threads'),
    )
    .option(
      '--lm-weight <w>',
      "fuse a word n-gram from the project's transcripts (and --lm-text files) with this weight",
      (v) => parseNumber(v, 'lm-weight', 0, 5),
    )
    .option(
      '--word-bonus <b>',
      'added per word when the language model is on',
      (v) => parseNumber(v, 'word-bonus', -10, 10),
      0,
    )
    .option(
      '--lm-text <files...>',
      'more text for the language model: one sentence a line (word lists, translations, dictionaries)',
    )
    .action(
      async (
        opts: {
          model: string
          nBest: number
          beam: number
          providers: string
          threads?: number
          lmWeight?: number
          wordBonus: number
          lmText?: string[]
        },
        command: Command,
      ) => {
        const g = globals(command)
        const sessionSettings = { providers: parseProviders(opts.providers), threads: opts.threads }
        const { labelled: summary } = await withWorkbench(
          g,
          false,
          (wb) =>
            runJob(
              wb,
              'label.start',
              {
                model: opts.model,
                nBest: opts.nBest,
                beamWidth: opts.beam,
                ...(opts.lmWeight !== undefined
                  ? {
                      lm: {
                        weight: opts.lmWeight,
                        wordBonus: opts.wordBonus,
                        textFiles: (opts.lmText ?? []).map((f) => resolve(f)),
                      },
                    }
                  : {}),
              },
              progressBar(g.json, 'Labelling'),
            ),
          sessionSettings,
        )
        if (!summary) throw new SautiError('internal', 'labelling finished without a summary')
        if (g.json) out(JSON.stringify(summary))
        else {
          const rtf = summary.audioSec > 0 ? summary.totalMs / 1000 / summary.audioSec : 0
          out(
            `Labelled ${summary.labelled} utterance(s) (${(summary.audioSec / 60).toFixed(1)} min of audio) in ${(summary.totalMs / 1000).toFixed(1)} s on ${summary.provider ?? '-'}: real-time factor ${rtf.toFixed(3)}; ${summary.skipped} already labelled.`,
          )
          for (const a of summary.providerAttempts.filter((x) => !x.ok))
            err(`  ${a.name} not used: ${a.reason}`)
        }
        for (const f of summary.failed) err(`failed: utterance ${f.utteranceId}: ${f.message}`)
        if (summary.failed.length > 0) process.exitCode = exitCodes.rejected
      },
    )

  program
    .command('doctor')
    .description('report versions, execution providers, the data folder and database integrity')
    .action(async (_opts: unknown, command: Command) => {
      const g = globals(command)
      const report = await runDoctor({ version: appVersion(appRoot), dataDir: g.dataDir })
      if (g.json) out(JSON.stringify(report, null, 2))
      else {
        out(
          `Sauti ${report.versions.sauti} · Node ${report.versions.node} · Electron ${report.versions.electron ?? 'none'} · onnxruntime-node ${report.versions.onnxruntime ?? 'none'}`,
        )
        out(`Data folder: ${report.dataDir}`)
        out('Execution providers:')
        for (const p of report.executionProviders)
          out(`  ${p.available ? '✓' : '✗'} ${p.name.padEnd(9)} ${p.detail}`)
        out('Checks:')
        for (const c of report.checks) out(`  ${c.ok ? '✓' : '✗'} ${c.name}: ${c.detail}`)
        for (const p of report.projects.filter((x) => x.inference)) {
          const i = p.inference!
          out(
            `Project ${p.id}: last labelled with ${i.model} on ${i.provider ?? '-'} (${i.finishedAt})`,
          )
          for (const a of i.attempts) out(`  ${a.ok ? '✓' : '✗'} ${a.name}: ${a.reason}`)
        }
      }
      if (report.projects.some((p) => p.integrity !== 'ok')) process.exitCode = exitCodes.store
    })

  const model = program
    .command('model')
    .description('register, list and check speech models (docs/models.md)')
  const withInference = async <T>(run: (workers: InferenceWorkers) => Promise<T>): Promise<T> => {
    const workers = new InferenceWorkers(workerFactory(appRoot, 'inference'))
    try {
      return await run(workers)
    } finally {
      await workers.close()
    }
  }
  const printReport = (r: ModelReport): void => {
    out(
      `  input ${r.input.name} ${r.input.type} [${r.input.shape.join(', ')}]; outputs ${r.outputs.map((o) => o.name).join(', ')}`,
    )
    out(
      `  vocabulary ${r.vocabularySize} tokens; ${r.framesPerSecond.toFixed(1)} frames/s (${(r.frameStrideSec * 1000).toFixed(1)} ms stride)${r.hiddenSize ? `; hidden size ${r.hiddenSize}` : ''}`,
    )
    for (const h of r.heads.slice(1))
      out(`  head ${h.name}: output ${h.output}, ${h.vocabularySize} tokens`)
    out(`  runs on ${r.provider}; one-second probe ${r.probeMs.toFixed(0)} ms`)
    for (const a of r.providerAttempts) out(`    ${a.ok ? '✓' : '✗'} ${a.name}: ${a.reason}`)
    for (const w of r.warnings) err(`warning: ${w}`)
  }
  const providerOption = new Option(
    '--providers <list>',
    'execution providers to try, in order (CPU is always last)',
  ).default('cuda,webgpu,cpu')

  model
    .command('import')
    .description('validate a model package or a Hugging Face CTC export folder and register it')
    .argument('<dir>', 'folder with model.onnx and a vocabulary')
    .action(async (dir: string, _opts: unknown, command: Command) => {
      const g = globals(command)
      const { model: m, alreadyRegistered } = await withInference((w) =>
        importModel(g.dataDir, dir, w),
      )
      if (g.json)
        return out(
          JSON.stringify({
            id: m.id,
            alreadyRegistered,
            name: m.manifest.name,
            dir: m.dir,
            report: m.registration.report,
          }),
        )
      out(
        `${alreadyRegistered ? 'Already registered' : 'Registered'} ${m.manifest.name} as ${m.id} (${m.dir})`,
      )
      printReport(m.registration.report)
    })

  model
    .command('list')
    .description('registered models')
    .action(async (_opts: unknown, command: Command) => {
      const g = globals(command)
      const models = await listModels(g.dataDir)
      if (g.json)
        return out(
          JSON.stringify(
            models.map((m) => ({
              id: m.id,
              name: m.manifest.name,
              languages: m.manifest.languages,
              dir: m.dir,
              sha256: m.registration.sha256,
            })),
          ),
        )
      if (models.length === 0)
        return out(`No models registered in ${g.dataDir} yet (\`sauti model import <dir>\`).`)
      for (const m of models)
        out(
          `${m.id}\t${m.manifest.name}\t${m.registration.report.vocabularySize} tokens\t${m.manifest.languages.join(',') || '-'}`,
        )
    })

  model
    .command('check')
    .description(
      'validate a registered model (id) or a package folder again, and show which execution provider runs it',
    )
    .argument('<model>', 'registered model id, or a folder')
    .addOption(providerOption)
    .option('--threads <n>', 'intra-op threads (default: ONNX Runtime decides)', (v) =>
      parsePositive(v, 'threads'),
    )
    .addOption(
      new Option('--graph-optimization <level>', 'ONNX Runtime graph optimisation')
        .choices(['disabled', 'basic', 'extended', 'all'])
        .default('all'),
    )
    .action(
      async (
        key: string,
        opts: {
          providers: string
          threads?: number
          graphOptimization: 'disabled' | 'basic' | 'extended' | 'all'
        },
        command: Command,
      ) => {
        const g = globals(command)
        const dir = existsSync(key) ? resolve(key) : (await findModel(g.dataDir, key)).dir
        const providers = parseProviders(opts.providers)
        const report = await withInference((w) =>
          w.validate(dir, {
            providers,
            threads: opts.threads,
            graphOptimization: opts.graphOptimization,
          }),
        )
        if (g.json) return out(JSON.stringify(report))
        out(
          `${report.name}: valid (${(report.bytes / 1e6).toFixed(1)} MB, sha256 ${report.sha256.slice(0, 16)}…)`,
        )
        printReport(report)
      },
    )

  program
    .command('evaluate')
    .description(
      "score a model's hypotheses against the project's transcripts (--model), or two trn files (--ref, --hyp): WER, CER, confidence quality (docs/metrics.md)",
    )
    .option(
      '--model <id>',
      "the project's best hypotheses from this model against its reference transcripts",
    )
    .option(
      '--ref <file>',
      'reference transcripts, NIST trn format: "text (utterance-id)" per line',
    )
    .option('--hyp <file>', 'hypotheses in the same format')
    .action(async (opts: { model?: string; ref?: string; hyp?: string }, command: Command) => {
      const g = globals(command)
      const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '-')
      if (opts.model) {
        const project = openProject(g.dataDir, g.project)
        try {
          const e = evaluateProject(project.db, opts.model)
          if (g.json) return out(JSON.stringify(e))
          out(
            `${e.model} on ${e.utterances} utterance(s) of project "${g.project}": WER ${pct(e.wer)}, CER ${pct(e.cer)}`,
          )
          for (const [title, rows] of [
            ['speaker', e.bySpeaker],
            ['language', e.byLanguage],
          ] as const) {
            out(`By ${title}:`)
            for (const r of rows)
              out(
                `  ${r.key.padEnd(14)} ${String(r.utterances).padStart(5)} utt  WER ${pct(r.wer).padStart(7)}  CER ${pct(r.cer).padStart(7)}`,
              )
          }
          const q = e.confidence
          const fmt = (x: number | null): string => (x === null ? 'n/a' : x.toFixed(3))
          out(
            `Word confidence (${q.words} words): AUC-ROC for wrong words ${fmt(q.aucRoc)}, ECE ${fmt(q.ece)}, NCE ${fmt(q.nce)}`,
          )
          if (e.unlabelled > 0)
            err(
              `warning: ${e.unlabelled} utterance(s) with a transcript have no hypothesis from ${e.model}; run \`sauti label\``,
            )
        } finally {
          project.db.close()
        }
        return
      }
      if (!opts.ref || !opts.hyp)
        throw new SautiError(
          'validation',
          'give --model <id>, or both --ref <file> and --hyp <file>',
        )
      const scores = scoreTranscripts(
        await readTrn(resolve(opts.ref)),
        await readTrn(resolve(opts.hyp)),
      )
      if (g.json) return out(JSON.stringify(scores))
      const c = scores.words
      out(
        `WER ${pct(scores.wer)} (${c.substitutions} substitutions, ${c.deletions} deletions, ${c.insertions} insertions; ${c.n} reference words)`,
      )
      out(
        `CER ${pct(scores.cer)} (${scores.chars.n} reference characters) over ${scores.utterances.length} utterances`,
      )
      if (scores.missing.length > 0)
        err(
          `warning: no hypothesis for ${scores.missing.length} utterance(s), scored as empty: ${scores.missing.slice(0, 5).join(', ')}`,
        )
      if (scores.extra.length > 0)
        err(`warning: ${scores.extra.length} hypothesis(es) without a reference were not scored`)
    })

  program
    .command('projects')
    .description('list the projects in the data folder')
    .action(async (_opts: unknown, command: Command) => {
      const g = globals(command)
      const projects = await listProjects(g.dataDir)
      if (g.json) out(JSON.stringify(projects))
      else if (projects.length === 0)
        out(`No projects in ${g.dataDir} yet (\`sauti serve\` creates the demo project).`)
      else
        for (const p of projects) out(`${p.id}\t${p.name}${p.isDemo ? ' (demo)' : ''}\t${p.dbPath}`)
    })

  return program
}

function parseNumber(value: string, what: string, min: number, max: number): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < min || n > max)
    throw new InvalidArgumentError(`invalid ${what}: ${value} (expected ${min} to ${max})`)
  return n
}

function parsePositive(value: string, what: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InvalidArgumentError(`invalid ${what}: ${value}`)
  return n
}

function parseProviders(value: string): ExecutionProviderName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const known: ExecutionProviderName[] = ['cuda', 'webgpu', 'cpu']
  const unknown = names.filter((n) => !known.includes(n as ExecutionProviderName))
  if (unknown.length)
    throw new SautiError(
      'validation',
      `unknown execution provider(s): ${unknown.join(', ')} (known: ${known.join(', ')})`,
    )
  return names as ExecutionProviderName[]
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`invalid port: ${value}`)
  return port
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  program.exitOverride()
  program.commands.forEach((c) => c.exitOverride())
  try {
    await program.parseAsync(argv)
    return Number(process.exitCode ?? exitCodes.ok)
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return error.exitCode === 0 ? 0 : exitCodes.usage
    }
    const info: ErrorInfo =
      error instanceof SautiError
        ? error.toInfo()
        : { kind: 'internal', message: (error as Error).stack ?? String(error) }
    const json = argv.includes('--json')
    if (json) out(JSON.stringify({ ok: false, error: info }))
    else err(`sauti: ${info.message}`)
    return exitFor[info.kind]
  }
}

process.exitCode = await main(process.argv)
