import type { Migration } from './index'

/**
 * Append-only transcript history (hash-chained per utterance), reviews, model hypotheses and
 * checkpoint lineage. Triggers make the append-only rule hold even for SQL typed by hand.
 */
export const m004Provenance: Migration = {
  version: 4,
  name: 'provenance',
  up(db) {
    db.exec(`
      CREATE TABLE revision (
        id            INTEGER PRIMARY KEY,
        utterance_id  INTEGER NOT NULL REFERENCES utterance (id),
        parent_id     INTEGER REFERENCES revision (id),
        text          TEXT NOT NULL,
        spans         TEXT NOT NULL DEFAULT '[]',
        source_kind   TEXT NOT NULL CHECK (source_kind IN ('import', 'annotator', 'model')),
        annotator_id  INTEGER REFERENCES annotator (id),
        checkpoint_id INTEGER REFERENCES checkpoint (id),
        model_id      INTEGER REFERENCES model (id),
        source_ref    TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        hash          TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
        CHECK ((source_kind = 'annotator') = (annotator_id IS NOT NULL)),
        CHECK ((source_kind = 'model') = (model_id IS NOT NULL))
      ) STRICT;
      CREATE INDEX revision_by_utterance ON revision (utterance_id, id);

      CREATE TRIGGER revision_is_append_only_update BEFORE UPDATE ON revision
      BEGIN SELECT RAISE(ABORT, 'revisions are append-only: UPDATE refused'); END;
      CREATE TRIGGER revision_is_append_only_delete BEFORE DELETE ON revision
      BEGIN SELECT RAISE(ABORT, 'revisions are append-only: DELETE refused'); END;

      CREATE TABLE review (
        id          INTEGER PRIMARY KEY,
        revision_id INTEGER NOT NULL REFERENCES revision (id),
        reviewer_id INTEGER NOT NULL REFERENCES annotator (id),
        verdict     TEXT NOT NULL CHECK (verdict IN ('approve', 'reject')),
        comment     TEXT NOT NULL DEFAULT '',
        created_at  TEXT NOT NULL
      ) STRICT;
      CREATE INDEX review_by_revision ON review (revision_id);

      CREATE TABLE hypothesis (
        id               INTEGER PRIMARY KEY,
        utterance_id     INTEGER NOT NULL REFERENCES utterance (id),
        model_id         INTEGER NOT NULL REFERENCES model (id),
        checkpoint_id    INTEGER REFERENCES checkpoint (id),
        rank             INTEGER NOT NULL CHECK (rank >= 1),
        text             TEXT NOT NULL,
        score            REAL NOT NULL,
        confidence       REAL CHECK (confidence BETWEEN 0 AND 1),
        word_confidences TEXT NOT NULL DEFAULT '[]',
        word_times       TEXT NOT NULL DEFAULT '[]',
        created_at       TEXT NOT NULL,
        UNIQUE (utterance_id, model_id, checkpoint_id, rank)
      ) STRICT;
      CREATE INDEX hypothesis_by_confidence ON hypothesis (rank, confidence);

      CREATE TABLE lineage (
        checkpoint_id INTEGER NOT NULL REFERENCES checkpoint (id),
        revision_id   INTEGER NOT NULL REFERENCES revision (id),
        PRIMARY KEY (checkpoint_id, revision_id)
      ) STRICT, WITHOUT ROWID;
    `)
  },
}
