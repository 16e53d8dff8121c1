import type { Migration } from './index'

/**
 * The annotator workspace: a queue ranked in the store, edits that remember the hypothesis they
 * started from, autosaved drafts, flags with a reason, and merged utterances kept (not deleted)
 * so their history stays intact.
 *
 * `utterance.hypothesis_id` and `utterance.confidence` copy the newest rank-1 hypothesis (kept
 * by a trigger for every writer), so ranking by confidence is one index scan instead of a join
 * and a sort over every hypothesis.
 */
export const m006Workspace: Migration = {
  version: 6,
  name: 'workspace',
  up(db) {
    db.exec(`
      ALTER TABLE recording ADD COLUMN speaker_id INTEGER REFERENCES speaker (id);
      UPDATE recording SET speaker_id = (
        SELECT u.speaker_id FROM utterance u WHERE u.recording_id = recording.id
        GROUP BY u.recording_id HAVING count(DISTINCT u.speaker_id) = 1 AND count(*) = count(u.speaker_id));

      ALTER TABLE utterance ADD COLUMN hypothesis_id INTEGER REFERENCES hypothesis (id);
      ALTER TABLE utterance ADD COLUMN confidence REAL;
      ALTER TABLE utterance ADD COLUMN flag_reason TEXT
        CHECK (flag_reason IS NULL OR flag_reason IN ('noise', 'other_language', 'overlap', 'unintelligible'));
      ALTER TABLE utterance ADD COLUMN merged_into INTEGER REFERENCES utterance (id);

      UPDATE utterance SET hypothesis_id = (
        SELECT h.id FROM hypothesis h WHERE h.utterance_id = utterance.id AND h.rank = 1 ORDER BY h.id DESC LIMIT 1);
      UPDATE utterance SET confidence = (SELECT h.confidence FROM hypothesis h WHERE h.id = utterance.hypothesis_id);

      CREATE TRIGGER hypothesis_becomes_current AFTER INSERT ON hypothesis WHEN NEW.rank = 1
      BEGIN
        UPDATE utterance SET hypothesis_id = NEW.id, confidence = NEW.confidence WHERE id = NEW.utterance_id;
      END;

      -- One index per queue order; the id breaks ties so paging is stable.
      CREATE INDEX utterance_queue_confidence ON utterance (coalesce(confidence, 2), id);
      CREATE INDEX utterance_queue_duration ON utterance ((end_sec - start_sec), id);
      CREATE INDEX utterance_queue_speaker ON utterance (speaker_id, recording_id, start_sec);
      DROP INDEX utterance_by_speaker;
      CREATE INDEX utterance_by_status ON utterance (status);

      ALTER TABLE revision ADD COLUMN hypothesis_id INTEGER REFERENCES hypothesis (id);
      ALTER TABLE revision ADD COLUMN draft INTEGER NOT NULL DEFAULT 0 CHECK (draft IN (0, 1));
    `)
  },
}
