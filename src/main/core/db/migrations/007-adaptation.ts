import type { Migration } from './index'

/**
 * Closing the loop: training runs, the checkpoints they make and what they were made from,
 * speaker-disjoint splits that are assigned once, and the acquisition scores that order the
 * queue by how much a correction would teach the model.
 *
 * - `speaker_split`: a speaker's split is fixed the first time it is assigned, so a speaker who
 *   once was in dev or test never trains (utterance.split mirrors it for the queries).
 * - `train_run`: at most one running per project (a partial unique index, so even two processes
 *   cannot both train); a run left 'running' by a crash is marked failed when the project opens.
 * - `checkpoint.vocabulary`: the head's tokens (JSON), which may differ from the base model's.
 * - `lineage_pseudo`: the machine-made labels (hypotheses) a checkpoint trained on, beside
 *   `lineage` for the revisions.
 * - `acquisition`: per utterance, the uncertainty measures and the mean-pooled encoder state of
 *   its newest scoring; `utterance.priority` is the position the project's strategy gives it
 *   (smaller first) and `priority_reason` says why, for the queue.
 */
export const m007Adaptation: Migration = {
  version: 7,
  name: 'adaptation',
  up(db) {
    db.exec(`
      CREATE TABLE speaker_split (
        speaker_id  INTEGER PRIMARY KEY REFERENCES speaker (id),
        split       TEXT NOT NULL CHECK (split IN ('train', 'dev', 'test')),
        assigned_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE train_run (
        id                   INTEGER PRIMARY KEY,
        model_id             INTEGER NOT NULL REFERENCES model (id),
        parent_checkpoint_id INTEGER REFERENCES checkpoint (id),
        checkpoint_id        INTEGER REFERENCES checkpoint (id),
        trigger              TEXT NOT NULL CHECK (trigger IN ('manual', 'auto', 'simulation')),
        status               TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled', 'failed')),
        message              TEXT NOT NULL DEFAULT '',
        started_at           TEXT NOT NULL,
        finished_at          TEXT
      ) STRICT;
      CREATE UNIQUE INDEX train_run_one_running ON train_run (status) WHERE status = 'running';

      ALTER TABLE checkpoint ADD COLUMN vocabulary TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE checkpoint ADD COLUMN activated_at TEXT;

      CREATE TABLE lineage_pseudo (
        checkpoint_id INTEGER NOT NULL REFERENCES checkpoint (id),
        hypothesis_id INTEGER NOT NULL REFERENCES hypothesis (id),
        PRIMARY KEY (checkpoint_id, hypothesis_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX lineage_by_revision ON lineage (revision_id);

      CREATE TABLE acquisition (
        utterance_id     INTEGER PRIMARY KEY REFERENCES utterance (id),
        model_id         INTEGER NOT NULL REFERENCES model (id),
        checkpoint_id    INTEGER REFERENCES checkpoint (id),
        least_confidence REAL NOT NULL,
        entropy          REAL NOT NULL,
        margin           REAL,
        disagreement     REAL,
        embedding        BLOB,
        updated_at       TEXT NOT NULL
      ) STRICT;

      ALTER TABLE utterance ADD COLUMN priority REAL;
      ALTER TABLE utterance ADD COLUMN priority_reason TEXT;
      CREATE INDEX utterance_queue_priority ON utterance (coalesce(priority, 1e300), id);
    `)
  },
}
