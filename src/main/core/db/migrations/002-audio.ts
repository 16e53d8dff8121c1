import type { Migration } from './index'

/** Recordings (content-addressed originals) and the utterances cut from them. */
export const m002Audio: Migration = {
  version: 2,
  name: 'audio',
  up(db) {
    db.exec(`
      CREATE TABLE recording (
        id            INTEGER PRIMARY KEY,
        sha256        TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),
        original_name TEXT NOT NULL,
        source_path   TEXT NOT NULL,
        format        TEXT NOT NULL CHECK (format IN ('wav', 'flac', 'mp3', 'ogg', 'opus')),
        byte_size     INTEGER NOT NULL CHECK (byte_size > 0),
        duration_sec  REAL NOT NULL CHECK (duration_sec > 0),
        sample_rate   INTEGER NOT NULL CHECK (sample_rate > 0),
        channels      INTEGER NOT NULL CHECK (channels > 0),
        bit_depth     INTEGER,
        languages     TEXT NOT NULL DEFAULT '[]',
        recorded_at   TEXT,
        licence       TEXT,
        imported_at   TEXT NOT NULL
      ) STRICT;

      CREATE TABLE utterance (
        id           INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recording (id),
        start_sec    REAL NOT NULL CHECK (start_sec >= 0),
        end_sec      REAL NOT NULL,
        speaker_id   INTEGER REFERENCES speaker (id),
        language     TEXT,
        status       TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new', 'pseudo', 'corrected', 'reviewed', 'flagged', 'skipped')),
        split        TEXT CHECK (split IN ('train', 'dev', 'test')),
        created_at   TEXT NOT NULL,
        CHECK (end_sec > start_sec)
      ) STRICT;
      CREATE INDEX utterance_by_recording ON utterance (recording_id, start_sec);
      CREATE INDEX utterance_by_speaker ON utterance (speaker_id);
    `)
  },
}
