import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import parseRange from 'range-parser'
import type { AudioFormat } from '../../../shared/domain'

export const audioContentType: Record<AudioFormat, string> = {
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg; codecs=opus',
}

export interface MediaResponse {
  status: 200 | 206 | 416
  headers: Record<string, string>
  body: Readable | null
}

/**
 * Serves an audio file with HTTP Range support, for the HTTP host and Electron's media
 * protocol alike, so a 2-hour recording streams instead of loading whole.
 */
export async function mediaResponse(
  file: string,
  format: AudioFormat,
  rangeHeader: string | undefined,
): Promise<MediaResponse> {
  const { size } = await stat(file)
  const base = {
    'Content-Type': audioContentType[format],
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, max-age=3600',
  }
  if (!rangeHeader) {
    return {
      status: 200,
      headers: { ...base, 'Content-Length': String(size) },
      body: createReadStream(file),
    }
  }
  const ranges = parseRange(size, rangeHeader, { combine: true })
  if (ranges === -1 || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) {
    return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` }, body: null }
  }
  const { start, end } = ranges[0]!
  return {
    status: 206,
    headers: {
      ...base,
      'Content-Range': `bytes ${start}-${end}/${size}`,
      'Content-Length': String(end - start + 1),
    },
    body: createReadStream(file, { start, end }),
  }
}
