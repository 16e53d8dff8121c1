import type { JobKind } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'
import type { JobLedger } from '../jobs'
import { isRunning, keyOf, parseKey, thisProcess } from './owner'

/** A process on another machine that has not beaten its heart for this long is gone. */
const REMOTE_STALE_MS = 2 * 60_000
const HEARTBEAT_MS = 30_000
/** Jobs a start after a crash runs again. */
const resumable = new Set<JobKind>(['label'])

interface LeaseRow {
  key: string
  pid: number
  heartbeat_at: string
}

function alive(row: LeaseRow, now: number): boolean {
  const identity = parseKey(row.key)
  if (!identity) return false
  const running = isRunning(identity)
  return running ?? now - Date.parse(row.heartbeat_at) < REMOTE_STALE_MS
}

/**
 * This process's lease on a project: who may mark which jobs (docs/ARCHITECTURE.md, "Owners,
 * jobs and staging"). Taking it removes the leases of processes that are gone, in the same
 * transaction that marks their running work interrupted, so two starts never both recover the
 * same job, and a live process's job is never touched.
 */
export class ProcessLease {
  readonly key = keyOf(thisProcess())
  private readonly timer: ReturnType<typeof setInterval>

  private constructor(private readonly db: WriteDb) {
    this.timer = setInterval(() => this.beat(), HEARTBEAT_MS)
    this.timer.unref()
  }

  static take(db: WriteDb, command: string): ProcessLease {
    const lease = new ProcessLease(db)
    const now = new Date().toISOString()
    db.transaction(() => {
      recoverGoneOwners(db)
      db.prepare(
        `INSERT INTO process_lease (key, pid, host, command, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
      ).run(lease.key, process.pid, thisProcess().host, command, now, now)
    }).immediate()
    return lease
  }

  private beat(): void {
    if (!this.db.open) return
    try {
      this.db
        .prepare('UPDATE process_lease SET heartbeat_at = ? WHERE key = ?')
        .run(new Date().toISOString(), this.key)
    } catch {
      // A busy database skips one beat; the next comes in 30 s, far within the 2 minutes.
    }
  }

  /**
   * Records this process's jobs that a later start can resume (labelling) in `job_run`, with it
   * as their owner. Other jobs need no record: what a killed import or export leaves is in
   * staging, and a training has its own `train_run`.
   */
  ledger(): JobLedger {
    const begin = this.db.prepare(
      `INSERT INTO job_run (kind, owner, pid, label, input, status, started_at)
       VALUES (?, ?, ?, ?, ?, 'running', ?)`,
    )
    const end = this.db.prepare(
      'UPDATE job_run SET status = ?, message = ?, finished_at = ? WHERE id = ? AND owner = ?',
    )
    return {
      begin: (kind: JobKind, label: string, input: unknown) => {
        if (!resumable.has(kind)) return null
        const now = new Date().toISOString()
        const row = begin.run(kind, this.key, process.pid, label, JSON.stringify(input), now)
        return Number(row.lastInsertRowid)
      },
      end: (runId, status, message) => {
        if (this.db.open) end.run(status, message, new Date().toISOString(), runId, this.key)
      },
    }
  }

  /** Gives the lease up (the process closes the project); its jobs have finished by then. */
  release(): void {
    clearInterval(this.timer)
    if (this.db.open) this.db.prepare('DELETE FROM process_lease WHERE key = ?').run(this.key)
  }
}

/** The keys of processes holding a live lease on the project now. */
export function liveOwners(db: WriteDb): Set<string> {
  const now = Date.now()
  const rows = db.prepare('SELECT key, pid, heartbeat_at FROM process_lease').all() as LeaseRow[]
  return new Set(rows.filter((r) => alive(r, now)).map((r) => r.key))
}

/** The pid of a live owner, from its key. */
export const pidOf = (key: string): number | null => parseKey(key)?.pid ?? null

/**
 * Marks the work of processes that are gone: their running jobs become "interrupted" and their
 * running training "failed"; their leases are removed. Returns how many jobs and trainings it
 * marked. Call inside a transaction.
 */
export function recoverGoneOwners(db: WriteDb): { jobs: number; trainings: number } {
  const live = liveOwners(db)
  const now = new Date().toISOString()
  const gone = (db.prepare('SELECT key FROM process_lease').all() as { key: string }[])
    .map((r) => r.key)
    .filter((k) => !live.has(k))
  const forget = db.prepare('DELETE FROM process_lease WHERE key = ?')
  for (const key of gone) forget.run(key)
  const isLive = (owner: string | null): boolean => owner !== null && live.has(owner)
  let jobs = 0
  const running = db.prepare("SELECT id, owner FROM job_run WHERE status = 'running'").all() as {
    id: number
    owner: string
  }[]
  const interrupt = db.prepare(
    "UPDATE job_run SET status = 'interrupted', finished_at = ?, message = ? WHERE id = ?",
  )
  for (const job of running.filter((j) => !isLive(j.owner))) {
    interrupt.run(
      now,
      `interrupted: process ${pidOf(job.owner) ?? '?'} stopped while it ran`,
      job.id,
    )
    jobs++
  }
  let trainings = 0
  const trains = db.prepare("SELECT id, owner FROM train_run WHERE status = 'running'").all() as {
    id: number
    owner: string | null
  }[]
  const fail = db.prepare(
    "UPDATE train_run SET status = 'failed', message = ?, finished_at = ? WHERE id = ?",
  )
  for (const run of trains.filter((r) => !isLive(r.owner))) {
    const who = run.owner ? ` (process ${pidOf(run.owner)})` : ''
    fail.run(`interrupted: Sauti${who} stopped while it was training`, now, run.id)
    trainings++
  }
  return { jobs, trainings }
}

/** A job a process that is gone left unfinished, with what it takes to run it again. */
export interface InterruptedJob {
  runId: number
  kind: JobKind
  label: string
  input: unknown
  finishedAt: string
}

/** Interrupted jobs of a kind not yet resumed, newest first. */
export function interruptedJobs(db: WriteDb, kind: JobKind): InterruptedJob[] {
  return (
    db
      .prepare(
        "SELECT id, kind, label, input, finished_at FROM job_run WHERE kind = ? AND status = 'interrupted' AND resumed_by IS NULL ORDER BY id DESC",
      )
      .all(kind) as {
      id: number
      kind: JobKind
      label: string
      input: string
      finished_at: string
    }[]
  ).map((r) => ({
    runId: r.id,
    kind: r.kind,
    label: r.label,
    input: JSON.parse(r.input) as unknown,
    finishedAt: r.finished_at,
  }))
}

/**
 * Marks interrupted jobs as resumed by this process's newest job of their kind (which was just
 * started to resume them), so the next start does not resume them again.
 */
export function markResumed(db: WriteDb, runIds: number[], kind: JobKind): void {
  const by = db
    .prepare('SELECT max(id) AS id FROM job_run WHERE kind = ? AND pid = ?')
    .get(kind, process.pid) as { id: number | null }
  const mark = db.prepare('UPDATE job_run SET resumed_by = ? WHERE id = ?')
  for (const id of runIds) mark.run(by.id, id)
}
