/**
 * Team load (issue 18): 20 annotators through the UI's loop against a team server on loopback,
 * each signed in to their own account: read the queue, claim the next utterance (passing over
 * ones held or finished), open it, autosave a draft, save it, and move on. The same loop
 * without claims (every annotator served the same "next", as before claims) is the baseline.
 * Reports conflicting saves, lost saves (acknowledged but not in the database as sent) and
 * p50/p95 per call. Bounded: a fixed number of saves per annotator and a time limit per phase.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { expandImportPaths, importItems } from '../../src/main/core/audio/importer'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { createProject } from '../../src/main/core/project/projects'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import type { AccountLink, ClaimState, QueueItem, QueuePage } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import { projectQuery, startServe, type Served } from '../support/serve'

const annotators = 20
const savesEach = 8
const phaseLimitMs = 90_000
const todo = ['new', 'pseudo'] as const

const percentile = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** A project of `count` consented, model-labelled utterances over one real recording. */
async function makeProject(dataDir: string, count: number): Promise<void> {
  const project = await createProject(dataDir, 'team-bench')
  const workers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
  const { items } = await expandImportPaths([join(appRoot, 'demo/audio/sw-001.flac')])
  await importItems({ db: project.db, paths: project.paths, workers }, items)
  await workers.close()
  const { db } = project
  const now = new Date().toISOString()
  const speaker = ensureSpeaker(db, { code: 'BENCH-01' }, now)
  recordConsent(db, { speakerId: speaker, scope: 'annotation', grantedAt: '2020-01-01T00:00:00Z' })
  const add = db.prepare(
    "INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, confidence, created_at) VALUES (1, ?, ?, ?, 'sw', 'pseudo', ?, ?)",
  )
  db.transaction(() => {
    for (let i = 0; i < count; i++)
      add.run((i % 30) * 0.1, (i % 30) * 0.1 + 1, speaker, (i % 97) / 97, now)
  })()
  db.close()
}

interface Stats {
  calls: Map<string, number[]>
  saves: number
  conflicts: number
  acknowledged: { revisionId: number; text: string }[]
  passedOver: number
}

/** One annotator's browser session: the calls the UI makes, in the order it makes them. */
class Annotator {
  private cookie = ''
  private actorId = 0
  constructor(
    private readonly served: Served,
    readonly login: string,
    private readonly stats: Stats,
  ) {}

