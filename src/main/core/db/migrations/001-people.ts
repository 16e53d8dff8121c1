import type { Migration } from './index'

/** Project metadata, annotator profiles, speakers and their consent records. */
export const m001People: Migration = {
  version: 1,
  name: 'people',
  up(db) {
    db.exec(`
      CREATE TABLE project_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE annotator (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'lead')),
        languages  TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE speaker (
        id              INTEGER PRIMARY KEY,
        code            TEXT NOT NULL UNIQUE,
        age_band        TEXT,
        gender          TEXT CHECK (gender IN ('female', 'male', 'nonbinary', 'unspecified')),
        dialect         TEXT,
        first_language  TEXT,
        other_languages TEXT NOT NULL DEFAULT '[]',
        notes           TEXT NOT NULL DEFAULT '',
        merged_into     INTEGER REFERENCES speaker (id),
        created_at      TEXT NOT NULL
      ) STRICT;

      CREATE TABLE consent (
        id              INTEGER PRIMARY KEY,
        speaker_id      INTEGER NOT NULL REFERENCES speaker (id),
        scope           TEXT NOT NULL CHECK (scope IN
                          ('annotation', 'model_training', 'research_release', 'public_release', 'commercial')),
        granted_at      TEXT NOT NULL,
        expires_at      TEXT,
        withdrawn_at    TEXT,
        evidence_sha256 TEXT CHECK (evidence_sha256 IS NULL OR length(evidence_sha256) = 64),
        evidence_note   TEXT NOT NULL DEFAULT '',
        recorded_by     INTEGER REFERENCES annotator (id),
        created_at      TEXT NOT NULL,
        CHECK (expires_at IS NULL OR expires_at > granted_at)
      ) STRICT;
      CREATE INDEX consent_by_speaker ON consent (speaker_id, scope);
    `)
  },
}
