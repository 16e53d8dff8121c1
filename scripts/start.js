#!/usr/bin/env node
// `npm start`: the desktop app where Electron is installed; otherwise one line saying so and
// the same UI from `sauti serve` in the browser.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('..', import.meta.url))
const args = process.argv.slice(2)

function electronBinary() {
  try {
    const binary = require('electron') // the path of the binary, or a throw when it was never downloaded
    return typeof binary === 'string' && existsSync(binary) ? binary : null
  } catch {
    return null
  }
}

function run(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit', cwd: root })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

const binary = electronBinary()
const sqliteForElectron = existsSync(
  new URL('../build/native/electron/better_sqlite3.node', import.meta.url),
)
if (binary && sqliteForElectron) {
  run(binary, ['.', ...args])
} else {
  const why = binary
    ? 'the Electron build of better-sqlite3 is missing (run `npm run electron:native`)'
    : 'the Electron binary is not installed'
  console.log(
    `Sauti desktop unavailable: ${why}; serving the same UI in your browser instead (README, "Desktop app").`,
  )
  run(process.execPath, ['bin/sauti.js', ...args, 'serve'])
}
