import { execFileSync } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/main/core/logger'
import type { Workbench } from '../../src/main/core/workbench'
import { checkBinding } from '../../src/main/hosts/http-binding'
import { startHttpHost, type HttpHost, type HttpHostOptions } from '../../src/main/hosts/http'
import type { AccountLink, ImportSummary } from '../../src/shared/domain'
import { formatFixtures } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'

/** A team server over HTTP: sign-in, sessions, cross-site requests, HTTPS, uploads. */
let wb: Workbench
let dispose: () => Promise<void>
let host: HttpHost
const hosts: HttpHost[] = []
const staticDir = mkdtempSync(join(tmpdir(), 'sauti-static-'))
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Sauti</title>')
const password = (login: string): string => `${login} has a long password`

async function team(extra: Partial<HttpHostOptions>): Promise<HttpHost> {
  const h = await startHttpHost({
    workbench: wb,
    staticDir,
    logger: silentLogger,
    team: true,
    ...extra,
  })
  hosts.push(h)
  return h
}

async function invite(login: string, role: string): Promise<void> {
  const link = (await wb.call('account.invite', { login, role })) as {
    ok: true
    value: AccountLink
  }
  await wb.acceptLink(link.value.token, password(login))
}

/** Signs in as a browser on the server's page would, and returns the session cookie. */
async function signIn(h: HttpHost, login: string, secret = password(login)): Promise<Response> {
  return fetch(`${h.url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: h.url, 'Sec-Fetch-Site': 'same-origin' },
    body: JSON.stringify({ login, password: secret }),
  })
}
async function session(h: HttpHost, login: string): Promise<string> {
  const res = await signIn(h, login)
  expect(res.status).toBe(200)
  return res.headers.get('set-cookie')!.split(';')[0]!
}
const call = (
  h: HttpHost,
  cookie: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = { Origin: h.url, 'Sec-Fetch-Site': 'same-origin' },
): Promise<Response> =>
  fetch(`${h.url}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
    body: JSON.stringify(body),
  })

const exportRoot = mkdtempSync(join(tmpdir(), 'sauti-exports-'))

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('field', {
    serverPaths: { importRoots: [], exportRoot },
  }))
  await importAndWait(wb, [join(formatFixtures, 'clip.flac')])
  await invite('lead', 'lead')
  await invite('amina', 'annotator')
  host = await team({})
})
afterAll(async () => {
  for (const h of hosts) await h.close()
  await dispose()
  expectNoOpenWorkbenches()
})

describe('a team server: binding', () => {
  it('refuses short tokens and plain HTTP beyond loopback', () => {
    expect(() => checkBinding({ host: '127.0.0.1', token: 'abc' })).toThrow(/32 random bytes/)
    expect(() => checkBinding({ host: '127.0.0.1', token: 'a'.repeat(64) })).toThrow(/too regular/)
    expect(() => checkBinding({ host: '0.0.0.0' })).toThrow(/needs HTTPS/)
    expect(() => checkBinding({ host: '0.0.0.0', behindProxy: true })).toThrow(/public-origin/)
    expect(() =>
      checkBinding({ host: '0.0.0.0', behindProxy: true, publicOrigin: 'http://sauti.example' }),
    ).toThrow(/https/)
    expect(
      checkBinding({ host: '0.0.0.0', behindProxy: true, publicOrigin: 'https://sauti.example' }),
    ).toEqual({ team: true, secure: true, publicOrigin: 'https://sauti.example' })
    expect(checkBinding({ host: '127.0.0.1' })).toMatchObject({ team: false, secure: false })
  })

  it('names its cookie by port and project, so two servers in one browser never collide', async () => {
    const other = await team({})
    expect(host.cookieName).toBe(`sauti-${host.port}-field`)
    expect(other.cookieName).toBe(`sauti-${other.port}-field`)
    const a = await session(host, 'amina')
    expect(a.startsWith(`${host.cookieName}=`)).toBe(true)
    // The other server does not take this server's session, even renamed to its cookie.
    const renamed = a.replace(host.cookieName, other.cookieName)
    expect((await call(other, renamed, 'account.me', {})).status).toBe(401)
  })
})

