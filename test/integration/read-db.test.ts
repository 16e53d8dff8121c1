import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { openDatabase, type ReadDb, type WriteDb } from '../../src/main/core/db/connection'
import { rankProject } from '../../src/main/core/adapt/acquisition'
import { buildReport } from '../../src/main/core/report/build'

describe('read and write handles', () => {
  it('type a write through a read handle as an error, and SQLite refuses one at run time too', () => {
    // Code that writes takes a WriteDb; ranking, reports and evaluation take a ReadDb.
    expectTypeOf<WriteDb>().toExtend<ReadDb>()
    expectTypeOf(rankProject).parameter(0).toEqualTypeOf<ReadDb>()
    expectTypeOf(buildReport).parameter(0).toEqualTypeOf<ReadDb>()

    const file = join(mkdtempSync(join(tmpdir(), 'sauti-readdb-')), 'project.sqlite')
    openDatabase(file).close()
    const db = openDatabase(file, { inspectOnly: true })
    try {
      expect(db.prepare('SELECT count(*) AS n FROM utterance').get()).toEqual({ n: 0 })
      expect(() =>
        // @ts-expect-error a statement prepared on a ReadDb has no run()
        db.prepare("INSERT INTO project_meta (key, value) VALUES ('k', 'v')").run(),
      ).toThrow(/readonly/)
      // @ts-expect-error a ReadDb has no exec()
      expect(() => db.exec("DELETE FROM project_meta WHERE key = 'name'")).toThrow(/readonly/)
    } finally {
      db.close()
    }
  })
})
