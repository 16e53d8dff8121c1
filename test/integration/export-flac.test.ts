import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDecoder } from '../../src/main/core/audio/decode'
import type { EventMap } from '../../src/shared/contract'
import type { Annotator, ExportSummary, Speaker } from '../../src/shared/domain'
import type { Workbench } from '../../src/main/core/workbench'
import { validateKaldiDir } from '../unit/corpus/kaldi-validate'
import { demoDir } from '../support/fixtures'
import { expectNoOpenWorkbenches, importAndWait, openTestWorkbench } from '../support/workbench'

/**
 * FLAC segments (`audio: 'flac'`): encoded by the audio workers from the same 16 kHz cache as the
 * WAV export, so, FLAC being lossless, they must decode to exactly the WAV export's int16
 * samples; and every file list, path and checksum of the export must name the FLAC files.
 */
const hasFlac = spawnSync('flac', ['--version']).error === undefined

let wb: Workbench
let dispose: () => Promise<void>
let work: string
let lead: Annotator
let wavRoot: string
let flacRoot: string
const files = [
  'sw-001.flac',
  'sw-002.flac',
  'hi-001.flac',
  'hi-en-001.flac',
  'en-001.flac',
  'en-002.opus',
  'en-006.mp3',
  'am-002.wav',
]
const formats = ['kaldi', 'nemo', 'huggingface', 'commonvoice', 'csv', 'eaf']

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await wb.call(method, input)
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

async function exportTo(dir: string, audio: 'wav' | 'flac'): Promise<ExportSummary> {
  const seen = new Map<string, EventMap['job.finished']>()
  const off = wb.events.on('job.finished', (f) => seen.set(f.jobId, f))
  try {
    const { jobId } = await call<{ jobId: string }>('export.start', {
      actorId: lead.id,
      use: 'research_release',
      dir,
      formats,
      audio,
    })
    await wb.jobs.wait(jobId)
    const f = seen.get(jobId)!
    if (f.status !== 'done') throw new Error(f.error?.message ?? f.status)
    return f.exported!
  } finally {
    off()
  }
}

/** Every file under `root`, relative, with forward slashes. */
function walk(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(root, join(dir, e.name)) : [join(dir, e.name)],
  )
}

/** The int16 samples of a WAV the export wrote (canonical 44-byte header, 16-bit mono). */
function wavSamples(file: string): Int16Array {
  const bytes = readFileSync(file)
  expect(bytes.toString('ascii', 36, 40)).toBe('data')
  const data = bytes.subarray(44)
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))
}

/**
 * A FLAC file decoded by Sauti's own import path (`openDecoder`, @audio/decode-flac), back to
 * int16: that decoder scales 16-bit samples by 1/32767 both ways.
 */
async function flacSamples(file: string): Promise<{ samples: Int16Array; sampleRate: number }> {
  const decoder = await openDecoder('flac')
  const parts: Float32Array[] = []
  let sampleRate = 0
  try {
    const bytes = readFileSync(file)
    for (const d of [decoder.decode(bytes), decoder.flush()]) {
      if (!d.channelData.length) continue
      expect(d.channelData).toHaveLength(1)
      sampleRate = d.sampleRate
      parts.push(d.channelData[0]!)
    }
  } finally {
    decoder.free()
  }
  const samples = new Int16Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) for (const v of p) samples[at++] = Math.round(v * 32767)
  return { samples, sampleRate }
}

const sha256 = (file: string): string =>
  createHash('sha256').update(readFileSync(file)).digest('hex')

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('export-flac'))
  work = mkdtempSync(join(tmpdir(), 'sauti-export-flac-'))
  const manifest = readFileSync(join(demoDir, 'manifest.tsv'), 'utf8').split('\n')
  const rows = ['path\ttranscript\tspeaker\tlanguage']
  for (const file of files) {
    const [, text, speaker, language] = manifest
      .find((l) => l.startsWith(`audio/${file}\t`))!
      .split('\t')
    rows.push([join(demoDir, 'audio', file), text, speaker, language].join('\t'))
  }
  writeFileSync(join(work, 'manifest.tsv'), rows.join('\n') + '\n')
  expect((await importAndWait(wb, [join(work, 'manifest.tsv')])).imported).toBe(files.length)
  lead = await call<Annotator>('annotator.create', { name: 'Lead', role: 'lead' })
  for (const s of await call<Speaker[]>('speaker.list', {}))
    await call('consent.grant', {
      actorId: lead.id,
      speakerId: s.id,
      scopes: ['research_release'],
      grantedAt: '2026-01-01',
    })
  // Splits are fixed by the first export, so both exports cut the same clips into the same folders.
  wavRoot = join(work, 'wav')
  flacRoot = join(work, 'flac')
  const wav = await exportTo(wavRoot, 'wav')
  const flac = await exportTo(flacRoot, 'flac')
  expect(flac.utterances).toBe(wav.utterances)
  expect(flac.utterances).toBe(files.length)
}, 180_000)

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

