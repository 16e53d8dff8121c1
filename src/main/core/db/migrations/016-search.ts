import type { Migration } from './index'

/**
 * Full-text search over transcripts (docs/search.md). `search_text` holds each utterance's
 * current transcript (its newest revision, drafts included) and feeds two FTS5 indexes over the
 * same rows: `search_exact` keeps diacritics, `search_folded` folds them (café = cafe). Both
 * count combining marks as part of a word (`M*`), or Devanagari and other Indic words would be
 * cut at every vowel sign; prefixes of two and three letters are indexed too, for the word
 * being typed. Triggers keep all three in step in the writer's own transaction: a new revision
 * replaces the text, and a purge (`recording.purged_at`) removes its utterances' text, so a
 * purged speaker's words cannot be found. The index is derived data: it names its revision
 * without a foreign key, so it never stands in the way of what the audit must see (a revision
 * deleted by hand is found missing by `sauti audit verify`, not refused). `saved_search` keeps
 * each profile's named filters (on a team server, each account's).
 */
export const m016Search: Migration = {
  version: 16,
  name: 'search',
  up(db) {
    db.exec(`
      CREATE TABLE search_text (
        utterance_id INTEGER PRIMARY KEY REFERENCES utterance (id),
        revision_id  INTEGER NOT NULL,
        text         TEXT NOT NULL
      ) STRICT;

      CREATE VIRTUAL TABLE search_exact USING fts5 (
        text, content = 'search_text', content_rowid = 'utterance_id', prefix = '2 3',
        tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
      );
      CREATE VIRTUAL TABLE search_folded USING fts5 (
        text, content = 'search_text', content_rowid = 'utterance_id', prefix = '2 3',
        tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
      );

      CREATE TRIGGER search_text_added AFTER INSERT ON search_text
      BEGIN
        INSERT INTO search_exact (rowid, text) VALUES (NEW.utterance_id, NEW.text);
        INSERT INTO search_folded (rowid, text) VALUES (NEW.utterance_id, NEW.text);
      END;
      CREATE TRIGGER search_text_removed AFTER DELETE ON search_text
      BEGIN
        INSERT INTO search_exact (search_exact, rowid, text) VALUES ('delete', OLD.utterance_id, OLD.text);
        INSERT INTO search_folded (search_folded, rowid, text) VALUES ('delete', OLD.utterance_id, OLD.text);
      END;
      CREATE TRIGGER search_text_changed AFTER UPDATE ON search_text
      BEGIN
        INSERT INTO search_exact (search_exact, rowid, text) VALUES ('delete', OLD.utterance_id, OLD.text);
        INSERT INTO search_folded (search_folded, rowid, text) VALUES ('delete', OLD.utterance_id, OLD.text);
        INSERT INTO search_exact (rowid, text) VALUES (NEW.utterance_id, NEW.text);
        INSERT INTO search_folded (rowid, text) VALUES (NEW.utterance_id, NEW.text);
      END;

      CREATE TRIGGER revision_is_searchable AFTER INSERT ON revision
      WHEN NOT EXISTS (SELECT 1 FROM utterance u JOIN recording r ON r.id = u.recording_id
                       WHERE u.id = NEW.utterance_id AND r.purged_at IS NOT NULL)
      BEGIN
        INSERT INTO search_text (utterance_id, revision_id, text)
        VALUES (NEW.utterance_id, NEW.id, NEW.text)
        ON CONFLICT (utterance_id) DO UPDATE SET revision_id = excluded.revision_id, text = excluded.text;
      END;
      CREATE TRIGGER purge_leaves_search AFTER UPDATE OF purged_at ON recording
      WHEN NEW.purged_at IS NOT NULL
      BEGIN
        DELETE FROM search_text WHERE utterance_id IN (SELECT id FROM utterance WHERE recording_id = NEW.id);
      END;

      INSERT INTO search_text (utterance_id, revision_id, text)
      SELECT v.utterance_id, v.id, v.text
      FROM (SELECT max(id) AS id FROM revision GROUP BY utterance_id) newest
      JOIN revision v ON v.id = newest.id
      JOIN utterance u ON u.id = v.utterance_id JOIN recording r ON r.id = u.recording_id
      WHERE r.purged_at IS NULL;

      CREATE TABLE saved_search (
        id         INTEGER PRIMARY KEY,
        owner_id   INTEGER NOT NULL REFERENCES annotator (id),
        name       TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
        filter     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (owner_id, name)
      ) STRICT;
    `)
  },
}
