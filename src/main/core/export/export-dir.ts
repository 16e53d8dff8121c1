import { createHash, randomUUID } from 'node:crypto'
import { createReadStream } from 'node:fs'
import {
  copyFile,
  mkdir,
  open,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { SautiError } from '../../../shared/errors'
import type { ProjectPaths } from '../project/paths'
import { recordOutside } from '../project/staging'

export interface WrittenFile {
  path: string
  bytes: number
  sha256: string
}

/** The error a failed write becomes: a full disk names the file, as the user needs to know. */
function writeError(error: unknown, path: string): SautiError {
  const e = error as NodeJS.ErrnoException
  if (e instanceof SautiError) return e
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT')
    return new SautiError(
      'store',
      `the disk is full: could not write ${path}; nothing was exported.`,
      { file: path },
    )
  return new SautiError('store', `could not write ${path}: ${e.message}`, { file: path })
}

/**
 * An export's folder, written under a temporary name beside the target and renamed into place
 * only when everything is in it, so a failure or a cancel leaves no half-written export. Beside
 * the target (not in the project) so that the final rename never copies gigabytes between disks;
 * the project's staging folder records it, so a killed export is removed by the next start and
 * reached by a purge (project/staging.ts). The target must not exist yet or be an empty folder;
 * its parent must exist.
 */
export class ExportDir {
  private readonly files = new Map<string, number>()

  private constructor(
    readonly target: string,
    readonly temporary: string,
    private readonly forget: () => Promise<void>,
  ) {}

  static async create(target: string, paths: ProjectPaths): Promise<ExportDir> {
    const dir = await ExportDir.check(target, paths.root)
    const temporary = join(
      dirname(dir),
      `.${basename(dir)}.sauti-export-${randomUUID().slice(0, 8)}`,
    )
    const forget = await recordOutside(paths, temporary)
    await mkdir(temporary).catch(async (e: unknown) => {
      await forget()
      throw writeError(e, temporary)
    })
    return new ExportDir(dir, temporary, forget)
  }

  /** Checks a target before any work (and again when the export starts writing). */
  static async check(target: string, forbiddenRoot: string): Promise<string> {
    const dir = resolve(target)
    const parent = dirname(dir)
    const parentInfo = await stat(parent).catch(() => null)
    if (!parentInfo?.isDirectory())
      throw SautiError.saying('not_found', 'exportFolderMissing', { path: parent })
    const root = resolve(forbiddenRoot)
    if (dir === root || dir.startsWith(root + sep))
      throw new SautiError('validation', `${dir}: an export cannot go inside the project's folder.`)
    const info = await stat(dir).catch(() => null)
    if (info && !info.isDirectory())
      throw new SautiError('conflict', `${dir} exists and is not a folder.`)
    if (info && (await readdir(dir)).length > 0)
      throw SautiError.saying('conflict', 'exportFolderNotEmpty', { path: dir })
    return dir
  }

  /** The absolute path a relative export path will be written to now. */
  private place(path: string): string {
    if (!path || isAbsolute(path) || path.split('/').some((p) => p === '..' || p === ''))
      throw new SautiError('internal', `refusing to write outside the export: ${path}`)
    return join(this.temporary, ...path.split('/'))
  }

  async write(path: string, content: string | Uint8Array): Promise<void> {
    const file = this.place(path)
    try {
      await mkdir(dirname(file), { recursive: true })
      await writeFile(file, content, { flag: 'wx' })
    } catch (error) {
      throw writeError(error, path)
    }
    this.files.set(path, typeof content === 'string' ? Buffer.byteLength(content) : content.length)
  }

  async copy(path: string, source: string): Promise<void> {
    const file = this.place(path)
    try {
      await mkdir(dirname(file), { recursive: true })
      await copyFile(source, file)
    } catch (error) {
      throw writeError(error, path)
    }
    this.files.set(path, (await stat(file)).size)
  }

  /**
   * A 16 kHz 16-bit mono WAV of samples [from, to) of a float32 cache file, converted in chunks
   * so a two-hour recording takes no more memory than a clip.
   */
  async writeWav(path: string, pcmFile: string, from: number, to: number): Promise<void> {
    const file = this.place(path)
    const samples = Math.max(0, to - from)
    const header = Buffer.alloc(44)
    header.write('RIFF', 0, 'ascii')
    header.writeUInt32LE(36 + samples * 2, 4)
    header.write('WAVEfmt ', 8, 'ascii')
    header.writeUInt32LE(16, 16)
    header.writeUInt16LE(1, 20)
    header.writeUInt16LE(1, 22)
    header.writeUInt32LE(16000, 24)
    header.writeUInt32LE(32000, 28)
    header.writeUInt16LE(2, 32)
    header.writeUInt16LE(16, 34)
    header.write('data', 36, 'ascii')
    header.writeUInt32LE(samples * 2, 40)
    const source = await open(pcmFile, 'r').catch(() => {
      throw new SautiError('not_found', `the 16 kHz audio cache ${pcmFile} is missing.`)
    })
    try {
      await mkdir(dirname(file), { recursive: true })
      const out = await open(file, 'wx')
      try {
        await out.write(header)
        const chunk = 1 << 16
        const floats = Buffer.alloc(chunk * 4)
        for (let at = from; at < to; at += chunk) {
          const n = Math.min(chunk, to - at)
          const { bytesRead } = await source.read(floats, 0, n * 4, at * 4)
          const pcm = Buffer.alloc(n * 2)
          // Past the cache's end (a frame's rounding) is silence.
          for (let i = 0; i < n; i++) {
            const v = i * 4 < bytesRead ? floats.readFloatLE(i * 4) : 0
            pcm.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), i * 2)
          }
          await out.write(pcm)
        }
      } finally {
        await out.close()
      }
    } catch (error) {
      throw writeError(error, path)
    } finally {
      await source.close()
    }
    this.files.set(path, 44 + samples * 2)
  }

  /**
   * A file another thread writes (a FLAC segment, encoded by an audio worker): `produce` gets the
   * absolute path, creates the file there and resolves with its size. A full disk there fails
   * with this export path, as `write` does.
   */
  async writeBy(path: string, produce: (file: string) => Promise<number>): Promise<void> {
    const file = this.place(path)
    let bytes: number
    try {
      await mkdir(dirname(file), { recursive: true })
      bytes = await produce(file)
    } catch (error) {
      const code = error instanceof SautiError ? error.details?.code : undefined
      throw typeof code === 'string' && error instanceof SautiError && error.kind === 'store'
        ? writeError(Object.assign(new Error(error.message), { code }), path)
        : writeError(error, path)
    }
    this.files.set(path, bytes)
  }

  /** Every file written so far with its sha256, read back from the disk, in path order. */
  async inventory(): Promise<WrittenFile[]> {
    const out: WrittenFile[] = []
    for (const path of [...this.files.keys()].sort()) {
      const hash = createHash('sha256')
      for await (const chunk of createReadStream(this.place(path))) hash.update(chunk as Buffer)
      out.push({ path, bytes: this.files.get(path) ?? 0, sha256: hash.digest('hex') })
    }
    return out
  }

  /** Moves the finished export into place. */
  async commit(): Promise<void> {
    if (await stat(this.target).catch(() => null)) await rmdir(this.target)
    await rename(this.temporary, this.target)
    await this.forget()
  }

  async discard(): Promise<void> {
    await rm(this.temporary, { recursive: true, force: true })
    await this.forget()
  }
}
