import type { Migration } from './index'

/**
 * A record of every labelling run: which model, on which execution provider (and why not the
 * others), with which settings, how much audio, and what it cost.
 */
export const m005Runs: Migration = {
  version: 5,
  name: 'runs',
  up(db) {
    db.exec(`
      CREATE TABLE label_run (
        id                  INTEGER PRIMARY KEY,
        model_id            INTEGER NOT NULL REFERENCES model (id),
        checkpoint_id       INTEGER REFERENCES checkpoint (id),
        provider            TEXT,
        provider_attempts   TEXT NOT NULL DEFAULT '[]',
        settings            TEXT NOT NULL DEFAULT '{}',
        status              TEXT NOT NULL CHECK (status IN ('done', 'cancelled', 'failed')),
        utterances          INTEGER NOT NULL DEFAULT 0,
        failed_utterances   INTEGER NOT NULL DEFAULT 0,
        segmented_utterances INTEGER NOT NULL DEFAULT 0,
        audio_sec           REAL NOT NULL DEFAULT 0,
        inference_ms        REAL NOT NULL DEFAULT 0,
        total_ms            REAL NOT NULL DEFAULT 0,
        started_at          TEXT NOT NULL,
        finished_at         TEXT NOT NULL
      ) STRICT;
      CREATE INDEX label_run_by_time ON label_run (finished_at);
    `)
  },
}
