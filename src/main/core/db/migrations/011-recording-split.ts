import type { Migration } from './index'

/**
 * Splits by recording (docs/active-learning.md, "Splits"): in a language with one or two
 * speakers, dev and test hold out stretches of recordings (`block` = which stretch of
 * `blockMinutes`) instead of speakers. Like speaker_split, an assignment is made once and kept;
 * utterance.split mirrors both. The language is the stratum the unit was balanced in.
 */
export const m011RecordingSplit: Migration = {
  version: 11,
  name: 'recording-split',
  up(db) {
    db.exec(`
      CREATE TABLE recording_split (
        recording_id INTEGER NOT NULL REFERENCES recording (id),
        block        INTEGER NOT NULL CHECK (block >= 0),
        language     TEXT NOT NULL,
        split        TEXT NOT NULL CHECK (split IN ('train', 'dev', 'test')),
        assigned_at  TEXT NOT NULL,
        PRIMARY KEY (recording_id, block)
      ) STRICT;
      CREATE INDEX utterance_by_split ON utterance (split) WHERE split IS NOT NULL;
    `)
  },
}
