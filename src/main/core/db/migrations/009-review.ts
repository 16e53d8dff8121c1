import type { Migration } from './index'

/**
 * Linguist review (docs/review.md): blind double annotation, adjudication with two parents,
 * and the indexes the reviewer's queue walks.
 *
 * - `revision.merge_parent_id`: an adjudicated revision's second parent (its first, `parent_id`,
 *   stays the previous revision of the utterance, so the chain is still one line). The hash
 *   covers the second parent's hash when it is set, so revisions written before keep theirs.
 * - `double_annotation`: one row per utterance sampled for two annotators. It is what the queue
 *   and the editor consult to serve the utterance to each annotator without the other's text
 *   (the revisions themselves are never hidden, changed or moved): `base_revision_id` is the
 *   newest revision when the first annotator started, the one both work from. The agreement
 *   between the two versions is stored when the second arrives (and again whenever either
 *   changes), so the reviewer's queue can pick low agreement by index.
 */
export const m009Review: Migration = {
  version: 9,
  name: 'review',
  up(db) {
    db.exec(`
      ALTER TABLE revision ADD COLUMN merge_parent_id INTEGER REFERENCES revision (id);

      CREATE TABLE double_annotation (
        utterance_id            INTEGER PRIMARY KEY REFERENCES utterance (id),
        base_revision_id        INTEGER REFERENCES revision (id),
        first_annotator_id      INTEGER NOT NULL REFERENCES annotator (id),
        second_annotator_id     INTEGER REFERENCES annotator (id),
        agreement_wer           REAL CHECK (agreement_wer IS NULL OR agreement_wer >= 0),
        agreement_cer           REAL CHECK (agreement_cer IS NULL OR agreement_cer >= 0),
        adjudicated_revision_id INTEGER REFERENCES revision (id),
        assigned_at             TEXT NOT NULL,
        CHECK (second_annotator_id IS NULL OR second_annotator_id <> first_annotator_id)
      ) STRICT;
      CREATE INDEX double_annotation_open ON double_annotation (agreement_wer)
        WHERE adjudicated_revision_id IS NULL;
      CREATE INDEX double_annotation_waiting ON double_annotation (first_annotator_id)
        WHERE second_annotator_id IS NULL;
      CREATE INDEX review_by_reviewer ON review (reviewer_id, created_at);
    `)
  },
}
