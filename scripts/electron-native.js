#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into build/native/electron/, beside (not instead of)
// the Node build the CLI and tests use. The Electron host loads it through better-sqlite3's
// `nativeBinding` option. Needs internet: a prebuilt binary from better-sqlite3's releases, or
// Electron's headers to compile against. (electron-rebuild is not used: it can silently build
// for Node's ABI and replace the Node build in place.)
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('..', import.meta.url))
const electronVersion = require('electron/package.json').version
const source = join(root, 'node_modules', 'better-sqlite3')
const work = mkdtempSync(join(tmpdir(), 'sauti-sqlite-electron-'))
const target = join(root, 'build', 'native', 'electron')

try {
  cpSync(source, work, {
    recursive: true,
    filter: (p) => !p.includes(`${join('build', 'Release')}`),
  })
  const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: electronVersion }
  try {
    execFileSync(
      join(root, 'node_modules', '.bin', 'prebuild-install'),
      ['--runtime', 'electron', '--target', electronVersion, '--arch', process.arch],
      { cwd: work, stdio: 'inherit', env },
    )
  } catch {
    console.log('No prebuilt binary; compiling against Electron headers…')
    execFileSync(
      'npx',
      [
        '--yes',
        'node-gyp',
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        '--dist-url=https://electronjs.org/headers',
      ],
      { cwd: work, stdio: 'inherit', env },
    )
  }
  mkdirSync(target, { recursive: true })
  copyFileSync(
    join(work, 'build', 'Release', 'better_sqlite3.node'),
    join(target, 'better_sqlite3.node'),
  )
  console.log(
    `better-sqlite3 for Electron ${electronVersion} → ${join(target, 'better_sqlite3.node')}`,
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}
