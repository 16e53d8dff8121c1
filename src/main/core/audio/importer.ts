import { readdir, rm, stat } from 'node:fs/promises'
import { basename, extname, join, resolve } from 'node:path'
import type { ImportSummary, RejectedFile } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { ensureSpeaker } from '../consent/speakers'
import type { WriteDb } from '../db/connection'
import { readManifest } from '../formats/manifest'
import type { ProjectPaths } from '../project/paths'
import { classify } from '../dispatch'
import { firstInvalidUtf8 } from '../formats/text-gate'
import type { WorkControl } from '../jobs'
import { importTranscript, type MachineImport } from '../provenance/import-revision'
import { appendRevision } from '../provenance/revisions'
import type { AudioWorkers } from './audio-workers'
import type { PreparedAudio } from './prepare'
import { audioExtensions } from './sniff'

/**
 * Files up to this long become one utterance each. Longer recordings without a transcript are
 * kept whole and wait for voice-activity segmentation, which cuts them into utterances; a longer
 * one with a transcript becomes one utterance holding it, with a warning (docs/formats.md).
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
        throw missing(path)
      })
      if (info.isDirectory()) {
        const files = await walkAudio(path, rejected)
        if (files.length === 0)
          throw new SautiError(
            'bad_input',
            `${path}: the folder contains no audio files (${audioExtensions.join(', ')}).`,
          )
        items.push(...(await folderItems(path, files)))
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
      rejected.push(rejection(path, error))
    }
  }
  return { items, rejected }
}

/** The manifests a folder may carry at its top, first found wins. */
export const folderManifests = ['manifest.tsv', 'manifest.csv'] as const

/**
 * A folder's files: those its manifest lists come with their transcript, speaker and language
 * (in the manifest's order, and may lie elsewhere), then the folder's other audio files as plain
 * files. A malformed manifest refuses the whole folder, as it would refuse itself.
 */
async function folderItems(folder: string, files: string[]): Promise<ImportItem[]> {
  let manifest: string | null = null
  for (const name of folderManifests) {
    const candidate = join(folder, name)
    if ((await stat(candidate).catch(() => null))?.isFile()) {
      manifest = candidate
      break
    }
  }
  const listed = manifest ? await readManifest(manifest) : []
  const inManifest = new Set(listed.map((e) => resolve(e.audioPath)))
  return [
    ...listed,
    ...files
      .filter((f) => !inManifest.has(resolve(f)))
      .map((f) => ({ audioPath: f, transcript: null, speaker: null, language: null, origin: f })),
  ]
}

/**
 * A path that does not exist. A name the system gave us with invalid bytes (not UTF-8, so shown
 * with "�") cannot be opened by that name: say so, instead of "no such file".
 */
function missing(path: string): SautiError {
  if (path.includes('\uFFFD'))
    return new SautiError(
      'bad_input',
      `${path}: the file name is not valid UTF-8 ("\uFFFD" marks the bytes that are not), so it cannot be opened by this name; rename the file with UTF-8 characters.`,
      { file: path },
    )
  return SautiError.saying('not_found', 'fileMissing', { path }, { file: path })
}

/** Audio files under `dir`; entries whose names are not UTF-8 are rejected by name. */
async function walkAudio(dir: string, rejected: RejectedFile[]): Promise<string[]> {
  const found: string[] = []
  const entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' })
  const named = entries.map((entry) => ({ entry, name: entry.name.toString('utf8') }))
  for (const { entry, name } of named.sort((a, b) => a.name.localeCompare(b.name))) {
    if (name.startsWith('.')) continue
    const full = join(dir, name)
    if (firstInvalidUtf8(entry.name) >= 0) {
      if (entry.isDirectory() || isAudioName(name)) rejected.push(rejection(full, missing(full)))
    } else if (entry.isDirectory()) found.push(...(await walkAudio(full, rejected)))
    else if (entry.isFile() && isAudioName(name)) found.push(full)
  }
  return found
}

export interface ImportContext {
  db: WriteDb
  paths: ProjectPaths
  workers: AudioWorkers
  /** The person importing says the manifests' transcripts are machine output to correct. */
  machine?: MachineImport | null
}

/**
 * Imports items one by one. Each file is all-or-nothing: its audio is stored and its rows are
 * written in one transaction, or nothing of it remains. Re-importing a file already in the
 * project (same sha256) is a no-op. Progress counts files, fractional while a long file is being
 * read (2.4 of 5), and names the current one.
 */