describe('a team server: sign-in and sessions', () => {
  it('requires signing in, serves the sign-in page to anyone, and signs out', async () => {
    expect((await fetch(`${host.url}/`)).status).toBe(200)
    const anonymous = await call(host, '', 'project.summary', {})
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toMatchObject({ error: { details: { signIn: true } } })
    expect(host.openUrl).not.toContain('token')
    const res = await signIn(host, 'amina')
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).not.toMatch(/Secure/)
    const pair = cookie.split(';')[0]!
    expect(await (await call(host, pair, 'account.me', {})).json()).toMatchObject({
      value: { mode: 'account', account: { login: 'amina' } },
    })
    const out = await fetch(`${host.url}/auth/logout`, {
      method: 'POST',
      headers: { Cookie: pair, Origin: host.url },
    })
    expect(out.status).toBe(200)
    expect((await call(host, pair, 'account.me', {})).status).toBe(401)
    // A forged cookie: a made-up session id, or a real one with its signature changed.
    expect((await call(host, `${host.cookieName}=abc.def`, 'account.me', {})).status).toBe(401)
  })

  it('refuses every lead-only call to an annotator, and a forged actorId changes nothing', async () => {
    const amina = await session(host, 'amina')
    const leadId = (
      wb.project.db
        .prepare("SELECT annotator_id AS id FROM account WHERE login = 'lead'")
        .get() as { id: number }
    ).id
    for (const [method, body] of [
      ['consent.purge', { actorId: leadId, speakerId: 1 }],
      ['export.start', { actorId: leadId, dir: 'x', use: 'annotation', formats: ['nemo'] }],
      ['annotator.create', { name: 'Mallory', role: 'lead' }],
      ['account.invite', { login: 'mallory', role: 'lead' }],
      ['import.start', { paths: ['/etc/passwd'] }],
      ['app.doctor', {}],
    ] as const) {
      const res = await call(host, amina, method, body)
      expect(res.status, method).toBe(403)
    }
    expect(
      wb.project.db.prepare("SELECT 1 FROM annotator WHERE name = 'Mallory'").get(),
    ).toBeUndefined()
  })

  it('ends a session after its idle time', async () => {
    const short = await team({ sessionLifetime: { idleMs: 300, absoluteMs: 60_000 } })
    const cookie = await session(short, 'amina')
    expect((await call(short, cookie, 'account.me', {})).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 450))
    expect((await call(short, cookie, 'account.me', {})).status).toBe(401)
  })

  it('ends a session at its absolute lifetime even while it is used', async () => {
    const short = await team({ sessionLifetime: { idleMs: 60_000, absoluteMs: 500 } })
    const cookie = await session(short, 'amina')
    for (let i = 0; i < 3; i++) {
      expect((await call(short, cookie, 'account.me', {})).status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect((await call(short, cookie, 'account.me', {})).status).toBe(401)
  })

  it('throttles sign-in per account, even with the right password, and per address', async () => {
    const limited = await team({ loginLimits: { account: 3, address: 6, windowMs: 60_000 } })
    for (let i = 0; i < 3; i++)
      expect((await signIn(limited, 'amina', 'wrong password!')).status).toBe(401)
    const locked = await signIn(limited, 'amina')
    expect(locked.status).toBe(429)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another account from the same address until the address's own limit.
    expect((await signIn(limited, 'lead')).status).toBe(200)
    for (let i = 0; i < 3; i++) await signIn(limited, `nobody${i}`, 'wrong password!')
    expect((await signIn(limited, 'lead')).status).toBe(429)
  })

  it('throttles guessing the token per address', async () => {
    const limited = await team({ loginLimits: { account: 3, address: 4, windowMs: 60_000 } })
    const guess = (token: string): Promise<Response> =>
      fetch(`${limited.url}/api/app.info`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: '{}',
      })
    for (let i = 0; i < 4; i++) expect((await guess(`wrong-${i}`)).status).toBe(401)
    expect((await guess(limited.token)).status).toBe(429)
  })
})

