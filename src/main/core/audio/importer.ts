import { readdir, rm, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { ImportSummary, RejectedFile } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { ensureSpeaker } from '../consent/speakers'
import type { WriteDb } from '../db/connection'
import { readManifest } from '../formats/manifest'
import type { ProjectPaths } from '../project/paths'
import { appendRevision } from '../provenance/revisions'
import type { AudioWorkers } from './audio-workers'
import type { PreparedAudio } from './prepare'
import { audioExtensions } from './sniff'

/**
 * Files up to this long become one utterance each. Longer recordings are kept whole and wait
 * for voice-activity segmentation, which cuts them into utterances.
 */
export const CLIP_MAX_SEC = 30

export interface ImportItem {
  audioPath: string
  transcript: string | null
  speaker: string | null
  language: string | null
  /** The file, or "manifest.tsv:12", that asked for this item. */
  origin: string
}

const manifestExtensions = new Set(['.tsv', '.csv'])
const isAudioName = (name: string): boolean =>
  (audioExtensions as readonly string[]).includes(extname(name).toLowerCase())

/** Turns the user's paths (files, folders of clips, manifests) into items; unusable paths are reported. */
export async function expandImportPaths(
  paths: string[],
): Promise<{ items: ImportItem[]; rejected: RejectedFile[] }> {
  const items: ImportItem[] = []
  const rejected: RejectedFile[] = []
  for (const raw of paths) {
    const path = resolve(raw)
    try {
      const info = await stat(path).catch(() => {
        throw new SautiError('not_found', `${path}: no such file or folder.`)
      })
      if (info.isDirectory()) {
        const files = await walkAudio(path)
        if (files.length === 0)
          throw new SautiError(
            'bad_input',
            `${path}: the folder contains no audio files (${audioExtensions.join(', ')}).`,
          )
        items.push(
          ...files.map((f) => ({
            audioPath: f,
            transcript: null,
            speaker: null,
            language: null,
            origin: f,
          })),
        )
      } else if (manifestExtensions.has(extname(path).toLowerCase())) {
        items.push(...(await readManifest(path)).map((e) => ({ ...e })))
      } else {
        items.push({
          audioPath: path,
          transcript: null,
          speaker: null,
          language: null,
          origin: path,
        })
      }
    } catch (error) {
      rejected.push({ path, message: messageOf(error) })
    }
  }
  return { items, rejected }
}

async function walkAudio(dir: string): Promise<string[]> {
  const found: string[] = []
  const entries = await readdir(dir, { withFileTypes: true })
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue
    const full = join(dir, entry.name)
    if (entry.isDirectory()) found.push(...(await walkAudio(full)))
    else if (entry.isFile() && isAudioName(entry.name)) found.push(full)
  }
  return found
}

export interface ImportContext {
  db: WriteDb
  paths: ProjectPaths
  workers: AudioWorkers
}

export interface ImportControl {
  signal?: AbortSignal
  /** `done` counts files and is fractional while a long file is being read (2.4 of 5). */
  onProgress?: (done: number, total: number, current: string) => void
}

/**
 * Imports items one by one. Each file is all-or-nothing: its audio is stored and its rows are
 * written in one transaction, or nothing of it remains. Re-importing a file already in the
 * project (same sha256) is a no-op.
 */
export async function importItems(
  ctx: ImportContext,
  items: ImportItem[],
  control: ImportControl = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    imported: 0,
    duplicates: 0,
    rejected: [],
    recordingIds: [],
    durationSec: 0,
    revisions: 0,
  }
  const findBySha = ctx.db.prepare('SELECT id FROM recording WHERE sha256 = ?')
  for (const [index, item] of items.entries()) {
    control.onProgress?.(index, items.length, item.audioPath)
    if (control.signal?.aborted) break
    try {
      const { sha256 } = await ctx.workers.hash(item.audioPath)
      if (findBySha.get(sha256)) {
        summary.duplicates++
        continue
      }
      const prepared = await ctx.workers.prepare(item.audioPath, ctx.paths, (fraction) =>
        control.onProgress?.(index + fraction, items.length, item.audioPath),
      )
      if (control.signal?.aborted) {
        await removeFiles(prepared.created)
        break
      }
      try {
        const result = commitRecording(ctx.db, item, prepared)
        summary.imported++
        summary.recordingIds.push(result.recordingId)
        summary.durationSec += prepared.durationSec
        summary.revisions += result.revisions
      } catch (error) {
        await removeFiles(prepared.created)
        throw error
      }
    } catch (error) {
      summary.rejected.push({ path: item.audioPath, message: messageOf(error) })
    }
  }
  control.onProgress?.(items.length, items.length, '')
  return summary
}

/** The row of a recording imported now from prepared audio (audio or annotation imports). */
export function insertRecording(
  db: WriteDb,
  audio: PreparedAudio,
  source: { path: string; languages: string[]; speakerId: number | null },
  now: string,
): number {
  const info = db
    .prepare(
      `INSERT INTO recording (sha256, original_name, source_path, format, byte_size, duration_sec, sample_rate,
                              channels, bit_depth, languages, speaker_id, imported_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      audio.sha256,
      basename(source.path),
      source.path,
      audio.format,
      audio.byteSize,
      audio.durationSec,
      audio.sampleRate,
      audio.channels,
      audio.bitDepth,
      JSON.stringify(source.languages),
      source.speakerId,
      now,
    )
  return Number(info.lastInsertRowid)
}

function commitRecording(
  db: WriteDb,
  item: ImportItem,
  audio: PreparedAudio,
): { recordingId: number; revisions: number } {
  const now = new Date().toISOString()
  return db.transaction(() => {
    const languages = item.language ? [item.language] : []
    const speakerId = item.speaker ? ensureSpeaker(db, { code: item.speaker }, now) : null
    const recordingId = insertRecording(
      db,
      audio,
      { path: item.audioPath, languages, speakerId },
      now,
    )
    if (audio.durationSec > CLIP_MAX_SEC) {
      return { recordingId, revisions: 0 }
    }
    const utteranceId = Number(
      db
        .prepare(
          `INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at)
           VALUES (?, 0, ?, ?, ?, 'new', ?)`,
        )
        .run(recordingId, audio.durationSec, speakerId, item.language, now).lastInsertRowid,
    )
    if (!item.transcript) return { recordingId, revisions: 0 }
    appendRevision(db, {
      utteranceId,
      text: item.transcript,
      source: { kind: 'import', ref: item.origin },
      createdAt: now,
    })
    return { recordingId, revisions: 1 }
  })()
}

async function removeFiles(files: string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f, { force: true })))
}

function messageOf(error: unknown): string {
  if (error instanceof SautiError) return error.message
  const e = error as NodeJS.ErrnoException
  if (e.code === 'SQLITE_FULL') return 'the disk is full; nothing of this file was imported.'
  return e.message ?? String(error)
}
