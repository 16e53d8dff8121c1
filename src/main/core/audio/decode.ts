import type { AudioFormat } from '../../../shared/domain'

export interface DecodedAudio {
  channelData: Float32Array[]
  sampleRate: number
}

/** A codec's streaming decoder: feed it the file in chunks of any size. */
export interface StreamDecoder {
  decode(chunk: Uint8Array): DecodedAudio
  /** What the decoder still holds at the end of the stream. */
  flush(): DecodedAudio
  free(): void
}

interface CodecDecoder {
  decode(chunk: Uint8Array): DecodedAudio
  flush?: () => DecodedAudio
  free(): void
}

const empty: DecodedAudio = { channelData: [], sampleRate: 0 }

/**
 * Opens the streaming decoder of the per-codec (MIT-licensed) audiojs decoders, so a file is
 * decoded piece by piece and a two-hour recording never sits in memory whole.
 */
export async function openDecoder(format: AudioFormat): Promise<StreamDecoder> {
  const codec: CodecDecoder = await (async (): Promise<CodecDecoder> => {
    switch (format) {
      case 'wav':
        return (await import('@audio/decode-wav')).decoder() as CodecDecoder
      case 'flac':
        return (await (await import('@audio/decode-flac')).decoder()) as CodecDecoder
      case 'mp3':
        return (await (await import('@audio/decode-mp3')).decoder()) as CodecDecoder
      case 'ogg':
        return (await (await import('@audio/decode-vorbis')).decoder()) as CodecDecoder
      case 'opus':
        return (await (await import('@audio/decode-opus')).decoder()) as CodecDecoder
    }
  })()
  return {
    decode: (chunk) => codec.decode(chunk) ?? empty,
    flush: () => codec.flush?.() ?? empty,
    free: () => codec.free(),
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
