import { createHash } from 'node:crypto'
import type { AudioFormat, ExportFormat, ExportSummary, Split } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { assignSplits } from '../adapt/dataset'
import type { AudioWorkers } from '../audio/audio-workers'
import { consentSnapshot } from '../consent/policy'
import { requireLead } from '../consent/roles'
import type { WriteDb } from '../db/connection'
import type { WorkControl } from '../jobs'
import type { ExportNote, ExportResult } from '../formats/corpus/model'
import { originalPath, pcmPath, type ProjectPaths } from '../project/paths'
import { corpusOf, cutExtension, recordingKey, utteranceKey, writeFormats } from './corpus-files'
import { datasheet, datasheetMarkdown } from './datasheet'
import { ExportDir } from './export-dir'
import { planExport, requireUtterances, type ExportChoices } from './plan'
import type { Selection } from './select'
import { exportTierTexts } from './tier-texts'

export interface ExportRequest extends ExportChoices {
  /** The acting profile; must be a lead. */
  actorId: number
  dir: string
  formats: ExportFormat[]
  licence: string | null
}

export interface ExportContext {
  db: WriteDb
  paths: ProjectPaths
  projectId: string
  /** FLAC segments are encoded here, never on the main thread. */
  workers: AudioWorkers
}

/** Dataset formats that need one audio file per utterance. */
const segmentOnly: ExportFormat[] = ['huggingface', 'commonvoice']

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
  control: WorkControl = {},
): Promise<ExportSummary | null> {
  const { db, paths } = ctx
  requireLead(db, request.actorId, 'exportData')
  const formats = [...new Set(request.formats)]
  if (request.audio === 'originals' && formats.some((f) => segmentOnly.includes(f)))
    throw new SautiError(
      'validation',
      `${formats.filter((f) => segmentOnly.includes(f)).join(' and ')} need one audio file per utterance: export with WAV or FLAC segments.`,
    )
  const now = new Date().toISOString()
  const plan = planExport(db, request, now)
  requireUtterances(plan, request.use)
  const { selection, counts } = plan
  const notes = [...plan.notes]
  assignSplits(db, now, { utteranceIds: selection.utterances.map((u) => u.id) })
  // Read with the selection, before the audio is written, so both are of the same moment.
  const projectTiers = exportTierTexts(
    db,
    selection.utterances.map((u) => u.id),
  )
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
      (split) => corpusOf(selection, request.audio, split, written.eaf, projectTiers),
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
        includeAccepted: request.includeAccepted ?? false,
      },
      formats,
      audio: request.audio,
      counts,
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
            includeAccepted: request.includeAccepted ?? false,
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
            includeAccepted: request.includeAccepted ?? false,
          }),
          counts.speakers,
          counts.utterances,
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
      ...counts,
      files: inventory.length + 2,
      withoutConsent: counts.leftOut.consent ?? 0,
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
  control: WorkControl,
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
