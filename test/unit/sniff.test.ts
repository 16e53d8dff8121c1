import { describe, expect, it } from 'vitest'
import { sniffAudio } from '../../src/main/core/audio/sniff'

function wav(dataBytes: number, declared = dataBytes): Uint8Array {
  const bytes = new Uint8Array(44 + dataBytes)
  const v = new DataView(bytes.buffer)
  const put = (at: number, s: string): void =>
    s.split('').forEach((c, i) => (bytes[at + i] = c.charCodeAt(0)))
  put(0, 'RIFF')
  v.setUint32(4, 36 + declared, true)
  put(8, 'WAVE')
  put(12, 'fmt ')
  v.setUint32(16, 16, true)
  v.setUint16(20, 1, true)
  v.setUint16(22, 1, true)
  v.setUint32(24, 16000, true)
  v.setUint32(28, 32000, true)
  v.setUint16(32, 2, true)
  v.setUint16(34, 16, true)
  put(36, 'data')
  v.setUint32(40, declared, true)
  return bytes
}

describe('recognising audio by content', () => {
  it('reads a WAV header', () => {
    expect(sniffAudio(wav(3200), 'a.wav')).toEqual({ format: 'wav', bitDepth: 16 })
  })

  it('names the file and the problem for a truncated WAV', () => {
    expect(() => sniffAudio(wav(100, 3200), 'short.wav')).toThrow(
      'short.wav: the WAV file is truncated: its data chunk declares 3200 bytes but only 100 are present.',
    )
  })

  it('says when a ".wav" is really text', () => {
    const text = new TextEncoder().encode('speaker,transcript\nSPK-1,habari yako\n')
    expect(() => sniffAudio(text, 'notes.wav')).toThrow(
      'notes.wav: not a supported audio file (it looks like text); expected WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus.',
    )
  })

  it('refuses an empty file', () => {
    expect(() => sniffAudio(new Uint8Array(0), 'empty.flac')).toThrow(
      'empty.flac: the file is empty or too short to be audio (0 bytes).',
    )
  })

  it('refuses other binary formats by name', () => {
    const png = Uint8Array.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
    ])
    expect(() => sniffAudio(png, 'photo.mp3')).toThrow(
      /photo\.mp3: not a supported audio file; expected WAV/,
    )
  })
})
