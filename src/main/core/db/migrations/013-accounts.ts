import type { Migration } from './index'

/**
 * A team server's people and work (docs/team-server.md). An account is a login bound to one
 * annotator profile, so every revision, review and consent record keeps naming the profile as
 * before. Invitation and password-reset links are stored as hashes and used once. A claim says
 * who is working on an utterance until it expires; blind double annotation may hold two.
 */
export const m013Accounts: Migration = {
  version: 13,
  name: 'accounts',
  up(db) {
    db.exec(`
      CREATE TABLE account (
        id            INTEGER PRIMARY KEY,
        annotator_id  INTEGER NOT NULL UNIQUE REFERENCES annotator (id),
        login         TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(login) BETWEEN 1 AND 80),
        role          TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'lead', 'admin')),
        password_hash TEXT,
        disabled_at   TEXT,
        created_by    INTEGER REFERENCES account (id),
        created_at    TEXT NOT NULL
      ) STRICT;

      CREATE TABLE account_link (
        token_sha256 TEXT PRIMARY KEY CHECK (length(token_sha256) = 64),
        account_id   INTEGER NOT NULL REFERENCES account (id),
        purpose      TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
        created_by   INTEGER REFERENCES account (id),
        created_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        used_at      TEXT
      ) STRICT;
      CREATE INDEX account_link_by_account ON account_link (account_id);

      CREATE TABLE claim (
        utterance_id INTEGER NOT NULL REFERENCES utterance (id),
        annotator_id INTEGER NOT NULL REFERENCES annotator (id),
        claimed_at   TEXT NOT NULL,
        expires_at   TEXT NOT NULL,
        PRIMARY KEY (utterance_id, annotator_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX claim_by_expiry ON claim (expires_at);
    `)
  },
}
