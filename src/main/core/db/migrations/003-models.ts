import type { Migration } from './index'

/** Registered model packages and the adapter checkpoints trained on top of them. */
export const m003Models: Migration = {
  version: 3,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE model (
        id            INTEGER PRIMARY KEY,
        sha256        TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        name          TEXT NOT NULL,
        path          TEXT NOT NULL,
        manifest      TEXT NOT NULL,
        registered_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE checkpoint (
        id               INTEGER PRIMARY KEY,
        model_id         INTEGER NOT NULL REFERENCES model (id),
        parent_id        INTEGER REFERENCES checkpoint (id),
        path             TEXT NOT NULL,
        sha256           TEXT NOT NULL CHECK (length(sha256) = 64),
        hyperparameters  TEXT NOT NULL DEFAULT '{}',
        metrics          TEXT NOT NULL DEFAULT '{}',
        consent_snapshot TEXT NOT NULL DEFAULT '{}',
        status           TEXT NOT NULL DEFAULT 'inactive' CHECK (status IN ('active', 'inactive', 'tainted')),
        tainted_reason   TEXT,
        created_at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX checkpoint_by_model ON checkpoint (model_id, created_at);
    `)
  },
}
