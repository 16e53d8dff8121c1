import type { AudioFormat } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { flacTotalSamples } from './sniff'

export interface DecodedAudio {
  channelData: Float32Array[]
  sampleRate: number
}

/** Decodes a whole file with the per-codec (MIT-licensed) decoders of the audiojs project. */
export async function decodeAudio(
  bytes: Uint8Array,
  format: AudioFormat,
  file: string,
): Promise<DecodedAudio> {
  let decoded: DecodedAudio
  try {
    decoded = await decodeWith(format, bytes)
  } catch (error) {
    throw new SautiError(
      'bad_input',
      `${file}: the ${format.toUpperCase()} data could not be decoded (${(error as Error).message}).`,
      { file },
    )
  }
  const frames = decoded.channelData[0]?.length ?? 0
  if (!decoded.sampleRate || frames === 0) {
    throw new SautiError(
      'bad_input',
      `${file}: the ${format.toUpperCase()} file decoded to no audio.`,
      { file },
    )
  }
  if (format === 'flac') {
    const declared = flacTotalSamples(bytes)
    if (declared > 0 && frames < declared) {
      throw new SautiError(
        'bad_input',
        `${file}: the FLAC file is truncated: ${frames} of ${declared} samples decoded.`,
        { file, declared, decoded: frames },
      )
    }
  }
  return decoded
}

async function decodeWith(format: AudioFormat, bytes: Uint8Array): Promise<DecodedAudio> {
  switch (format) {
    case 'wav':
      return (await import('@audio/decode-wav')).default(bytes)
    case 'flac':
      return (await import('@audio/decode-flac')).default(bytes)
    case 'mp3':
      return (await import('@audio/decode-mp3')).default(bytes)
    case 'ogg':
      return (await import('@audio/decode-vorbis')).default(bytes)
    case 'opus':
      return (await import('@audio/decode-opus')).default(bytes)
  }
}

/** Averages the channels into one. */
export function downmix(channels: Float32Array[]): Float32Array {
  const first = channels[0]
  if (!first) return new Float32Array(0)
  if (channels.length === 1) return first
  const out = new Float32Array(first.length)
  for (const channel of channels) {
    for (let i = 0; i < out.length; i++) out[i]! += channel[i] ?? 0
  }
  const scale = 1 / channels.length
  for (let i = 0; i < out.length; i++) out[i]! *= scale
  return out
}
