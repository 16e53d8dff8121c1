import { createHash } from 'node:crypto'
import type {
  AudioFormat,
  ConsentScope,
  ExportAudio,
  ExportFormat,
  ExportSummary,
  Split,
} from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { assignSplits } from '../adapt/dataset'
import type { AudioWorkers } from '../audio/audio-workers'
import { consentSnapshot } from '../consent/policy'
import { requireLead } from '../consent/roles'
import type { WriteDb } from '../db/connection'
import type { Corpus, ExportNote, ExportResult } from '../formats/corpus/model'
import { originalPath, pcmPath, type ProjectPaths } from '../project/paths'
import { writeFormats } from './corpus-files'
import { datasheet, datasheetMarkdown } from './datasheet'
import { ExportDir } from './export-dir'
import { selectForExport, withoutRecordings, type ExportFilter, type Selection } from './select'

export interface ExportRequest extends ExportFilter {
  /** The acting profile; must be a lead. */
  actorId: number
  use: ConsentScope
  dir: string
  formats: ExportFormat[]
  audio: ExportAudio
  licence: string | null
}

export interface ExportContext {
  db: WriteDb
  paths: ProjectPaths
  projectId: string
  /** FLAC segments are encoded here, never on the main thread. */
  workers: AudioWorkers
}

export interface ExportControl {
  signal?: AbortSignal
  onProgress?: (done: number, total: number, label: string) => void
}

const pad = (n: number): string => String(n).padStart(6, '0')
export const recordingKey = (id: number): string => `rec${pad(id)}`
export const utteranceKey = (id: number): string => `utt${pad(id)}`
/** Dataset formats that need one audio file per utterance. */
const segmentOnly: ExportFormat[] = ['huggingface', 'commonvoice']
/** The extension of 16 kHz segments and whole recordings cut from the cache (not originals). */
const cutExtension = (audio: ExportAudio): 'wav' | 'flac' => (audio === 'flac' ? 'flac' : 'wav')

/**
 * Exports what the chosen use may contain (docs/export.md): selects by consent, status and label
 * source in one snapshot, gives exported speakers lacking one a train/dev/test split (fixed for
 * good, so splits stay stable across exports and with training), writes audio and every chosen
 * format into a temporary folder with a datasheet and a manifest of sha256s, and renames it into
 * place at the end. Returns null when cancelled (nothing is left behind).
 */
