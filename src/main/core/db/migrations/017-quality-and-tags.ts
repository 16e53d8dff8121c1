import type { Migration } from './index'

/**
 * Two marks of quality (docs/review.md, docs/ui.md):
 *
 * - `utterance.noisy_marked_by` / `noisy_marked_at`: an annotator heard noise but the clip is
 *   still usable, so it can be transcribed and marked noisy at once (a flag takes it out of the
 *   work instead). Who marked it and when, or both NULL; the partial index serves the "noisy"
 *   filter of the data view.
 * - `double_annotation.agreement_tags`: beside WER and CER, the share of the words both blind
 *   versions wrote that they tagged with different languages. Rows written before have none
 *   (NULL) until either version changes. The reviewer's queue now looks for open pairs by the
 *   larger of the two figures, so that index replaces the one on WER alone.
 */
export const m017QualityAndTags: Migration = {
  version: 17,
  name: 'quality-and-tags',
  up(db) {
    db.exec(`
      ALTER TABLE utterance ADD COLUMN noisy_marked_by INTEGER REFERENCES annotator (id);
      ALTER TABLE utterance ADD COLUMN noisy_marked_at TEXT
        CHECK ((noisy_marked_at IS NULL) = (noisy_marked_by IS NULL));
      CREATE INDEX utterance_noisy ON utterance (id) WHERE noisy_marked_at IS NOT NULL;

      ALTER TABLE double_annotation ADD COLUMN agreement_tags REAL
        CHECK (agreement_tags IS NULL OR agreement_tags BETWEEN 0 AND 1);
      DROP INDEX double_annotation_open;
      CREATE INDEX double_annotation_apart
        ON double_annotation (max(agreement_wer, coalesce(agreement_tags, 0)))
        WHERE adjudicated_revision_id IS NULL;
    `)
  },
}
