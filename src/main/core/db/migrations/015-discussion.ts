import type { Migration } from './index'

/**
 * Guidelines and comments (docs/review.md, "Guidelines and comments").
 *
 * - `guideline_version`: the project's guidelines document, one row per save (who, when), never
 *   changed or deleted: the newest row is the current text.
 * - `utterance_comment`: the thread of each utterance. A reviewer's rejection is stored as a
 *   comment too, naming its review, so the annotator reads it where the discussion goes on.
 * - `utterance.returned_review_id` / `returned_to`: the rejection that sent the utterance back and
 *   the annotator whose revision it rejected, who gets it first in their queue. A trigger clears
 *   both as soon as anyone decides the utterance again (any status but new or pseudo), so every
 *   writer (editor, reviewer, adjudication, imports) ends the return the same way.
 */
export const m015Discussion: Migration = {
  version: 15,
  name: 'discussion',
  up(db) {
    db.exec(`
      CREATE TABLE guideline_version (
        id         INTEGER PRIMARY KEY,
        text       TEXT NOT NULL,
        author_id  INTEGER NOT NULL REFERENCES annotator (id),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER guideline_version_no_update BEFORE UPDATE ON guideline_version
      BEGIN SELECT RAISE(ABORT, 'guideline versions are append-only'); END;
      CREATE TRIGGER guideline_version_no_delete BEFORE DELETE ON guideline_version
      BEGIN SELECT RAISE(ABORT, 'guideline versions are append-only'); END;

      CREATE TABLE utterance_comment (
        id           INTEGER PRIMARY KEY,
        utterance_id INTEGER NOT NULL REFERENCES utterance (id),
        author_id    INTEGER NOT NULL REFERENCES annotator (id),
        text         TEXT NOT NULL CHECK (length(text) > 0),
        review_id    INTEGER UNIQUE REFERENCES review (id),
        created_at   TEXT NOT NULL
      ) STRICT;
      CREATE INDEX utterance_comment_thread ON utterance_comment (utterance_id, id);

      ALTER TABLE utterance ADD COLUMN returned_review_id INTEGER REFERENCES review (id);
      ALTER TABLE utterance ADD COLUMN returned_to INTEGER REFERENCES annotator (id);
      CREATE INDEX utterance_returned ON utterance (returned_to, returned_review_id)
        WHERE returned_to IS NOT NULL;
      CREATE TRIGGER utterance_return_ends AFTER UPDATE OF status ON utterance
      WHEN NEW.returned_review_id IS NOT NULL AND NEW.status NOT IN ('new', 'pseudo')
      BEGIN
        UPDATE utterance SET returned_review_id = NULL, returned_to = NULL WHERE id = NEW.id;
      END;
    `)
  },
}