export async function importItems(
  ctx: ImportContext,
  items: ImportItem[],
  control: WorkControl = {},
): Promise<ImportSummary> {
  const summary: ImportSummary = {
    imported: 0,
    duplicates: 0,
    rejected: [],
    warnings: [],
    recordingIds: [],
    durationSec: 0,
    revisions: 0,
    speakers: [],
    languages: [],
    machineOutput: ctx.machine ? { system: ctx.machine.system } : null,
  }
  const machine = ctx.machine ?? null
  const findBySha = ctx.db.prepare('SELECT id FROM recording WHERE sha256 = ?')
  const warn = (path: string, message: string): void => {
    summary.warnings.push({ path, message })
  }
  for (const [index, item] of items.entries()) {
    control.onProgress?.(index, items.length, item.audioPath)
    if (control.signal?.aborted) break
    try {
      const { sha256 } = await ctx.workers.hash(item.audioPath)
      const known = findBySha.get(sha256) as { id: number } | undefined
      if (known) {
        summary.duplicates++
        if (item.transcript) {
          const result = transcriptForKnown(ctx.db, known.id, item, machine)
          if (result.added) summary.revisions++
          if (result.warning) warn(item.audioPath, result.warning)
        }
        continue
      }
      const prepared = await ctx.workers.prepare(item.audioPath, ctx.paths, (fraction) =>
        control.onProgress?.(index + fraction, items.length, item.audioPath),
      )
      if (control.signal?.aborted) {
        await removeFiles(prepared.created)
        break
      }
      for (const message of prepared.warnings) warn(item.audioPath, message)
      try {
        const result = commitRecording(ctx.db, item, prepared, machine)
        if (result.warning) warn(item.audioPath, result.warning)
        summary.imported++
        summary.recordingIds.push(result.recordingId)
        summary.durationSec += prepared.durationSec
        summary.revisions += result.revisions
        if (item.speaker && !summary.speakers.includes(item.speaker))
          summary.speakers.push(item.speaker)
        if (item.language && !summary.languages.includes(item.language))
          summary.languages.push(item.language)
      } catch (error) {
        await removeFiles(prepared.created)
        throw error
      }
    } catch (error) {
      summary.rejected.push(rejection(item.audioPath, error))
    }
  }
  control.onProgress?.(items.length, items.length, '')
  return summary
}

/**
 * A manifest row for audio already in the project: its transcript goes to the recording's one
 * utterance as an `import` revision (importTranscript: never over a person's), or, when the
 * recording has been cut into several, is reported as not applied.
 */
function transcriptForKnown(
  db: WriteDb,
  recordingId: number,
  item: ImportItem,
  machine: MachineImport | null,
): { added: boolean; warning?: string } {
  const utterances = db
    .prepare('SELECT id FROM utterance WHERE recording_id = ? AND merged_into IS NULL')
    .all(recordingId) as { id: number }[]
  const only = utterances.length === 1 ? utterances[0]! : null
  if (!only)
    return {
      added: false,
      warning: `already in the project as recording ${recordingId}, ${utterances.length === 0 ? 'not yet cut into utterances' : `cut into ${utterances.length} utterances`}; the transcript in ${item.origin} was not applied.`,
    }
  const outcome = db
    .transaction(() =>
      importTranscript(db, {
        utteranceId: only.id,
        text: item.transcript ?? '',
        ref: item.origin,
        createdAt: new Date().toISOString(),
        machine,
      }),
    )
    .immediate()
  if (outcome.outcome === 'conflict') return { added: false, warning: outcome.message }
  return { added: outcome.outcome === 'added' }
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
  machine: MachineImport | null,
): { recordingId: number; revisions: number; warning?: string } {
  const now = new Date().toISOString()
  return db
    .transaction(() => {
      const languages = item.language ? [item.language] : []
      const speakerId = item.speaker ? ensureSpeaker(db, { code: item.speaker }, now) : null
      const recordingId = insertRecording(
        db,
        audio,
        { path: item.audioPath, languages, speakerId },
        now,
      )
      // A long recording without a transcript waits for voice-activity segmentation; one with a
      // transcript keeps it as one utterance, since its text cannot be cut without a model.
      const long = audio.durationSec > CLIP_MAX_SEC
      if (long && !item.transcript) return { recordingId, revisions: 0 }
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
        source: { kind: 'import', ref: item.origin, ...(machine ? { machine } : {}) },
        createdAt: now,
      })
      const warning = long
        ? `${audio.durationSec.toFixed(1)} s long, over the ${CLIP_MAX_SEC} s of a clip: kept as one utterance with its transcript (utterance ${utteranceId}); split it in the editor if it should be shorter.`
        : undefined
      return { recordingId, revisions: 1, ...(warning ? { warning } : {}) }
    })
    .immediate()
}

async function removeFiles(files: string[]): Promise<void> {
  await Promise.all(files.map((f) => rm(f, { force: true })))
}

/** A refused input; a missing one says so (the CLI exits with "not found"). */
function rejection(path: string, error: unknown): RejectedFile {
  if (error instanceof SautiError) {
    const said = error.said ? { key: error.said.key, args: error.said.args } : {}
    return error.kind === 'not_found'
      ? { path, message: error.message, missing: true, ...said }
      : { path, message: error.message, ...said }
  }
  const e = error as NodeJS.ErrnoException
  if (e.code === 'SQLITE_FULL')
    return { path, message: 'the disk is full; nothing of this file was imported.' }
  return { path, message: classify(error).message }
}
