import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { appRoot } from './fixtures'

export interface CliRun {
  status: number | null
  stdout: string
  stderr: string
}

/** The CLI from its TypeScript source on one data folder, as a user runs the built one. */
export function cliOn(dataDir: string): (...args: string[]) => CliRun {
  return (...args) => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(appRoot, 'src/main/hosts/cli.ts'), '--data-dir', dataDir, ...args],
      { encoding: 'utf8', cwd: appRoot, timeout: 60_000 },
    )
    return { status: run.status, stdout: run.stdout, stderr: run.stderr }
  }
}
