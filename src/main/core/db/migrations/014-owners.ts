import type { Migration } from './index'

/**
 * Who runs what (docs/ARCHITECTURE.md, "Owners, jobs and staging"). Every process that opens a
 * project for writing holds a `process_lease` (its key: host, pid and the process's start time,
 * so a reused pid is not mistaken for it; and a heartbeat for processes on other machines).
 * Long work is recorded in `job_run` with its owner and the input needed to run it again, and a
 * training's `train_run` names its owner: only a start that finds the owner gone marks its work
 * interrupted, and an interrupted labelling can be resumed.
 */
export const m014Owners: Migration = {
  version: 14,
  name: 'owners',
  up(db) {
    db.exec(`
      CREATE TABLE process_lease (
        key          TEXT PRIMARY KEY,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        command      TEXT NOT NULL DEFAULT '',
        started_at   TEXT NOT NULL,
        heartbeat_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE job_run (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('import', 'label', 'train', 'export', 'annotation-import')),
        owner       TEXT NOT NULL,
        pid         INTEGER NOT NULL,
        label       TEXT NOT NULL DEFAULT '',
        input       TEXT NOT NULL DEFAULT '{}',
        status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed', 'interrupted')),
        message     TEXT NOT NULL DEFAULT '',
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        resumed_by  INTEGER REFERENCES job_run (id)
      ) STRICT;
      CREATE INDEX job_run_running ON job_run (status) WHERE status IN ('running', 'interrupted');

      ALTER TABLE train_run ADD COLUMN owner TEXT;
    `)
  },
}
