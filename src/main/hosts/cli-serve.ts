import { stepLabel, type JobStep } from '../core/jobs'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { type Command, Option } from 'commander'
import { createLogger } from '../core/logger'
import { bootWorkbench, labelDemoOnFirstStart, resumeInterruptedLabelling } from './boot'
import { appRoot, err, globals, out, parseNumber, parsePort, progressBar } from './cli-support'
import { checkBinding } from './http-binding'
import { startHttpHost } from './http'
import { servingToken } from './serve-token'

interface ServeOptions {
  port: number
  host: string
  token?: string
  newToken?: boolean
  demoLabels: boolean
  team?: boolean
  tlsCert?: string
  tlsKey?: string
  behindProxy?: boolean
  publicOrigin?: string
  importRoot: string[]
  exportRoot?: string
  claimIdle: number
  sessionIdle: number
  sessionMax: number
  uploadLimit: number
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** `sauti serve`: the UI and API, for one person on loopback or a team (docs/team-server.md). */
export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the workbench UI and API on http://127.0.0.1 with a random token')
    .option('--port <n>', 'port (default: a free one)', (v) => parsePort(v), 0)
    .option(
      '--host <address>',
      'address to bind; beyond loopback it needs HTTPS (--tls-cert/--tls-key or --behind-proxy) and accounts',
      '127.0.0.1',
    )
    .option(
      '--token <token>',
      "use this token (at least 32 random bytes) instead of the data folder's own (scripts and tests)",
    )
    .option(
      '--new-token',
      "replace the data folder's token with a new one (open tabs must be opened again)",
    )
    .option('--no-demo-labels', 'do not label the demo with the starter model on its first start')
    .option('--team', 'require accounts even on loopback (a team server)')
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM)')
    .option('--tls-key <file>', 'the private key of --tls-cert (PEM)')
    .option('--behind-proxy', 'an HTTPS reverse proxy on this machine forwards to Sauti')
    .option(
      '--public-origin <url>',
      'the https:// origin people open (checked against Host and Origin)',
    )
    .option(
      '--import-root <dir>',
      'a folder team accounts may import from (repeatable)',
      collect,
      [],
    )
    .option('--export-root <dir>', 'the folder team accounts export and back up into')
    .addOption(
      new Option('--claim-idle <minutes>', 'a claim on an utterance lapses after this idle time')
        .default(10)
        .argParser((v) => parseNumber(v, 'claim idle time', 0.05, 1440)),
    )
    .addOption(
      new Option('--session-idle <minutes>', 'sign out after this long without a request')
        .default(120)
        .argParser((v) => parseNumber(v, 'session idle time', 1, 10080)),
    )
    .addOption(
      new Option('--session-max <hours>', 'sign out this long after signing in, whatever happens')
        .default(12)
        .argParser((v) => parseNumber(v, 'session lifetime', 0.1, 720)),
    )
    .addOption(
      new Option('--upload-limit <MiB>', 'the largest audio file an upload may carry')
        .default(2048)
        .argParser((v) => parseNumber(v, 'upload limit', 1, 1_048_576)),
    )
    .action(async (opts: ServeOptions, command: Command) => {
      const g = globals(command)
      const logger = createLogger(process.env.SAUTI_LOG === 'debug' ? 'debug' : 'info')
      const tls =
        opts.tlsCert || opts.tlsKey
          ? {
              cert: opts.tlsCert ? readFileSync(resolve(opts.tlsCert)) : '',
              key: opts.tlsKey ? readFileSync(resolve(opts.tlsKey)) : '',
            }
          : undefined
      const binding = { ...opts, host: opts.host, tls }
      // Refuse an unsafe binding before the project is opened.
      const facing = checkBinding(binding)
      const workbench = await bootWorkbench({
        appRoot,
        dataDir: g.dataDir,
        projectId: g.project,
        host: 'http',
        serverPaths: {
          importRoots: opts.importRoot.map((d) => resolve(d)),
          exportRoot: opts.exportRoot ? resolve(opts.exportRoot) : null,
        },
        claimIdleMs: opts.claimIdle * 60_000,
        demoProgress: (() => {
          const bar = progressBar(g.json, 'Preparing the demo project')
          return (d: number, t: number, step: JobStep) =>
            d >= t ? bar.stop() : bar.update(d, t, stepLabel(step))
        })(),
      })
      const host = await startHttpHost({
        ...binding,
        // Kept per data folder, so a restart keeps the open tabs working (serve-token.ts).
        token: opts.token ?? (await servingToken(g.dataDir, opts.newToken)),
        workbench,
        staticDir: join(appRoot, 'out', 'renderer'),
        port: opts.port,
        logger,
        sessionLifetime: {
          idleMs: opts.sessionIdle * 60_000,
          absoluteMs: opts.sessionMax * 3600_000,
        },
        uploadLimitBytes: opts.uploadLimit * 1024 ** 2,
      })
      if (g.json)
        out(
          JSON.stringify({
            url: host.openUrl,
            port: host.port,
            token: host.token,
            project: g.project,
            team: host.team,
          }),
        )
      else if (facing.team)
        out(
          `Sauti is serving project "${g.project}" to its team at ${host.openUrl} (accounts: \`sauti user\`)`,
        )
      else out(`Sauti is serving project "${g.project}" at ${host.openUrl}`)
      await resumeInterruptedLabelling(workbench, (m) => err(m))
      if (opts.demoLabels) void labelDemoOnFirstStart(workbench, appRoot, (m) => err(m))
      await new Promise<void>((resolveStop) => {
        const stop = (): void => resolveStop()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      await host.close()
      await workbench.close()
    })
}
