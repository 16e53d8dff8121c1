import { createHash, type Hash } from 'node:crypto'
import type { AudioFormat } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { Mp3FrameCheck } from './mp3-check'
import { OggPageCheck } from './ogg-check'
import { flacStreamInfo, wavLayout, type AudioProbe, type FlacStreamInfo } from './sniff'

/**
 * Checks, while a file streams through the decoder, that what was decoded is what the file
 * declares: the container's own length (WAV data size, FLAC STREAMINFO and its MD5, Ogg granule
 * positions, MP3 frames) against the samples that came out, and the decoder's sample rate
 * against the header's. Decoders accept damaged files and return what they could; this is where
 * that is caught. `finish` throws a `bad_input` naming the file and the problem, or returns
 * warnings for oddities that lose no audio.
 */
export interface StreamCheck {
  /** Every chunk of the file, in order. */
  push(chunk: Uint8Array): void
  /** Every decoded chunk, all channels. */
  decoded(channels: Float32Array[]): void
  finish(decodedFrames: number, sampleRate: number): string[]
}

export function streamCheck(format: AudioFormat, probe: AudioProbe, file: string): StreamCheck {
  switch (format) {
    case 'wav':
      return wavCheck(probe, file)
    case 'flac':
      return new FlacCheck(flacStreamInfo(probe.head, file), file)
    case 'mp3':
      return withoutSamples(new Mp3FrameCheck(file, probe.head))
    case 'ogg':
    case 'opus':
      return withoutSamples(new OggPageCheck(file, format))
  }
}

function withoutSamples(check: Omit<StreamCheck, 'decoded'>): StreamCheck {
  return {
    push: (c) => check.push(c),
    decoded: () => undefined,
    finish: (f, r) => check.finish(f, r),
  }
}

function rateMismatch(file: string, what: string, declared: number, decoded: number): SautiError {
  return new SautiError(
    'bad_input',
    `${file}: the ${what} header says ${declared} Hz but the audio decodes at ${decoded} Hz; the file is damaged.`,
    { file, declared, decoded },
  )
}

function wavCheck(probe: AudioProbe, file: string): StreamCheck {
  const layout = wavLayout(probe.head, probe.size, file)
  return {
    push: () => undefined,
    decoded: () => undefined,
    finish(decodedFrames, sampleRate) {
      if (sampleRate !== layout.sampleRate)
        throw rateMismatch(file, 'WAV', layout.sampleRate, sampleRate)
      if (layout.dataBytes === 0xffffffff || layout.frameBytes === null) return []
      const whole = Math.floor(layout.dataBytes / layout.frameBytes)
      if (decodedFrames < whole)
        throw new SautiError(
          'bad_input',
          `${file}: only ${decodedFrames} of the ${whole} sample frames its data chunk declares could be decoded; the file is damaged.`,
          { file, declared: whole, decoded: decodedFrames },
        )
      const partial = layout.dataBytes % layout.frameBytes
      return partial
        ? [
            `${file}: the data chunk ends with ${partial} bytes of an incomplete sample frame, which were left out.`,
          ]
        : []
    },
  }
}

/**
 * FLAC: STREAMINFO's sample count and rate, and its MD5 of the decoded samples, recomputed here
 * from the decoder's output (integer samples, interleaved, little-endian, as the encoder hashed
 * them). The decoder scales samples by 2^(bits − 1) − 1; the MD5 is checked up to 16 bits, where
 * that scaling is undone exactly.
 */
class FlacCheck implements StreamCheck {
  private readonly md5: Hash | null
  private readonly scale: number
  private readonly width: number

  constructor(
    private readonly info: FlacStreamInfo,
    private readonly file: string,
  ) {
    const unset = /^0+$/.test(info.md5)
    this.md5 = unset || info.bitDepth > 16 ? null : createHash('md5')
    this.scale = 2 ** (info.bitDepth - 1) - 1
    this.width = Math.ceil(info.bitDepth / 8)
  }

  push(): void {}

  decoded(channels: Float32Array[]): void {
    if (!this.md5 || channels.length === 0) return
    const frames = channels[0]!.length
    const out = new Uint8Array(frames * channels.length * this.width)
    let at = 0
    for (let i = 0; i < frames; i++)
      for (const channel of channels) {
        const value = Math.max(
          -this.scale - 1,
          Math.min(this.scale, Math.round(channel[i]! * this.scale)),
        )
        for (let k = 0; k < this.width; k++) out[at++] = (value >> (8 * k)) & 0xff
      }
    this.md5.update(out)
  }

  finish(decodedFrames: number, sampleRate: number): string[] {
    const { file, info } = this
    if (sampleRate !== info.sampleRate)
      throw rateMismatch(file, 'FLAC', info.sampleRate, sampleRate)
    if (info.totalSamples > 0 && decodedFrames < info.totalSamples)
      throw new SautiError(
        'bad_input',
        `${file}: the FLAC file is truncated: ${decodedFrames} of ${info.totalSamples} samples decoded.`,
        { file, declared: info.totalSamples, decoded: decodedFrames },
      )
    if (info.totalSamples > 0 && decodedFrames > info.totalSamples)
      throw new SautiError(
        'bad_input',
        `${file}: the FLAC file holds ${decodedFrames} samples but its header declares ${info.totalSamples}; the file is damaged.`,
        { file, declared: info.totalSamples, decoded: decodedFrames },
      )
    if (this.md5 && this.md5.digest('hex') !== info.md5)
      throw new SautiError(
        'bad_input',
        `${file}: the decoded audio does not match the FLAC file's MD5 signature; the file is damaged.`,
        { file },
      )
    return []
  }
}
