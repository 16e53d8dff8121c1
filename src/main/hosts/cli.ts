/**
 * `sauti` command line: the same workbench as the desktop app, for scripts and servers.
 * Exit codes (stable, for scripts): see `exitCodes` in cli-support.ts and docs/cli.md.
 */
import { resolve, join } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { SautiError, type ErrorInfo } from '../../shared/errors'
import { classify } from '../core/dispatch'
import { DEMO_PROJECT_ID } from '../core/project/demo'
import { listProjects } from '../core/project/projects'
import { runDoctor } from '../core/doctor'
import { createLogger } from '../core/logger'
import {
  appVersion,
  bootWorkbench,
  labelDemoOnFirstStart,
  resumeInterruptedLabelling,
} from './boot'
import { addAdaptCommands } from './cli-adapt'
import { addAuditCommands } from './cli-audit'
import { addConsentCommands } from './cli-consent'
import { addExportCommands } from './cli-export'
import { addModelCommands } from './cli-models'
import { addReportCommands } from './cli-report'
import { addReviewCommands } from './cli-review'
import { startHttpHost } from './http'
import { servingToken } from './serve-token'
import {
  exitCodes,
  exitFor,
  appRoot,
  out,
  err,
  globals,
  progressBar,
  withWorkbench,
  printImport,
  importExitCode,
  runJob,
  parsePort,
} from './cli-support'

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
    .option(
      '--token <token>',
      "use this token instead of the data folder's own (scripts and tests)",
    )
    .option(
      '--new-token',
      "replace the data folder's token with a new one (open tabs must be opened again)",
    )
    .option('--no-demo-labels', 'do not label the demo with the starter model on its first start')
    .action(
      async (
        opts: {
          port: number
          host: string
          token?: string
          newToken?: boolean
          demoLabels: boolean
        },
        command: Command,
      ) => {
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
          // Kept per data folder, so a restart keeps the open tabs working (serve-token.ts).
          token: opts.token ?? (await servingToken(g.dataDir, opts.newToken)),
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
        await resumeInterruptedLabelling(workbench, (m) => err(m))
        if (opts.demoLabels) void labelDemoOnFirstStart(workbench, appRoot, (m) => err(m))
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
      },
    )

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
      process.exitCode = importExitCode(summary)
    })

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

  addModelCommands(program)
  addAdaptCommands(program)
  addConsentCommands(program)
  addAuditCommands(program)
  addExportCommands(program)
  addReviewCommands(program)
  addReportCommands(program)

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
    // Users see a sentence; where in the code it happened is for SAUTI_LOG=debug and bug reports.
    const info: ErrorInfo = classify(error)
    if (info.kind === 'internal' && process.env.SAUTI_LOG === 'debug')
      err((error as Error).stack ?? String(error))
    const json = argv.includes('--json')
    if (json) out(JSON.stringify({ ok: false, error: info }))
    else if (info.kind === 'internal')
      err(
        `sauti: internal error: ${info.message} (a bug; please report it with the output of \`sauti doctor\`, and run again with SAUTI_LOG=debug to see where it happened)`,
      )
    else err(`sauti: ${info.message}`)
    return exitFor[info.kind]
  }
}

process.exitCode = await main(process.argv)
