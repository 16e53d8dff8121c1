/**
 * `sauti` command line: the same workbench as the desktop app, for scripts and servers.
 * Exit codes (stable, for scripts): see `exitCodes` in cli-support.ts and docs/cli.md.
 */
import { resolve } from 'node:path'
import { Command, CommanderError, Option } from 'commander'
import { SautiError, type ErrorInfo } from '../../shared/errors'
import { classify } from '../core/dispatch'
import { DEMO_PROJECT_ID } from '../core/project/demo'
import { listProjects } from '../core/project/projects'
import { runDoctor } from '../core/doctor'
import { appVersion } from './boot'
import { addAdaptCommands } from './cli-adapt'
import { addCheckpointCommands } from './cli-checkpoints'
import { addAuditCommands } from './cli-audit'
import { addConsentCommands } from './cli-consent'
import { addDiscussCommands } from './cli-discuss'
import { addExportCommands } from './cli-export'
import { addModelCommands } from './cli-models'
import { addModelRegistryCommands } from './cli-model-registry'
import { addReportCommands } from './cli-report'
import { addReviewCommands } from './cli-review'
import { addSearchCommands } from './cli-search'
import { addServeCommand } from './cli-serve'
import { addTeamCommands } from './cli-team'
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
} from './cli-support'
import {
  addMachineOutputOptions,
  machineOutputChoice,
  machineOutputInput,
  type MachineOutputOptions,
} from './cli-machine-output'

/** Commands that do not go through the contract's calls (`parent command` as commander names them). */
const ownerOnly = new Set([
  'sauti doctor',
  'sauti projects',
  'sauti simulate',
  'sauti restore',
  'model import',
  'model list',
  'model check',
])

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
    .addOption(
      new Option(
        '--account <login>',
        "act as this team account instead of the machine's owner: its role and the server's roots apply",
      ).env('SAUTI_ACCOUNT'),
    )
    .showHelpAfterError()
    .hook('preAction', (_program, action) => {
      // These read or write the server's files directly, not through the contract's calls, so
      // no account's role could apply to them: they are the machine owner's.
      const path = [action.parent?.name(), action.name()].join(' ')
      if (action.optsWithGlobals<{ account?: string }>().account && ownerOnly.has(path))
        throw new SautiError(
          'forbidden',
          `sauti ${action.name()} works on the server's files directly: run it as the machine's owner, without --account`,
        )
    })

  addServeCommand(program)

  addMachineOutputOptions(
    program
      .command('import')
      .description(
        'import audio: files, folders of clips, or manifests (.tsv/.csv with path, transcript, speaker, language)',
      )
      .argument('<paths...>', 'files, folders or manifests'),
    "the manifests'",
  ).action(async (paths: string[], o: MachineOutputOptions, command: Command) => {
    const g = globals(command)
    const machineOutput = machineOutputChoice(g, o)
    const { summary } = await withWorkbench(g, true, async (wb) =>
      runJob(
        wb,
        'import.start',
        {
          paths: paths.map((p) => resolve(p)),
          ...(await machineOutputInput(wb, machineOutput, o.as)),
        },
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
  addModelRegistryCommands(program)
  addAdaptCommands(program)
  addCheckpointCommands(program)
  addConsentCommands(program)
  addAuditCommands(program)
  addExportCommands(program)
  addReviewCommands(program)
  addDiscussCommands(program)
  addReportCommands(program)
  addSearchCommands(program)
  addTeamCommands(program)

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