export async function runExport(
  ctx: ExportContext,
  request: ExportRequest,
  control: ExportControl = {},
): Promise<ExportSummary | null> {
  const { db, paths } = ctx
  requireLead(db, request.actorId, 'export')
  const formats = [...new Set(request.formats)]
  if (request.audio === 'originals' && formats.some((f) => segmentOnly.includes(f)))
    throw new SautiError(
      'validation',
      `${formats.filter((f) => segmentOnly.includes(f)).join(' and ')} need one audio file per utterance: export with WAV or FLAC segments.`,
    )
  const now = new Date().toISOString()
  const notes: string[] = []
  let selection = selectForExport(db, request.use, request, now)
  const references = referencesNote(selection)
  if (references) notes.push(references)
  if (request.audio === 'originals') {
    // A whole original may hold speech of speakers without consent: such files stay home.
    const shared = new Set(
      [...selection.recordings.values()].filter((r) => !r.wholeConsented).map((r) => r.id),
    )
    if (shared.size) {
      const before = selection.utterances.length
      selection = withoutRecordings(selection, shared)
      notes.push(
        `${before - selection.utterances.length} utterance(s) of ${shared.size} recording(s) left out: those recordings also hold speech of speakers without consent to ${request.use}, and "originals" copies whole files (export WAV or FLAC segments to include them).`,
      )
    }
  }
  if (selection.utterances.length === 0)
    throw new SautiError(
      'validation',
      `nothing to export: no utterance matches the filters with a speaker who consents to ${request.use}` +
        (selection.withoutConsent ? ` (${selection.withoutConsent} left out for consent)` : '') +
        (references ? `; ${references}` : '.'),
    )
  assignSplits(db, now, { utteranceIds: selection.utterances.map((u) => u.id) })
  const splitOf = db.prepare('SELECT split FROM utterance WHERE id = ?')
  for (const u of selection.utterances)
    u.split = (splitOf.get(u.id) as { split: Split | null } | undefined)?.split ?? null

  const out = await ExportDir.create(request.dir, paths)
  try {
    const written = await writeAudio(out, selection, request, ctx, formats, control)
    if (written === null) {
      await out.discard()
      return null
    }
    const corpusNotes: ExportNote[] = []
    const add = (format: string, r: ExportResult): ExportResult => {
      for (const n of r.notes) corpusNotes.push({ ...n, message: `${format}: ${n.message}` })
      return r
    }
    const files = writeFormats(
      formats,
      (split) => corpusOf(selection, request.audio, split, written.eaf),
      add,
      request.audio,
    )
    for (const f of files) {
      if (control.signal?.aborted) {
        await out.discard()
        return null
      }
      await out.write(f.path, f.content)
    }
    notes.push(
      ...corpusNotes.map(
        (n) =>
          `${n.message}${n.utteranceId ? ` (${n.utteranceId})` : n.recordingId ? ` (${n.recordingId})` : ''}`,
      ),
    )
    const sheet = datasheet(db, selection, {
      project: ctx.projectId,
      createdAt: now,
      use: request.use,
      licence: request.licence,
      filter: {
        statuses: request.statuses,
        sources: request.sources,
        languages: request.languages,
      },
      formats,
      audio: request.audio,
      notes,
    })
    await out.write('datasheet.json', JSON.stringify(sheet, null, 2) + '\n')
    await out.write('README.md', datasheetMarkdown(sheet))
    const snapshot = consentSnapshot(db, request.use, [...selection.speakers.keys()], now)
    const inventory = await out.inventory()
    const manifest =
      JSON.stringify(
        {
          sauti: 'export manifest',
          createdAt: now,
          project: ctx.projectId,
          use: request.use,
          settings: {
            formats,
            audio: request.audio,
            statuses: request.statuses,
            sources: request.sources,
            languages: request.languages,
            licence: request.licence,
          },
          consentSnapshot: snapshot,
          files: inventory,
        },
        null,
        2,
      ) + '\n'
    await out.write('manifest.json', manifest)
    const manifestSha256 = createHash('sha256').update(manifest).digest('hex')
    await out.write(
      'SHA256SUMS',
      [...inventory, { path: 'manifest.json', sha256: manifestSha256 }]
        .map((f) => `${f.sha256}  ${f.path}\n`)
        .join(''),
    )
    if (control.signal?.aborted) {
      await out.discard()
      return null
    }
    await out.commit()
    const durationSec = selection.utterances.reduce((s, u) => s + u.endSec - u.startSec, 0)
    const exportRunId = Number(
      db
        .prepare(
          `INSERT INTO export_run (scope, exported_by, directory, settings, speakers, utterances,
                                   manifest_sha256, consent_snapshot, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          request.use,
          request.actorId,
          out.target,
          JSON.stringify({
            formats,
            audio: request.audio,
            statuses: request.statuses,
            sources: request.sources,
          }),
          selection.speakers.size,
          selection.utterances.length,
          manifestSha256,
          JSON.stringify(snapshot),
          now,
        ).lastInsertRowid,
    )
    control.onProgress?.(1, 1, '')
    return {
      exportRunId,
      directory: out.target,
      use: request.use,
      speakers: selection.speakers.size,
      recordings: selection.recordings.size,
      utterances: selection.utterances.length,
      durationSec,
      files: inventory.length + 2,
      withoutConsent: selection.withoutConsent,
      notes,
      manifestSha256,
    }
  } catch (error) {
    await out.discard()
    throw error
  }
}

/**
 * Writes the export's audio: per utterance a 16 kHz WAV or FLAC under clips/<split>/ (plus, for
 * ELAN, the whole recording in the same format when everyone heard in it consented), or the
 * original files. FLAC is encoded by the audio workers, a few files in flight at once. Returns
 * the recordings ELAN may link, or null when cancelled.
 */
async function writeAudio(
  out: ExportDir,
  selection: Selection,
  request: ExportRequest,
  { paths, workers }: ExportContext,
  formats: ExportFormat[],
  control: ExportControl,
): Promise<{ eaf: Set<number> } | null> {
  const recordings = [...selection.recordings.values()]
  const cut = request.audio !== 'originals'
  const ext = cutExtension(request.audio)
  const whole = !cut
    ? recordings
    : formats.includes('eaf')
      ? recordings.filter((r) => r.wholeConsented)
      : []
  const total = (cut ? selection.utterances.length : 0) + whole.length + 1
  let done = 0
  const step = (label: string): boolean => {
    control.onProgress?.(done++, total, label)
    return !control.signal?.aborted
  }
  // Every write is awaited before returning or throwing, so none lands after a discard.
  const inFlight = new Set<Promise<void>>()
  let failed: { error: unknown } | null = null
  const settle = async (): Promise<void> => {
    await Promise.allSettled(inFlight)
    if (failed) throw failed.error
  }
  const span = async (path: string, sha256: string, from: number, to: number): Promise<void> => {
    const pcmFile = pcmPath(paths, sha256)
    if (request.audio !== 'flac') return out.writeWav(path, pcmFile, from, to)
    while (inFlight.size > workers.size) await Promise.race(inFlight)
    if (failed) return
    const write = out
      .writeBy(
        path,
        async (file) => (await workers.encodeFlac({ pcmPath: pcmFile, from, to, out: file })).bytes,
      )
      .catch((error: unknown) => {
        failed ??= { error }
      })
      .finally(() => inFlight.delete(write))
    inFlight.add(write)
  }
  try {
    for (const r of whole) {
      if (!step(`recording ${r.id}`) || failed) {
        await settle()
        return null
      }
      if (!cut)
        await out.copy(
          `recordings/${recordingKey(r.id)}.${r.format}`,
          originalPath(paths, r.sha256, r.format as AudioFormat),
        )
      else
        await span(
          `recordings/${recordingKey(r.id)}.${ext}`,
          r.sha256,
          0,
          Math.round(r.durationSec * 16000),
        )
    }
    if (cut)
      for (const u of selection.utterances) {
        if (!step(`utterance ${u.id}`) || failed) {
          await settle()
          return null
        }
        const end = Math.min(
          u.endSec,
          selection.recordings.get(u.recordingId)?.durationSec ?? u.endSec,
        )
        await span(
          `clips/${u.split ?? 'train'}/${utteranceKey(u.id)}.${ext}`,
          selection.recordings.get(u.recordingId)?.sha256 ?? '',
          Math.round(u.startSec * 16000),
          Math.round(end * 16000),
        )
      }
  } finally {
    await Promise.allSettled(inFlight)
  }
  await settle()
  return { eaf: new Set(whole.map((r) => r.id)) }
}

/**
 * The corpus the format writers see: one split's utterances (or all, for per-recording formats),
 * with pseudonymous ids and paths relative to the export root. `eafRecordings` limits the
 * recordings for ELAN, which links a whole recording's audio.
 */
function corpusOf(
  selection: Selection,
  audio: ExportAudio,
  split: Split | 'all' | 'eaf',
  eafRecordings: Set<number>,
): Corpus {
  const utterances = selection.utterances.filter((u) =>
    split === 'all' ? true : split === 'eaf' ? eafRecordings.has(u.recordingId) : u.split === split,
  )
  const recordingIds = new Set(utterances.map((u) => u.recordingId))
  const speakerIds = new Set(utterances.map((u) => u.speakerId))
  const code = (id: number): string => selection.speakers.get(id)?.code ?? ''
  return {
    speakers: [...selection.speakers.values()]
      .filter((s) => speakerIds.has(s.id))
      .map((s) => ({
        code: s.code,
        gender: s.gender,
        ageBand: s.ageBand,
        dialect: s.dialect,
        firstLanguage: s.firstLanguage,
      })),
    recordings: [...selection.recordings.values()]
      .filter((r) => recordingIds.has(r.id))
      .map((r) => {
        const speakers = new Set(
          utterances.filter((u) => u.recordingId === r.id).map((u) => u.speakerId),
        )
        return {
          id: recordingKey(r.id),
          audioPath: `recordings/${recordingKey(r.id)}.${audio === 'originals' ? r.format : cutExtension(audio)}`,
          durationSec: r.durationSec,
          speaker: speakers.size === 1 ? code([...speakers][0]!) : null,
        }
      }),
    utterances: utterances.map((u) => ({
      id: utteranceKey(u.id),
      recordingId: recordingKey(u.recordingId),
      speaker: code(u.speakerId),
      start: u.startSec,
      end: u.endSec,
      text: u.text,
      language: u.language,
      spans: u.spans,
      words: u.words,
      ...(u.noisy ? { noisy: true as const } : {}),
      ...(audio !== 'originals'
        ? {
            segmentAudioPath: `clips/${u.split ?? 'train'}/${utteranceKey(u.id)}.${cutExtension(audio)}`,
          }
        : {}),
    })),
  }
}

/** What the export left out because its only label was a model's reference, by model and reason. */
function referencesNote(selection: Selection): string | null {
  const { references } = selection
  if (references.length === 0) return null
  const groups = new Map<string, number[]>()
  for (const r of references) {
    const key = `${r.model} (${r.reason === 'phones' ? 'writes phones' : "does not write the utterance's language"})`
    groups.set(key, [...(groups.get(key) ?? []), r.utteranceId])
  }
  const named = [...groups]
    .map(([key, ids]) => `${ids.length} by ${key}: utterance(s) ${listIds(ids)}`)
    .join('; ')
  return `${references.length} utterance(s) left out: their only label is a model's reference, not a transcript (${named}).`
}

function listIds(ids: number[]): string {
  return ids.length <= 10
    ? ids.join(', ')
    : `${ids.slice(0, 10).join(', ')} and ${ids.length - 10} more`
}