  private async post(
    path: string,
    body: unknown,
  ): Promise<{ status: number; json: { ok: boolean; value?: unknown } }> {
    const started = performance.now()
    const res = await fetch(`${this.served.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: this.served.url,
        'sec-fetch-site': 'same-origin',
        cookie: this.cookie,
      },
      body: JSON.stringify(body),
    })
    const json = (await res.json()) as { ok: boolean; value?: unknown }
    const name = path.replace('/api/', '')
    const times = this.stats.calls.get(name) ?? []
    times.push(performance.now() - started)
    this.stats.calls.set(name, times)
    if (!this.cookie) this.cookie = res.headers.get('set-cookie')?.split(';')[0] ?? ''
    return { status: res.status, json }
  }

  async signIn(password: string): Promise<void> {
    await this.post('/auth/login', { login: this.login, password })
    const me = await this.post('/api/account.me', {})
    this.actorId = (me.json.value as { account: { annotatorId: number } }).account.annotatorId
  }

  private async claim(id: number): Promise<boolean> {
    const state = (
      await this.post('/api/utterance.claim', { id, actorId: this.actorId, statuses: todo })
    ).json.value as ClaimState
    if (!state.mine) this.stats.passedOver++
    return state.mine
  }

  private async firstClaimed(items: QueueItem[]): Promise<QueueItem | null> {
    for (const item of items) if (await this.claim(item.id)) return item
    return null
  }

  /** Save and next until `savesEach` utterances are done or the phase runs out of time. */
  async work(claims: boolean, deadline: number): Promise<void> {
    let done = 0
    while (done < savesEach && Date.now() < deadline) {
      const query = { order: 'priority', filter: { status: todo }, actorId: this.actorId }
      const page = (
        await this.post('/api/queue.list', { ...query, offset: 0, limit: 100, counts: true })
      ).json.value as QueuePage
      if (page.items.length === 0) return
      for (let at = 0; at < page.items.length; at++) {
        if (done >= savesEach || Date.now() >= deadline) return
        let item = page.items[at]!
        // As the UI does: one held or finished is passed over for the first free one from here.
        if (claims && !(await this.claim(item.id))) {
          const free = (
            await this.post('/api/queue.list', { ...query, offset: at, limit: 25, counts: false })
          ).json.value as QueuePage
          const next = await this.firstClaimed(free.items.filter((i) => i.id !== item.id))
          if (!next) continue
          item = next
          // The UI goes on from where the opened utterance stands in its snapshot.
          at = Math.max(
            at,
            page.items.findIndex((i) => i.id === item.id),
          )
        }
        const detail = (
          await this.post('/api/utterance.get', { id: item.id, actorId: this.actorId })
        ).json.value as { head: { id: number } | null }
        let base = detail.head?.id ?? null
        await pause(200 + Math.random() * 400) // typing until the autosave
        const text = `${this.login} ${item.id} ${Date.now()}`
        for (const draft of [true, false]) {
          const saved = await this.post('/api/utterance.save', {
            id: item.id,
            actorId: this.actorId,
            baseRevisionId: base,
            text: draft ? `${text} …` : text,
            draft,
          })
          this.stats.saves++
          if (saved.status === 409) {
            this.stats.conflicts++
            break
          }
          const revision = (saved.json.value as { revision: { id: number } | null }).revision
          if (revision) {
            this.stats.acknowledged.push({
              revisionId: revision.id,
              text: draft ? `${text} …` : text,
            })
            base = revision.id
          }
          if (draft)
            await pause(200 + Math.random() * 400) // more typing, then Ctrl+Enter
          else done++
        }
      }
    }
  }
}

async function phase(served: Served, claims: boolean, dbPath: string): Promise<void> {
  const stats: Stats = { calls: new Map(), saves: 0, conflicts: 0, acknowledged: [], passedOver: 0 }
  const people = Array.from(
    { length: annotators },
    (_, i) => new Annotator(served, `a${i + 1}`, stats),
  )
  await Promise.all(people.map((p) => p.signIn(`${p.login} bench password`)))
  stats.calls.clear()
  const started = Date.now()
  await Promise.all(people.map((p) => p.work(claims, started + phaseLimitMs)))
  const wall = (Date.now() - started) / 1000
  const query = projectQuery(dbPath)
  const lost = stats.acknowledged.filter(
    (a) =>
      query<{ text: string }>('SELECT text FROM revision WHERE id = ?', a.revisionId)[0]?.text !==
      a.text,
  ).length
  console.log(
    `${claims ? 'with claims' : 'baseline, no claims'}: ${annotators} annotators, ${stats.saves} saves in ${wall.toFixed(1)} s; ` +
      `conflicting ${stats.conflicts} (${((100 * stats.conflicts) / Math.max(1, stats.saves)).toFixed(1)} %), ` +
      `lost ${lost} of ${stats.acknowledged.length} acknowledged; passed over ${stats.passedOver} held or finished`,
  )
  for (const [call, times] of [...stats.calls].sort())
    console.log(
      `  ${call.padEnd(18)} p50 ${percentile(times, 0.5).toFixed(1).padStart(6)} ms  p95 ${percentile(times, 0.95).toFixed(1).padStart(6)} ms  (n = ${times.length})`,
    )
}

export async function teamBench(): Promise<void> {
  console.log(
    `\n== Team server: ${annotators} annotators through the UI's loop (loopback, team mode)`,
  )
  for (const claims of [false, true]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'sauti-team-bench-'))
    await makeProject(dataDir, 2000)
    const served = await startServe(
      dataDir,
      ['--project', 'team-bench'],
      ['--team', '--no-demo-labels'],
    )
    try {
      for (let i = 1; i <= annotators; i++) {
        const invited = await fetch(`${served.url}/api/account.invite`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
          body: JSON.stringify({ login: `a${i}` }),
        })
        const link = ((await invited.json()) as { value: AccountLink }).value
        await fetch(`${served.url}/auth/accept`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: served.url },
          body: JSON.stringify({ token: link.token, password: `a${i} bench password` }),
        })
      }
      await phase(served, claims, join(dataDir, 'projects/team-bench/project.sqlite'))
    } finally {
      await served.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  }
}
