/**
 * A training run's row in `train_run`: started (one at a time per project), finished, found
 * running by a live process, or recovered after its process died.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { liveOwners, pidOf, recoverGoneOwners } from '../project/lease'
import { keyOf, thisProcess } from '../project/owner'
import type { ProjectPaths } from '../project/paths'

/**
 * Marks runs whose process is gone as failed, so a new training can start, and removes the
 * files they left: half-written ones (older versions wrote `*.tmp` here; now they are in the
 * staging folder) and finished ones no checkpoint row names (a process killed after writing
 * a committee head, before recording the checkpoint). A running training of a live process, in
 * this one or another, is left alone. Returns how many runs it marked.
 */
export function recoverInterruptedRuns(db: WriteDb, paths?: ProjectPaths): number {
  const { trainings } = db.transaction(() => recoverGoneOwners(db)).immediate()
  const dir = paths ? join(paths.root, 'checkpoints') : null
  if (!dir || !existsSync(dir)) return trainings
  const running = new Set(
    (db.prepare("SELECT id FROM train_run WHERE status = 'running'").all() as { id: number }[]).map(
      (r) => r.id,
    ),
  )
  const recorded = new Set(
    (db.prepare('SELECT path FROM checkpoint').all() as { path: string }[]).map((r) => r.path),
  )
  for (const name of readdirSync(dir)) {
    const run = /^run-(\d+)\.sauti-adapter/.exec(name)
    const main = run ? join(dir, `run-${run[1]}.sauti-adapter`) : null
    const orphan =
      name.endsWith('.tmp') || (run && !running.has(Number(run[1])) && !recorded.has(main!))
    if (orphan) rmSync(join(dir, name), { force: true })
  }
  return trainings
}

/** The training running in the project, by a live process: its pid and start. */
export function runningTraining(db: WriteDb): { pid: number | null; startedAt: string } | null {
  const run = db
    .prepare("SELECT owner, started_at FROM train_run WHERE status = 'running'")
    .get() as { owner: string | null; started_at: string } | undefined
  if (!run) return null
  if (run.owner === null || !liveOwners(db).has(run.owner)) {
    // Its process is gone: recorded as interrupted now, and no longer in the way.
    db.transaction(() => recoverGoneOwners(db)).immediate()
    return null
  }
  return { pid: pidOf(run.owner), startedAt: run.started_at }
}

export function startRun(
  db: WriteDb,
  modelId: number,
  parentId: number | null,
  trigger: string,
): number {
  try {
    return Number(
      db
        .prepare(
          "INSERT INTO train_run (model_id, parent_checkpoint_id, trigger, status, started_at, owner) VALUES (?, ?, ?, 'running', ?, ?)",
        )
        .run(modelId, parentId, trigger, new Date().toISOString(), keyOf(thisProcess()))
        .lastInsertRowid,
    )
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
      const running = runningTraining(db)
      throw SautiError.saying('conflict', 'trainingRunningIn', { pid: running?.pid ?? '?' })
    }
    throw error
  }
}

export function finishRun(
  db: WriteDb,
  runId: number,
  status: 'done' | 'cancelled' | 'failed',
  message: string,
  checkpointId: number | null = null,
): void {
  db.prepare(
    'UPDATE train_run SET status = ?, message = ?, checkpoint_id = ?, finished_at = ? WHERE id = ?',
  ).run(status, message, checkpointId, new Date().toISOString(), runId)
}
