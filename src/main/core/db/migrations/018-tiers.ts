import type { Migration } from './index'

/**
 * Tiers under the waveform (docs/tiers.md). `revision.word_times` holds the word times a writer
 * set (boundaries moved by hand, or read from an imported EAF/TextGrid): null when the writer
 * set none, so older revisions and their hashes stay as they were. `word_alignment` holds the
 * times forced alignment found for a revision's text after a save: derived data, one row per
 * revision, replaced when aligned again. `tier` is a project's own tiers (translation, gloss,
 * notes), time-aligned or one text per utterance; `tier_text` is their text, append-only with
 * who or what wrote each version (the newest per tier and utterance is current).
 */
export const m018Tiers: Migration = {
  version: 18,
  name: 'tiers',
  up(db) {
    db.exec(`
      ALTER TABLE revision ADD COLUMN word_times TEXT;

      CREATE TABLE word_alignment (
        revision_id INTEGER PRIMARY KEY REFERENCES revision (id),
        model_id    INTEGER NOT NULL REFERENCES model (id),
        word_times  TEXT NOT NULL,
        created_at  TEXT NOT NULL
      ) STRICT;

      CREATE TABLE tier (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) BETWEEN 1 AND 60),
        kind       TEXT NOT NULL CHECK (kind IN ('time', 'utterance')),
        position   INTEGER NOT NULL,
        created_by INTEGER REFERENCES annotator (id),
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE tier_text (
        id           INTEGER PRIMARY KEY,
        tier_id      INTEGER NOT NULL REFERENCES tier (id),
        utterance_id INTEGER NOT NULL REFERENCES utterance (id),
        intervals    TEXT NOT NULL,
        annotator_id INTEGER REFERENCES annotator (id),
        source_ref   TEXT NOT NULL DEFAULT '',
        created_at   TEXT NOT NULL,
        CHECK ((annotator_id IS NULL) = (source_ref <> ''))
      ) STRICT;
      CREATE INDEX tier_text_by_utterance ON tier_text (utterance_id, tier_id, id);

      CREATE TRIGGER tier_text_is_append_only_update BEFORE UPDATE ON tier_text
      BEGIN SELECT RAISE(ABORT, 'tier text is append-only: UPDATE refused'); END;
      CREATE TRIGGER tier_text_is_append_only_delete BEFORE DELETE ON tier_text
      BEGIN SELECT RAISE(ABORT, 'tier text is append-only: DELETE refused'); END;
    `)
  },
}
