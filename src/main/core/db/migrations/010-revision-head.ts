import type { Migration } from './index'

/**
 * Each utterance remembers the hash of its newest revision (`revision_head`), kept by a trigger
 * on every insert into `revision`, whoever makes it. The hash chain proves each revision and its
 * place; it cannot show that the newest ones were deleted (what is left is still a valid, shorter
 * chain). With the head recorded beside the chain, `sauti audit verify` sees that too — unless the
 * same hand also rewrites the head, which only an anchor outside the database (an export's
 * manifest, a printed audit) can catch.
 */
export const m010RevisionHead: Migration = {
  version: 10,
  name: 'revision-head',
  up(db) {
    db.exec(`
      ALTER TABLE utterance ADD COLUMN revision_head TEXT;
      UPDATE utterance SET revision_head = (
        SELECT hash FROM revision WHERE utterance_id = utterance.id ORDER BY id DESC LIMIT 1);
      CREATE TRIGGER revision_moves_head AFTER INSERT ON revision
      BEGIN
        UPDATE utterance SET revision_head = NEW.hash WHERE id = NEW.utterance_id;
      END;
    `)
  },
}
