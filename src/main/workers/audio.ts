/**
 * Audio worker: hashing, decoding, resampling, peaks, spectrograms and FLAC encoding, off the
 * main thread.
 */
import { join } from 'node:path'
import { parentPort } from 'node:worker_threads'
import type { AudioProtocol } from '../core/audio/audio-protocol'
import { encodeFlacSpan } from '../core/audio/flac-encode'
import { hashFile, prepareAudio } from '../core/audio/prepare'
import { computeSpectrogram } from '../core/audio/spectrogram'
import { serveRequests } from '../core/workers/protocol'

serveRequests<AudioProtocol>(
  parentPort,
  'audio',
  {
    hash: ({ path }) => hashFile(path),
    spectrogram: ({ pcmPath, window }) => computeSpectrogram(pcmPath, window),
    encodeFlac: ({ span }) => encodeFlacSpan(span),
    prepare: ({ path, dirs }, progress) =>
      prepareAudio(
        path,
        {
          original: (sha, format) => join(dirs.audioDir, `${sha}.${format}`),
          pcm: (sha) => join(dirs.pcmDir, `${sha}.f32`),
          peaks: (sha) => join(dirs.peaksDir, `${sha}.peaks`),
          staging: dirs.stagingDir,
        },
        progress,
      ),
  },
  {
    subject: (m) =>
      m.type === 'encodeFlac'
        ? m.request.span.out
        : m.type === 'spectrogram'
          ? `recording ${m.request.window.recordingId} (${m.request.pcmPath})`
          : m.request.path,
  },
)
