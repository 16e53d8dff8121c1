import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import type { ProjectPaths } from '../project/paths'

/** A scanned form or a recording of oral consent is rarely more; anything larger is a mistake. */
export const EVIDENCE_MAX_BYTES = 2 * 1024 ** 3

export const evidenceDir = (p: ProjectPaths): string => join(p.root, 'evidence')
export const evidencePath = (p: ProjectPaths, sha256: string): string =>
  join(evidenceDir(p), sha256)

export interface StoredEvidence {
  sha256: string
  originalName: string
  byteSize: number
}

/**
 * Copies an evidence file into the project, stored by its sha256 (the same form given twice is
 * stored once). The path is checked before anything is read: it must be a regular file (not a
 * folder, device, FIFO or socket, which could block or never end) within the size limit. The
 * copy is written aside and renamed, so a failed copy leaves nothing.
 */
export async function storeEvidence(
  db: WriteDb,
  paths: ProjectPaths,
  file: string,
  now = new Date().toISOString(),
): Promise<StoredEvidence> {
  const source = resolve(file)
  const info = await stat(source).catch(() => {
    throw SautiError.saying('not_found', 'evidenceMissing', { path: source }, { file: source })
  })
  if (!info.isFile())
    throw SautiError.saying(
      'bad_input',
      info.isDirectory() ? 'evidenceFolder' : 'evidenceSpecial',
      { path: source },
      { file: source },
    )
  if (info.size > EVIDENCE_MAX_BYTES)
    throw SautiError.saying('bad_input', 'evidenceTooLarge', { path: source }, { file: source })
  await mkdir(evidenceDir(paths), { recursive: true })
  await mkdir(paths.stagingDir, { recursive: true })
  const temporary = join(paths.stagingDir, `evidence-${randomUUID()}`)
  const hash = createHash('sha256')
  let bytes = 0
  try {
    await pipeline(
      createReadStream(source),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk)
          bytes += chunk.length
          done(null, chunk)
        },
      }),
      createWriteStream(temporary, { flags: 'wx' }),
    )
  } catch (error) {
    await rm(temporary, { force: true })
    const e = error as NodeJS.ErrnoException
    if (e.code === 'ENOSPC')
      throw SautiError.saying('store', 'evidenceDiskFull', { name: basename(source) })
    throw SautiError.saying('bad_input', 'evidenceUnreadable', { path: source, reason: e.message })
  }
  const sha256 = hash.digest('hex')
  await rename(temporary, evidencePath(paths, sha256))
  db.prepare(
    `INSERT INTO consent_evidence (sha256, original_name, byte_size, stored_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (sha256) DO NOTHING`,
  ).run(sha256, basename(source), bytes, now)
  return { sha256, originalName: basename(source), byteSize: bytes }
}
