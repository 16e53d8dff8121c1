import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { chromium, type Browser } from 'playwright-core'
import { appRoot } from './fixtures'

export interface Served {
  url: string
  openUrl: string
  token: string
  process: ChildProcess
  stop(): Promise<void>
}

/** Starts the built `sauti serve` as a user would, and waits for the URL it prints. */
export async function startServe(
  dataDir: string,
  extra: string[] = [],
  serveArgs: string[] = [],
): Promise<Served> {
  const child = spawn(
    process.execPath,
    [
      join(appRoot, 'bin/sauti.js'),
      '--data-dir',
      dataDir,
      '--json',
      ...extra,
      'serve',
      '--port',
      '0',
      ...serveArgs,
    ],
    {
      cwd: appRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! })
    rl.once('line', resolve)
    child.once('exit', (code) => reject(new Error(`sauti serve exited with ${code}: ${stderr}`)))
  })
  const info = JSON.parse(line) as { url: string; token: string }
  return {
    url: new URL(info.url).origin,
    openUrl: info.url,
    token: info.token,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        // A server a test killed has a signal and no exit code: it is stopped already.
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/** One call of the HTTP API as the page makes it (the session's token); refusals throw. */
export async function callApi<T>(s: Served, method: string, input: unknown): Promise<T> {
  const r = await fetch(`${s.url}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
    body: JSON.stringify(input),
  })
  const body = (await r.json()) as { ok: boolean; value: T; error?: { message: string } }
  if (!body.ok) throw new Error(`${method}: ${body.error?.message}`)
  return body.value
}

export const chromiumPath = process.env.SAUTI_CHROMIUM ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required',
    ],
  })
}

/** Reads a served project's database the way `sqlite3` would, beside the running server (WAL). */
export function projectQuery(dbPath: string): <T>(sql: string, ...params: unknown[]) => T[] {
  return <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true })
    try {
      return db.prepare(sql).all(...params) as T[]
    } finally {
      db.close()
    }
  }
}

/** Waits until the demo's first-start labelling job (started by `sauti serve`) is done. */
export async function waitForLabels(s: Served): Promise<void> {
  const deadline = Date.now() + 180_000
  for (;;) {
    const r = await fetch(`${s.url}/api/job.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: '{}',
    })
    const jobs = ((await r.json()) as { value: { kind: string; status: string }[] }).value
    if (jobs.some((j) => j.kind === 'label' && j.status === 'done')) return
    if (jobs.some((j) => j.kind === 'label' && j.status === 'failed'))
      throw new Error('labelling the demo failed')
    if (Date.now() > deadline) throw new Error('the demo was not labelled in time')
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
