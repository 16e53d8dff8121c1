/** Helpers shared by the `sauti` commands: options, output, progress, jobs, argument parsing. */
import { stepLabel } from '../core/jobs'
import { resolve } from 'node:path'
import type { Command } from 'commander'
import { InvalidArgumentError } from 'commander'
import cliProgress from 'cli-progress'
import type { CallInput, EventMap } from '../../shared/contract'
import type { ExecutionProviderName, ImportSummary, MachineOutputChoice } from '../../shared/domain'
import { loginRecord } from '../core/accounts/accounts'
import { accountCaller } from '../core/accounts/caller'
import type { SessionSettings } from '../core/asr/providers'
import { SautiError, type ErrorInfo } from '../../shared/errors'
import { DEMO_PROJECT_ID } from '../core/project/demo'
import { defaultDataDir, isValidProjectId } from '../core/project/paths'
import type { Workbench } from '../core/workbench'
import { bootWorkbench, findAppRoot } from './boot'

export const exitCodes = {
  ok: 0,
  internal: 1,
  usage: 2, // bad arguments or invalid input
  rejected: 3, // the command ran, but some inputs were rejected (see the report)
  store: 4, // the database refused: newer schema, integrity failure, disk full
  notFound: 5, // no such project or file
  unavailable: 6,
} as const

export const exitFor: Record<ErrorInfo['kind'], number> = {
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

export interface GlobalOptions {
  dataDir: string
  project: string
  json: boolean
  /** Act as this team account instead of the machine's owner (its role and roots apply). */
  account?: string
}

export const appRoot = findAppRoot()
export const out = (line: string): void => void process.stdout.write(`${line}\n`)
export const err = (line: string): void => void process.stderr.write(`${line}\n`)

export function globals(command: Command): GlobalOptions {
  const o = command.optsWithGlobals<{
    dataDir?: string
    project?: string
    json?: boolean
    account?: string
  }>()
  const project = o.project ?? DEMO_PROJECT_ID
  if (!isValidProjectId(project)) {
    throw new SautiError(
      'validation',
      `"${project}" is not a valid project id: use 1–63 lowercase letters, digits and dashes.`,
    )
  }
  return {
    dataDir: resolve(o.dataDir ?? defaultDataDir()),
    project,
    json: !!o.json,
    account: o.account,
  }
}

/** A progress bar on stderr, only for people (a TTY) and never in --json mode. */
export function progressBar(
  json: boolean,
  title: string,
  /** Without a terminal (a log, CI), print each new label as a line instead of nothing. */
  options: { lines?: boolean } = {},
): { update(done: number, total: number, label: string): void; stop(): void } {
  if (!json && !process.stderr.isTTY && options.lines) {
    let last = ''
    return {
      update(done, total, label) {
        if (label === last) return
        last = label
        const percent = total > 0 ? Math.round((100 * done) / total) : 0
        process.stderr.write(
          `[${new Date().toISOString().slice(11, 19)}] ${title} ${percent} %: ${label}\n`,
        )
      },
      stop() {},
    }
  }
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

export async function withWorkbench<T>(
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
    demoProgress: (d, t, step) => bar.update(d, t, stepLabel(step)),
  }).finally(() => bar.stop())
  try {
    if (g.account !== undefined) {
      const record = loginRecord(workbench.project.db, g.account)
      if (!record || record.account.disabled)
        throw new SautiError('forbidden', `no enabled account "${g.account}" in this project`)
      workbench.actAs(accountCaller(record.account.id))
    }
    return await run(workbench)
  } finally {
    await workbench.close()
  }
}

/** How an import's transcripts will count, said before it starts and in its summary. */
export function machineOutputLine(choice: MachineOutputChoice, transcripts?: number): string {
  const what = transcripts === undefined ? 'Transcripts' : `${transcripts} transcript(s)`
  return `${what} ${transcripts === undefined ? 'will come' : 'came'} in as machine output from ${choice.system ?? 'an unnamed recogniser'}: drafts to correct in the annotation queue, not people's transcripts (not counted as transcribed, trained on or exported until someone saves them).`
}

export function printImport(summary: ImportSummary, json: boolean): void {
  if (json) return out(JSON.stringify(summary))
  out(
    `Imported ${summary.imported} file(s), ${(summary.durationSec / 60).toFixed(1)} min of audio, ${summary.revisions} transcript(s); ${summary.duplicates} already in the project.`,
  )
  if (summary.machineOutput) out(machineOutputLine(summary.machineOutput, summary.revisions))
  const line = (r: { path: string; message: string }): string =>
    r.message.startsWith(r.path) ? r.message : `${r.path}: ${r.message}`
  for (const r of summary.rejected) err(`rejected: ${line(r)}`)
  for (const w of summary.warnings) err(`warning: ${line(w)}`)
}

/** Exit code of an import: 5 when a path given does not exist, 3 when inputs were refused. */
export function importExitCode(summary: ImportSummary): number {
  if (summary.rejected.some((r) => r.missing)) return exitCodes.notFound
  return summary.rejected.length > 0 ? exitCodes.rejected : exitCodes.ok
}

/**
 * Starts a job through the contract (as the UI does), shows its progress, cancels it on Ctrl-C
 * (after the item in flight) and resolves with what it reports.
 */
export async function runJob<
  M extends
    | 'import.start'
    | 'label.start'
    | 'train.start'
    | 'export.start'
    | 'annotation.import'
    | 'checkpoint.score',
>(
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

export function parseNumber(value: string, what: string, min: number, max: number): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < min || n > max)
    throw new InvalidArgumentError(`invalid ${what}: ${value} (expected ${min} to ${max})`)
  return n
}

/** A row id given on the command line (an utterance, revision or version number). */
export function parseId(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new SautiError('validation', `not an id: ${value}`)
  return n
}

export function parsePositive(value: string, what: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 256)
    throw new InvalidArgumentError(`invalid ${what}: ${value}`)
  return n
}

export function parseProviders(value: string): ExecutionProviderName[] {
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

export function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`invalid port: ${value}`)
  return port
}