/** Each FLAC clip (and whole recording) of the FLAC export with its WAV twin. */
function pairs(): { flac: string; wav: string; path: string }[] {
  const audio = walk(flacRoot).filter((p) => p.endsWith('.flac'))
  return audio.map((path) => ({
    path,
    flac: join(flacRoot, path),
    wav: join(wavRoot, path.replace(/\.flac$/, '.wav')),
  }))
}

describe('an export with FLAC segments', () => {
  it('writes a FLAC file for every WAV file of the WAV export, and no WAV', () => {
    const wavs = walk(wavRoot)
      .filter((p) => p.endsWith('.wav'))
      .sort()
    const flacs = walk(flacRoot)
      .filter((p) => p.endsWith('.flac'))
      .sort()
    expect(wavs.some((p) => p.startsWith('clips/'))).toBe(true)
    expect(wavs.some((p) => p.startsWith('recordings/'))).toBe(true)
    expect(flacs).toEqual(wavs.map((p) => p.replace(/\.wav$/, '.flac')))
    expect(walk(flacRoot).filter((p) => /\.wav$/i.test(p))).toEqual([])
  })

  it("decodes with Sauti's FLAC decoder to exactly the WAV export's int16 samples", async () => {
    for (const p of pairs()) {
      const expected = wavSamples(p.wav)
      const { samples, sampleRate } = await flacSamples(p.flac)
      expect(sampleRate, p.path).toBe(16000)
      expect(samples.length, p.path).toBe(expected.length)
      expect(Buffer.from(samples.buffer).equals(Buffer.from(expected.buffer)), p.path).toBe(true)
      // STREAMINFO carries the MD5 of those samples (patched in after the streaming encoder).
      const md5 = createHash('md5').update(Buffer.from(expected.buffer)).digest('hex')
      expect(readFileSync(p.flac).subarray(26, 42).toString('hex'), p.path).toBe(md5)
    }
  })

  it('is 16 kHz, mono, 16-bit with the right length for soxi, and sox decodes it to the WAV samples', () => {
    for (const p of pairs()) {
      const expected = wavSamples(p.wav)
      const soxi = (flag: string): string =>
        execFileSync('soxi', [flag, p.flac], { encoding: 'utf8' }).trim()
      expect(soxi('-r'), p.path).toBe('16000')
      expect(soxi('-c'), p.path).toBe('1')
      expect(soxi('-b'), p.path).toBe('16')
      expect(Number(soxi('-s')), p.path).toBe(expected.length)
      expect(Math.abs(Number(soxi('-D')) - expected.length / 16000), p.path).toBeLessThan(1e-3)
      const raw = execFileSync('sox', [p.flac, '-t', 's16', '-L', '-'], {
        maxBuffer: 1 << 28,
      })
      expect(raw.equals(Buffer.from(expected.buffer)), p.path).toBe(true)
    }
  })

  it('lists every FLAC file with its size and sha256 in the manifest and SHA256SUMS', () => {
    const manifest = JSON.parse(readFileSync(join(flacRoot, 'manifest.json'), 'utf8')) as {
      settings: { audio: string }
      files: { path: string; bytes: number; sha256: string }[]
    }
    expect(manifest.settings.audio).toBe('flac')
    const listed = new Map(manifest.files.map((f) => [f.path, f]))
    const sums = new Map(
      readFileSync(join(flacRoot, 'SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(66), l.slice(0, 64)] as const),
    )
    const all = pairs()
    expect(all.length).toBeGreaterThan(files.length)
    for (const p of all) {
      const entry = listed.get(p.path)
      expect(entry, p.path).toBeDefined()
      expect(entry!.bytes, p.path).toBe(readFileSync(p.flac).length)
      expect(entry!.sha256, p.path).toBe(sha256(p.flac))
      expect(sums.get(p.path), p.path).toBe(entry!.sha256)
    }
    expect(spawnSync('sha256sum', ['-c', '--quiet', 'SHA256SUMS'], { cwd: flacRoot }).status).toBe(
      0,
    )
  })

  it('is smaller than the WAV export', () => {
    let wavBytes = 0
    let flacBytes = 0
    for (const p of pairs()) {
      wavBytes += readFileSync(p.wav).length
      flacBytes += readFileSync(p.flac).length
    }
    // Reported, not asserted beyond "smaller": the ratio depends on the speech.
    process.stdout.write(
      `FLAC ${flacBytes} bytes, WAV ${wavBytes} bytes: FLAC/WAV = ${(flacBytes / wavBytes).toFixed(3)}\n`,
    )
    expect(flacBytes).toBeLessThan(wavBytes)
  })

  it('links the FLAC files from every format: Hugging Face, Common Voice, NeMo, CSV, ELAN', () => {
    const clips = (p: string): string => p.replace(/^clips\//, '')
    for (const split of readdirSync(join(flacRoot, 'clips'))) {
      for (const line of readFileSync(join(flacRoot, 'clips', split, 'metadata.jsonl'), 'utf8')
        .trim()
        .split('\n')) {
        const name = (JSON.parse(line) as { file_name: string }).file_name
        expect(name).toMatch(/\.flac$/)
        expect(existsSync(join(flacRoot, 'clips', split, name))).toBe(true)
      }
      for (const row of readFileSync(join(flacRoot, `${split}.tsv`), 'utf8')
        .trim()
        .split('\n')
        .slice(1)) {
        const path = row.split('\t')[1]!
        expect(path).toMatch(/\.flac$/)
        expect(existsSync(join(flacRoot, 'clips', clips(path)))).toBe(true)
      }
    }
    for (const name of readdirSync(join(flacRoot, 'nemo')))
      for (const line of readFileSync(join(flacRoot, 'nemo', name), 'utf8')
        .trim()
        .split('\n')) {
        const path = (JSON.parse(line) as { audio_filepath: string }).audio_filepath
        expect(path).toMatch(/\.flac$/)
        expect(existsSync(join(flacRoot, 'nemo', path)), path).toBe(true)
      }
    const csv = readdirSync(join(flacRoot, 'csv')).map((n) =>
      readFileSync(join(flacRoot, 'csv', n), 'utf8'),
    )
    expect(csv.join('\n')).toMatch(/\.flac/)
    expect(csv.join('\n')).not.toMatch(/\.wav/)
    for (const name of readdirSync(join(flacRoot, 'eaf'))) {
      const xml = readFileSync(join(flacRoot, 'eaf', name), 'utf8')
      const media = /RELATIVE_MEDIA_URL="([^"]+)"/.exec(xml)![1]!
      expect(media).toMatch(/\.flac$/)
      expect(xml).toContain('MIME_TYPE="audio/flac"')
      expect(existsSync(join(flacRoot, 'eaf', decodeURIComponent(media)))).toBe(true)
    }
  })

  it('gives Kaldi wav.scp lines that decode the FLAC files with `flac -c -d -s … |`', () => {
    for (const split of readdirSync(join(flacRoot, 'kaldi'))) {
      const dir = join(flacRoot, 'kaldi', split)
      const contents = new Map(readdirSync(dir).map((n) => [n, readFileSync(join(dir, n), 'utf8')]))
      expect(validateKaldiDir(contents), split).toEqual([])
      const wavDir = join(wavRoot, 'kaldi', split)
      const wavLines = readFileSync(join(wavDir, 'wav.scp'), 'utf8').trim().split('\n')
      const lines = contents.get('wav.scp')!.trim().split('\n')
      expect(lines).toHaveLength(wavLines.length)
      lines.forEach((line, i) => {
        const m = /^(\S+) flac -c -d -s (\S+\.flac) \|$/.exec(line)
        expect(m, line).not.toBeNull()
        // The same utterance ids and order as the WAV export's wav.scp, the same clip.
        expect(`${m![1]} ${m![2]!.replace(/\.flac$/, '.wav')}`).toBe(wavLines[i])
        expect(existsSync(join(flacRoot, m![2]!)), line).toBe(true)
      })
    }
  })

  it.skipIf(!hasFlac)('has wav.scp commands that run and give the WAV samples', () => {
    for (const split of readdirSync(join(flacRoot, 'kaldi')))
      for (const line of readFileSync(join(flacRoot, 'kaldi', split, 'wav.scp'), 'utf8')
        .trim()
        .split('\n')) {
        const command = line.slice(line.indexOf(' ') + 1).replace(/\s*\|$/, '')
        const wav = execFileSync('sh', ['-c', command], { cwd: flacRoot, maxBuffer: 1 << 28 })
        const path = /(\S+)\.flac$/.exec(command)![1]!
        const expected = readFileSync(join(wavRoot, `${path}.wav`)).subarray(44)
        // flac may write a longer header; the samples are the data chunk's end.
        expect(wav.subarray(wav.length - expected.length).equals(expected), line).toBe(true)
      }
  })

  it('says so in the datasheet, with the Kaldi note instead of the advice to convert', () => {
    const sheet = JSON.parse(readFileSync(join(flacRoot, 'datasheet.json'), 'utf8')) as {
      audio: string
      audioFiles: string
      notes: string[]
    }
    expect(sheet.audio).toBe('flac')
    expect(sheet.audioFiles).toMatch(/FLAC/)
    expect(sheet.notes.filter((n) => n.includes('flac -c -d -s'))).toHaveLength(1)
    expect(sheet.notes.some((n) => n.includes('some audio is not WAV'))).toBe(false)
    expect(readFileSync(join(flacRoot, 'README.md'), 'utf8')).toMatch(/FLAC \(lossless\)/)
  })

  it('fails naming the missing 16 kHz cache and leaves no folder behind', async () => {
    const { sha256: sha } = wb.project.db
      .prepare('SELECT sha256 FROM recording ORDER BY id DESC LIMIT 1')
      .get() as { sha256: string }
    const cache = join(wb.project.paths.pcmDir, `${sha}.f32`)
    renameSync(cache, `${cache}.away`)
    try {
      await expect(exportTo(join(work, 'broken'), 'flac')).rejects.toThrow(
        `the 16 kHz audio cache ${cache} is missing`,
      )
    } finally {
      renameSync(`${cache}.away`, cache)
    }
    expect(readdirSync(work).filter((n) => n.includes('broken'))).toEqual([])
  })
})
