import { open } from 'node:fs/promises'
import type { AudioFormat, ImportPreview, RejectedFile } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { expandImportPaths, type ImportItem } from './importer'
import { flacStreamInfo, PROBE_BYTES, sniffAudio, wavLayout, type AudioProbe } from './sniff'

/** Enough of a file's end for an Ogg stream's last page; its start is read as the import sniffs it. */
const TAIL_BYTES = 64 * 1024

async function probeFile(path: string): Promise<AudioProbe> {
  const file = await open(path, 'r')
  try {
    const { size } = await file.stat()
    const head = new Uint8Array(Math.min(size, PROBE_BYTES))
    await file.read(head, 0, head.length, 0)
    const tail = new Uint8Array(Math.min(size, TAIL_BYTES))
    await file.read(tail, 0, tail.length, size - tail.length)
    return { head, tail, size }
  } finally {
    await file.close()
  }
}

const mp3Kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const mp3Rates = [44_100, 48_000, 32_000]

/**
 * The length its headers give, in seconds, or null when they do not say: exact for WAV and
 * FLAC, from the last page's position for Ogg, from the Xing/Info frame count for MP3 (else the
 * first frame's bit rate: exact for constant bit rates). The import itself decodes and measures.
 */
function headerSeconds(probe: AudioProbe, format: AudioFormat, file: string): number | null {
  const { head, tail, size } = probe
  if (format === 'wav') {
    const layout = wavLayout(head, size, file)
    const bytes = layout.dataBytes === 0xffffffff ? size - 44 : layout.dataBytes
    return bytes / (layout.blockAlign * layout.sampleRate)
  }
  if (format === 'flac') {
    const info = flacStreamInfo(head, file)
    return info.totalSamples > 0 ? info.totalSamples / info.sampleRate : null
  }
  if (format === 'ogg' || format === 'opus') {
    for (let i = tail.length - 27; i >= 0; i--) {
      if (tail[i] !== 0x4f || tail[i + 1] !== 0x67 || tail[i + 2] !== 0x67 || tail[i + 3] !== 0x53)
        continue
      const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
      const granule = Number(view.getBigUint64(i + 6, true))
      const packet = 27 + (head[26] ?? 0)
      const rate =
        format === 'opus'
          ? 48_000
          : new DataView(head.buffer, head.byteOffset).getUint32(packet + 12, true)
      return rate > 0 ? granule / rate : null
    }
    return null
  }
  // MP3 (MPEG-1 layer III): a Xing/Info frame's frame count, else the first frame's bit rate.
  for (let i = 0; i < head.length - 40; i++) {
    if (head[i] !== 0xff || ((head[i + 1] ?? 0) & 0xfe) !== 0xfa) continue
    const rate = mp3Rates[((head[i + 2] ?? 0) >> 2) & 3] ?? 0
    const kbps = mp3Kbps[(head[i + 2] ?? 0) >> 4] ?? 0
    if (!rate || !kbps) continue
    const xing = i + 4 + ((head[i + 3] ?? 0) >> 6 === 3 ? 17 : 32)
    const tag = String.fromCharCode(...head.subarray(xing, xing + 4))
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
    if ((tag === 'Xing' || tag === 'Info') && view.getUint32(xing + 4) & 1)
      return (view.getUint32(xing + 8) * 1152) / rate
    return ((size - i) * 8) / (kbps * 1000)
  }
  return null
}

/**
 * What importing these paths would bring, read without importing anything: the files (folders
 * and manifests expanded as the import expands them), their length from their headers, the
 * speakers (and which are new to the project), languages, transcripts, and every problem a file
 * shows already (missing, not audio, damaged header). Decoding problems appear only on import.
 */
export async function previewImport(db: WriteDb, paths: string[]): Promise<ImportPreview> {
  const { items, rejected } = await expandImportPaths(paths)
  const problems: RejectedFile[] = [...rejected]
  const files: ImportItem[] = []
  let durationSec = 0
  let unknownLength = 0
  for (const item of items) {
    try {
      const probe = await probeFile(item.audioPath).catch(() => {
        throw new SautiError('not_found', `${item.audioPath}: no such file.`)
      })
      const sniffed = sniffAudio(probe, item.audioPath)
      const seconds = headerSeconds(probe, sniffed.format, item.audioPath)
      if (seconds === null) unknownLength++
      else durationSec += seconds
      files.push(item)
    } catch (error) {
      const message = error instanceof SautiError ? error.message : (error as Error).message
      problems.push({ path: item.audioPath, message })
    }
  }
  const known = new Set(
    (db.prepare('SELECT code FROM speaker').all() as { code: string }[]).map((s) => s.code),
  )
  const count = <K extends string>(keys: (K | null)[]): Map<K, number> => {
    const counts = new Map<K, number>()
    for (const k of keys) if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1)
    return counts
  }
  return {
    files: files.length,
    durationSec,
    unknownLength,
    transcripts: files.filter((f) => f.transcript).length,
    speakers: [...count(files.map((f) => f.speaker))].map(([code, n]) => ({
      code,
      files: n,
      known: known.has(code),
    })),
    languages: [...count(files.map((f) => f.language))].map(([language, n]) => ({
      language,
      files: n,
    })),
    withoutSpeaker: files.filter((f) => !f.speaker).length,
    problems,
  }
}
