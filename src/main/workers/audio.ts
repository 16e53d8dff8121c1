/**
 * Audio worker: hashing, decoding, resampling, peaks, spectrograms and FLAC encoding, off the
 * main thread.
 */
import { join } from 'node:path'
import { parentPort, type MessagePort } from 'node:worker_threads'
import { SautiError } from '../../shared/errors'
import { encodeFlacSpan } from '../core/audio/flac-encode'
import { hashFile, prepareAudio } from '../core/audio/prepare'
import { computeSpectrogram } from '../core/audio/spectrogram'
import type { AudioRequest, AudioResponse } from '../core/audio/worker-protocol'

if (!parentPort) throw new Error('the audio worker must run in a worker thread')
const port: MessagePort = parentPort

port.on('message', (request: AudioRequest) => {
  void handle(request).then((response) => port.postMessage(response))
})

async function handle(request: AudioRequest): Promise<AudioResponse> {
  try {
    if (request.type === 'hash')
      return { id: request.id, ok: true, value: await hashFile(request.path) }
    if (request.type === 'spectrogram')
      return {
        id: request.id,
        ok: true,
        value: await computeSpectrogram(request.pcmPath, request.window),
      }
    if (request.type === 'encodeFlac')
      return { id: request.id, ok: true, value: await encodeFlacSpan(request.span) }
    const { audioDir, pcmDir, peaksDir } = request.dirs
    let last = 0
    const value = await prepareAudio(
      request.path,
      {
        original: (sha, format) => join(audioDir, `${sha}.${format}`),
        pcm: (sha) => join(pcmDir, `${sha}.f32`),
        peaks: (sha) => join(peaksDir, `${sha}.peaks`),
      },
      (progress) => {
        const now = Date.now()
        if (now - last < 250) return
        last = now
        port.postMessage({ id: request.id, progress } satisfies AudioResponse)
      },
    )
    return { id: request.id, ok: true, value }
  } catch (error) {
    const info =
      error instanceof SautiError
        ? error.toInfo()
        : {
            kind: 'internal' as const,
            message: `${subjectOf(request)}: ${(error as Error).message}`,
          }
    return { id: request.id, ok: false, error: info }
  }
}

function subjectOf(request: AudioRequest): string {
  if (request.type === 'encodeFlac') return request.span.out
  return request.type === 'spectrogram'
    ? `recording ${request.window.recordingId} (${request.pcmPath})`
    : request.path
}
