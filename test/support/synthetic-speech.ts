import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { appRoot } from './fixtures'

export interface SyntheticSpeaker {
  code: string
  /** An espeak-ng voice variant, e.g. "sw+f3". */
  voice: string
  pitch: number
  speed: number
  /** sox effects after synthesis (noise is not a sox effect: see `noise`). */
  effects?: string[]
  /** Mix white noise at this amplitude (0..1) under the voice. */
  noise?: number
}

/** Six Swahili voices (espeak-ng variants), each a "speaker". */
export const swahiliSpeakers: SyntheticSpeaker[] = [
  { code: 'SW-A', voice: 'sw+m1', pitch: 40, speed: 150 },
  { code: 'SW-B', voice: 'sw+f2', pitch: 60, speed: 160 },
  { code: 'SW-C', voice: 'sw+m3', pitch: 35, speed: 140 },
  { code: 'SW-D', voice: 'sw+f4', pitch: 65, speed: 155 },
  { code: 'SW-E', voice: 'sw+m2', pitch: 45, speed: 165 },
  { code: 'SW-F', voice: 'sw+f1', pitch: 55, speed: 145 },
]

/** The committed Swahili sentences (test/fixtures/adaptation/sw-sentences.txt). */
export function swahiliSentences(): string[] {
  return readFileSync(join(appRoot, 'test/fixtures/adaptation/sw-sentences.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
}

/**
 * Converts a recording to what the tests import, 16 kHz mono 16-bit WAV (sox, with repeatable
 * dither so a run makes the same bytes each time), applying sox `effects` after.
 */
export function toSpeechWav(input: string, output: string, effects: string[] = []): void {
  execFileSync('sox', ['-R', input, '-r', '16000', '-c', '1', '-b', '16', output, ...effects])
}

/**
 * Speaks each sentence with espeak-ng (speakers taking turns), converts it to 16 kHz mono WAV
 * with sox, and writes a manifest (path, transcript, speaker, language) beside the audio.
 */
export function synthesiseCorpus(
  dir: string,
  sentences: string[],
  speakers: SyntheticSpeaker[],
  language = 'sw',
  options: { transcribed?: boolean } = {},
): string {
  const transcribed = options.transcribed ?? true
  mkdirSync(dir, { recursive: true })
  const lines = ['path\ttranscript\tspeaker\tlanguage']
  sentences.forEach((sentence, i) => {
    const s = speakers[i % speakers.length]!
    const raw = join(dir, `raw-${i}.wav`)
    const wav = `utt-${String(i).padStart(3, '0')}.wav`
    execFileSync('espeak-ng', [
      '-v',
      s.voice,
      '-p',
      String(s.pitch),
      '-s',
      String(s.speed),
      '-w',
      raw,
      sentence,
    ])
    toSpeechWav(raw, join(dir, wav), s.effects)
    if (s.noise) {
      const clean = join(dir, `clean-${i}.wav`)
      execFileSync('mv', [join(dir, wav), clean])
      const noise = join(dir, `noise-${i}.wav`)
      // White noise of the clip's length from a seeded generator: sox's own would differ on
      // every run (and be the same clip after clip under -R).
      const samples = Number(execFileSync('soxi', ['-s', clean], { encoding: 'utf8' }).trim())
      const random = mulberry32(hashSeed(`${s.code}/${i}`))
      const pcm = new Int16Array(samples)
      for (let k = 0; k < samples; k++) pcm[k] = Math.round((2 * random() - 1) * s.noise * 32767)
      const raw = join(dir, `noise-${i}.raw`)
      writeFileSync(raw, new Uint8Array(pcm.buffer))
      execFileSync('sox', [
        '-R',
        '-t',
        'raw',
        '-r',
        '16000',
        '-e',
        'signed',
        '-b',
        '16',
        '-c',
        '1',
        raw,
        noise,
      ])
      execFileSync('rm', [raw])
      execFileSync('sox', ['-R', '-m', clean, noise, join(dir, wav)])
      execFileSync('rm', [clean, noise])
    }
    lines.push(`${wav}\t${transcribed ? sentence : ''}\t${s.code}\t${language}`)
  })
  const manifest = join(dir, 'manifest.tsv')
  writeFileSync(manifest, lines.join('\n') + '\n')
  return manifest
}

/** A 32-bit seed from a string (FNV-1a). */
function hashSeed(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h
}

/** Deterministic pseudo-random numbers (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `count` new prompts of 3–7 words drawn from the committed sentences' words (seeded): more
 * varied text than the 72 sentences, with the same spelling.
 */
export function generatedSentences(count: number, seed = 1): string[] {
  const vocabulary = [...new Set(swahiliSentences().flatMap((s) => s.split(/\s+/)))]
  const random = mulberry32(seed)
  return Array.from({ length: count }, () => {
    const n = 3 + Math.floor(random() * 5)
    return Array.from(
      { length: n },
      () => vocabulary[Math.floor(random() * vocabulary.length)]!,
    ).join(' ')
  })
}

/** What a voice-activity detector lets through in field recordings besides speech. */
export type NonSpeech = 'music' | 'clatter' | 'hum'

/**
 * `count` clips without speech, as VAD segments of field recordings often are: music (a few
 * sine chords with tremolo), clatter (short noise bursts) and mains hum under room noise;
 * 1.5–4.5 s each, seeded. The manifest has no transcripts: an annotator would flag them.
 */
export function synthesiseNonSpeech(dir: string, count: number, speaker: string, seed = 1): string {
  mkdirSync(dir, { recursive: true })
  const random = mulberry32(seed)
  const kinds: NonSpeech[] = ['music', 'clatter', 'hum']
  const lines = ['path\ttranscript\tspeaker\tlanguage']
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length]!
    const seconds = (1.5 + 3 * random()).toFixed(2)
    const wav = `nonspeech-${String(i).padStart(3, '0')}.wav`
    const base = 110 * 2 ** Math.floor(random() * 3)
    const synth: Record<NonSpeech, string[]> = {
      music: [
        'synth',
        seconds,
        'sine',
        String(base),
        'sine',
        String(base * 1.25),
        'sine',
        String(base * 1.5),
        'tremolo',
        String(2 + 4 * random()),
        '60',
        'vol',
        '0.3',
      ],
      clatter: [
        'synth',
        seconds,
        'whitenoise',
        'tremolo',
        String(3 + 6 * random()),
        '100',
        'vol',
        '0.25',
      ],
      hum: [
        'synth',
        seconds,
        'brownnoise',
        'sine',
        String(50 + 10 * Math.floor(random() * 2)),
        'vol',
        '0.1',
      ],
    }
    // Made from nothing: sox's null input and the synthesis effects.
    toSpeechWav('-n', join(dir, wav), synth[kind])
    lines.push(`${wav}\t\t${speaker}\t`)
  }
  const manifest = join(dir, 'manifest.tsv')
  writeFileSync(manifest, lines.join('\n') + '\n')
  return manifest
}

const englishWords =
  'the people of this town have been waiting for rain since last year and now we need water for our children school market road money work family farm price government'.split(
    ' ',
  )

/** `count` English prompts of 3–7 words (seeded): the other language of a Swahili recording. */
export function generatedEnglish(count: number, seed = 1): string[] {
  const random = mulberry32(seed)
  return Array.from({ length: count }, () =>
    Array.from(
      { length: 3 + Math.floor(random() * 5) },
      () => englishWords[Math.floor(random() * englishWords.length)]!,
    ).join(' '),
  )
}