describe('a team server: cross-site requests', () => {
  it('refuses a state-changing request from another site, even with the session cookie', async () => {
    const cookie = await session(host, 'lead')
    const evil = await call(
      host,
      cookie,
      'annotator.create',
      { name: 'Eve' },
      { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    )
    expect(evil.status).toBe(403)
    expect(await evil.json()).toMatchObject({ error: { message: /cross-site/ } })
    // Another site of the same domain, an opaque origin, and a look-alike host are refused too.
    const alsoRefused: Record<string, string>[] = [
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: 'null' },
      { Origin: `${host.url}.evil.example` },
    ]
    for (const headers of alsoRefused) {
      const refused = await call(host, cookie, 'annotator.create', { name: 'Eve' }, headers)
      expect(refused.status, JSON.stringify(headers)).toBe(403)
    }
    const login = await fetch(`${host.url}/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
      body: JSON.stringify({ login: 'lead', password: password('lead') }),
    })
    expect(login.status).toBe(403)
    expect(
      wb.project.db.prepare("SELECT 1 FROM annotator WHERE name = 'Eve'").get(),
    ).toBeUndefined()
    expect((await call(host, cookie, 'annotator.create', { name: 'Eve' })).status).toBe(200)
  })

  it('behind a proxy, checks Host and Origin against the public origin', async () => {
    const proxied = await team({ behindProxy: true, publicOrigin: 'https://sauti.example' })
    const direct = await fetch(`http://127.0.0.1:${proxied.port}/`)
    expect(direct.status).toBe(403)
    expect(proxied.cookieName).toBe(`__Host-sauti-${proxied.port}-field`)
    expect(proxied.url).toBe('https://sauti.example')
  })
})

describe('a team server over HTTPS', () => {
  it('serves HTTPS with its certificate and sets Secure __Host- cookies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sauti-tls-'))
    const cert = join(dir, 'cert.pem')
    const key = join(dir, 'key.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    )
    const tls = await team({ tls: { cert: readFileSync(cert), key: readFileSync(key) } })
    expect(tls.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const answer = await new Promise<{ status: number; cookie: string; hsts: string }>(
      (resolve, reject) => {
        const req = httpsRequest(
          `${tls.url}/auth/login`,
          {
            method: 'POST',
            ca: readFileSync(cert),
            headers: { 'Content-Type': 'application/json', Origin: tls.url },
          },
          (res) => {
            res.resume()
            resolve({
              status: res.statusCode ?? 0,
              cookie: String(res.headers['set-cookie'] ?? ''),
              hsts: String(res.headers['strict-transport-security'] ?? ''),
            })
          },
        )
        req.on('error', reject)
        req.end(JSON.stringify({ login: 'amina', password: password('amina') }))
      },
    )
    expect(answer.status).toBe(200)
    expect(answer.cookie).toMatch(new RegExp(`^__Host-sauti-${tls.port}-field=`))
    expect(answer.cookie).toMatch(/; Secure/)
    expect(answer.hsts).toMatch(/max-age/)
  })
})

