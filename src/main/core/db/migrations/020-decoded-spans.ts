import type { Migration } from './index'

/**
 * What a model decoded is tied to the audio it read (docs/ARCHITECTURE.md, "What a model read").
 * `hypothesis`, `acquisition` and `word_alignment` record the utterance span (start_sec,
 * end_sec) they were computed from; they describe the utterance only while its span is still
 * that one. `hypothesis` is rebuilt because its uniqueness must include the span: a head decodes
 * an utterance again after its edges move, and the old N-best stays as history. The trigger that
 * makes a new best hypothesis the one shown now does so only when its span is the utterance's.
 *
 * A new hypothesis must name its span (a trigger refuses one without).
 *
 * Rows written before this version get the utterance's span as it is now, except where it
 * visibly changed since: an utterance whose hypotheses an edge move, split or merge set aside
 * (`hypothesis_id` null although it has some), or word times that lie outside today's span.
 * Those get no span, so they count as decoded from other audio and are decoded again.
 */
const outside = (times: string): string =>
  `EXISTS (SELECT 1 FROM json_each(${times}) w
           WHERE w.value ->> 'start' < u.start_sec - 0.0005 OR w.value ->> 'end' > u.end_sec + 0.0005)`

const setAside =
  'u.hypothesis_id IS NULL AND EXISTS (SELECT 1 FROM hypothesis_before_20 o WHERE o.utterance_id = u.id)'

export const m020DecodedSpans: Migration = {
  version: 20,
  name: 'decoded-spans',
  rebuildsTables: true,
  up(db) {
    // Renamed aside without rewriting the references to it (utterance, revision,
    // lineage_pseudo), which then name the new table; foreign keys are off meanwhile (migrate.ts).
    db.pragma('legacy_alter_table = ON')
    try {
      db.exec('ALTER TABLE hypothesis RENAME TO hypothesis_before_20')
    } finally {
      db.pragma('legacy_alter_table = OFF')
    }
    db.exec(`
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
        word_features    TEXT,
        calibration_id   INTEGER REFERENCES calibration (id),
        start_sec        REAL,
        end_sec          REAL,
        created_at       TEXT NOT NULL,
        CHECK ((start_sec IS NULL) = (end_sec IS NULL)),
        UNIQUE (utterance_id, model_id, checkpoint_id, start_sec, end_sec, rank)
      ) STRICT;

      INSERT INTO hypothesis (id, utterance_id, model_id, checkpoint_id, rank, text, score, confidence,
                              word_confidences, word_times, word_features, calibration_id,
                              start_sec, end_sec, created_at)
      SELECT id, utterance_id, model_id, checkpoint_id, rank, text, score, confidence,
             word_confidences, word_times, word_features, calibration_id,
             CASE WHEN stale THEN NULL ELSE span_start END, CASE WHEN stale THEN NULL ELSE span_end END,
             created_at
      FROM (SELECT h.*, u.start_sec AS span_start, u.end_sec AS span_end,
                   (${setAside}) OR ${outside('h.word_times')} AS stale
            FROM hypothesis_before_20 h JOIN utterance u ON u.id = h.utterance_id);

      UPDATE utterance SET hypothesis_id = NULL, confidence = NULL
      WHERE hypothesis_id IN (SELECT id FROM hypothesis WHERE start_sec IS NULL);

      ALTER TABLE acquisition ADD COLUMN start_sec REAL;
      ALTER TABLE acquisition ADD COLUMN end_sec REAL;
      UPDATE acquisition SET start_sec = u.start_sec, end_sec = u.end_sec
      FROM utterance u WHERE u.id = acquisition.utterance_id AND u.hypothesis_id IS NOT NULL;

      ALTER TABLE word_alignment ADD COLUMN start_sec REAL;
      ALTER TABLE word_alignment ADD COLUMN end_sec REAL;
      UPDATE word_alignment SET start_sec = u.start_sec, end_sec = u.end_sec
      FROM revision v JOIN utterance u ON u.id = v.utterance_id
      WHERE v.id = word_alignment.revision_id
        AND NOT (${setAside}) AND NOT ${outside('word_alignment.word_times')};

      DROP TABLE hypothesis_before_20;
      CREATE INDEX hypothesis_by_confidence ON hypothesis (rank, confidence);
      CREATE INDEX hypothesis_by_head ON hypothesis (model_id, checkpoint_id);

      CREATE TRIGGER hypothesis_records_its_span BEFORE INSERT ON hypothesis WHEN NEW.start_sec IS NULL
      BEGIN SELECT RAISE(ABORT, 'a hypothesis records the span it was decoded from (start_sec, end_sec)'); END;
      CREATE TRIGGER hypothesis_becomes_current AFTER INSERT ON hypothesis WHEN NEW.rank = 1
      BEGIN
        UPDATE utterance SET hypothesis_id = NEW.id, confidence = NEW.confidence
        WHERE id = NEW.utterance_id AND start_sec = NEW.start_sec AND end_sec = NEW.end_sec;
      END;
      CREATE TRIGGER hypothesis_confidence_moves AFTER UPDATE OF confidence ON hypothesis
      BEGIN
        UPDATE utterance SET confidence = NEW.confidence WHERE hypothesis_id = NEW.id;
      END;
    `)
  },
}
