import type { Migration } from './index'

/**
 * Consent you can prove and audio you can take back (docs/consent.md).
 *
 * - `consent_evidence`: the scanned form or oral-consent recording behind consent records, stored
 *   once by content (`evidence/<sha256>` in the project) with the name it came with.
 * - `consent.withdrawn_by`: who recorded a withdrawal, beside `recorded_by` for the grant.
 * - `recording.purged_at`: the recording's audio (original, caches) was deleted at the speaker's
 *   request; the row stays so revisions and the audit trail still resolve.
 * - `purge`: the audit record of one purge (who, when, why, the sha256 of every deleted file),
 *   with no audio in it.
 * - `export_run`: what each export contained and under which consent, for the audit log.
 */
export const m008ConsentAudit: Migration = {
  version: 8,
  name: 'consent-audit',
  up(db) {
    db.exec(`
      CREATE TABLE consent_evidence (
        sha256        TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        original_name TEXT NOT NULL,
        byte_size     INTEGER NOT NULL CHECK (byte_size >= 0),
        stored_at     TEXT NOT NULL
      ) STRICT;

      ALTER TABLE consent ADD COLUMN withdrawn_by INTEGER REFERENCES annotator (id);
      ALTER TABLE recording ADD COLUMN purged_at TEXT;

      CREATE TABLE purge (
        id          INTEGER PRIMARY KEY,
        speaker_id  INTEGER NOT NULL REFERENCES speaker (id),
        purged_by   INTEGER NOT NULL REFERENCES annotator (id),
        reason      TEXT NOT NULL DEFAULT '',
        recordings  TEXT NOT NULL DEFAULT '[]',
        files       TEXT NOT NULL DEFAULT '[]',
        purged_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX purge_by_speaker ON purge (speaker_id);

      CREATE TABLE export_run (
        id               INTEGER PRIMARY KEY,
        scope            TEXT NOT NULL CHECK (scope IN
                           ('annotation', 'model_training', 'research_release', 'public_release', 'commercial')),
        exported_by      INTEGER NOT NULL REFERENCES annotator (id),
        directory        TEXT NOT NULL,
        settings         TEXT NOT NULL DEFAULT '{}',
        speakers         INTEGER NOT NULL,
        utterances       INTEGER NOT NULL,
        manifest_sha256  TEXT NOT NULL CHECK (length(manifest_sha256) = 64),
        consent_snapshot TEXT NOT NULL,
        created_at       TEXT NOT NULL
      ) STRICT;
    `)
  },
}