describe('a team server: uploads', () => {
  const upload = async (
    h: HttpHost,
    cookie: string,
    name: string,
    bytes: Buffer,
  ): Promise<Response> => {
    const form = new FormData()
    form.append('file', new Blob([bytes]), name)
    return fetch(`${h.url}/upload`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: h.url, 'Sec-Fetch-Site': 'same-origin' },
      body: form,
    })
  }
  // An import of one small file can end before its upload's answer is read (under load it did,
  // and the test then waited for an end that had already passed): every end is kept from the
  // start, and a job's is looked up there first.
  const ends = new Map<string, ImportSummary>()
  const waiting = new Map<string, (summary: ImportSummary) => void>()
  beforeAll(() =>
    wb.events.on('job.finished', (f) => {
      ends.set(f.jobId, f.summary as ImportSummary)
      waiting.get(f.jobId)?.(f.summary as ImportSummary)
    }),
  )
  const finished = (jobId: string): Promise<ImportSummary> =>
    ends.has(jobId)
      ? Promise.resolve(ends.get(jobId)!)
      : new Promise((resolve) => waiting.set(jobId, resolve))

  it('imports an uploaded file with the same checks as a file import: a truncated WAV is refused', async () => {
    const lead = await session(host, 'lead')
    const whole = readFileSync(join(formatFixtures, 's16.wav'))
    const res = await upload(host, lead, 'cut.wav', whole.subarray(0, whole.length / 2))
    expect(res.status).toBe(200)
    const { value } = (await res.json()) as { value: { jobId: string } }
    const summary = await finished(value.jobId)
    expect(summary.imported).toBe(0)
    expect(summary.rejected).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(/cut\.wav.*(truncated|shorter|ends)/i),
      }),
    ])
    const good = await upload(host, lead, 'whole.wav', whole)
    const done = await finished(((await good.json()) as { value: { jobId: string } }).value.jobId)
    expect(done.imported).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(readdirSync(wb.uploadsDir)).toEqual([])
  })

  it('refuses an oversize file and keeps nothing of it; annotators may not upload', async () => {
    const small = await team({ uploadLimitBytes: 10_000 })
    const lead = await session(small, 'lead')
    const before = wb.project.db.prepare('SELECT count(*) AS n FROM recording').get()
    const res = await upload(small, lead, 'big.wav', readFileSync(join(formatFixtures, 's16.wav')))
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { message: /big\.wav is larger/ } })
    expect(readdirSync(wb.uploadsDir)).toEqual([])
    expect(wb.project.db.prepare('SELECT count(*) AS n FROM recording').get()).toEqual(before)
    const amina = await session(small, 'amina')
    expect((await upload(small, amina, 'clip.wav', Buffer.from('RIFF'))).status).toBe(403)
  })
})

describe('a team server: exports to download', () => {
  it('streams an export folder of the export root as a zip to a lead, and nothing else', async () => {
    mkdirSync(join(exportRoot, 'release-1', 'audio'), { recursive: true })
    writeFileSync(join(exportRoot, 'release-1', 'manifest.json'), '{"utterances": 1}')
    writeFileSync(join(exportRoot, 'release-1', 'audio', 'a.flac'), 'fLaC…')
    symlinkSync('/etc', join(exportRoot, 'etc'))
    const lead = await session(host, 'lead')
    const get = (path: string, cookie = lead): Promise<Response> =>
      fetch(`${host.url}${path}`, { headers: { Cookie: cookie } })
    const res = await get('/exports/release-1.zip')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/zip')
    const zipFile = join(mkdtempSync(join(tmpdir(), 'sauti-zip-')), 'release-1.zip')
    writeFileSync(zipFile, Buffer.from(await res.arrayBuffer()))
    const names = execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
        zipFile,
      ],
      { encoding: 'utf8' },
    )
    expect(names.trim().split('\n').sort()).toEqual([
      'release-1/audio/a.flac',
      'release-1/manifest.json',
    ])
    // Anything that is not a folder of the export root gets the same answer.
    const answers = await Promise.all(
      [
        '/exports/nothing.zip',
        '/exports/etc.zip',
        '/exports/..%2F..%2Fetc.zip',
        '/exports/.zip',
      ].map(async (p) => {
        const r = await get(p)
        return `${r.status} ${await r.text()}`
      }),
    )
    expect(new Set(answers).size).toBe(1)
    expect(answers[0]).toMatch(/^404 /)
    expect((await get('/exports/release-1.zip', await session(host, 'amina'))).status).toBe(403)
  })
})
