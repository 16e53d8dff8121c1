import type { Migration } from './index'

/**
 * Calibrated word confidence (docs/metrics.md): each hypothesis keeps its words' raw scores
 * (`word_features`), so a calibration fitted later on the dev split can be applied to what is
 * already stored; `calibration` holds every fit per model and checkpoint (the newest one counts,
 * and a "raw" row says why the raw scores were kept), and `hypothesis.calibration_id` names the
 * fit its confidences come from (null: raw). A trigger keeps the queue's copy of the best
 * hypothesis' confidence on `utterance` when a calibration rewrites it.
 */
export const m012Calibration: Migration = {
  version: 12,
  name: 'calibration',
  up(db) {
    db.exec(`
      CREATE TABLE calibration (
        id             INTEGER PRIMARY KEY,
        model_id       INTEGER NOT NULL REFERENCES model (id),
        checkpoint_id  INTEGER REFERENCES checkpoint (id),
        status         TEXT NOT NULL CHECK (status IN ('fitted', 'raw')),
        method         TEXT,
        parameters     TEXT,
        dev_words      INTEGER NOT NULL,
        dev_utterances INTEGER NOT NULL,
        metrics        TEXT NOT NULL DEFAULT '{}',
        message        TEXT NOT NULL,
        fitted_at      TEXT NOT NULL,
        CHECK ((status = 'fitted') = (parameters IS NOT NULL))
      ) STRICT;
      CREATE INDEX calibration_by_head ON calibration (model_id, checkpoint_id, id);

      ALTER TABLE hypothesis ADD COLUMN word_features TEXT;
      ALTER TABLE hypothesis ADD COLUMN calibration_id INTEGER REFERENCES calibration (id);
      CREATE INDEX hypothesis_by_head ON hypothesis (model_id, checkpoint_id);

      CREATE TRIGGER hypothesis_confidence_moves AFTER UPDATE OF confidence ON hypothesis
      BEGIN
        UPDATE utterance SET confidence = NEW.confidence WHERE hypothesis_id = NEW.id;
      END;
    `)
  },
}
