import type { Migration } from './index'

/**
 * Machine output brought in by an import (docs/formats.md, "Machine output"). Such a transcript
 * is stored as an `import` revision that is a draft, so every query for a person's text
 * (`draft = 0 AND source_kind IN ('annotator', 'import')`) leaves it out as it stands.
 * `machine_system` names the recogniser that wrote it, when the person importing said;
 * `imported_by` is that person's profile, when known. Both are null on every other revision, so
 * older revisions and their hashes stay as they were.
 */
export const m019MachineImport: Migration = {
  version: 19,
  name: 'machine-import',
  up(db) {
    db.exec(`
      ALTER TABLE revision ADD COLUMN machine_system TEXT
        CHECK (machine_system IS NULL OR (source_kind = 'import' AND draft = 1
                                          AND length(trim(machine_system)) BETWEEN 1 AND 100));
      ALTER TABLE revision ADD COLUMN imported_by INTEGER REFERENCES annotator (id)
        CHECK (imported_by IS NULL OR (source_kind = 'import' AND draft = 1));
    `)
  },
}
