import { readFile, stat } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path'
import { SautiError } from '../../../shared/errors'
import { audioExtensions } from '../audio/sniff'
import {
  readCommonVoice,
  readCsvManifest,
  readEaf,
  readKaldiDir,
  readTextGrid,
  type KaldiFiles,
} from '../formats/corpus'
import type { Corpus } from '../formats/corpus/model'
import { decodeUserText } from '../formats/text-gate'
import { checkCorpusFields } from './check-fields'

export type AnnotationFormat = 'eaf' | 'textgrid' | 'commonvoice' | 'kaldi' | 'csv'

export interface AnnotationOptions {
  /** ELAN or Praat tiers to read (default: the readers' defaults). */
  tiers?: string[]
}

export interface ReadAnnotation {
  file: string
  format: AnnotationFormat
  corpus: Corpus
  notes: string[]
  /** Each recording's audio, found on disk: corpus recording id → absolute path. */
  audio: Map<string, string>
}

/** Annotation files are text; anything this large is not one. */
const MAX_BYTES = 256 * 1024 ** 2

async function regularFile(path: string): Promise<Buffer> {
  const info = await stat(path).catch(() => null)
  if (!info) throw new SautiError('not_found', `${path}: no such file.`, { file: path })
  if (!info.isFile())
    throw new SautiError('bad_input', `${path}: not a regular file.`, { file: path })
  if (info.size > MAX_BYTES)
    throw new SautiError('bad_input', `${path}: too large for an annotation file.`, { file: path })
  return readFile(path)
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false
}

const kaldiOptional = ['segments', 'spk2gender', 'reco2dur', 'utt2dur', 'utt2lang'] as const

/**
 * Reads one annotation file (or Kaldi data directory); throws `bad_input` with its position, or
 * naming the utterance whose fields the contract would refuse.
 */
export async function readAnnotation(
  input: string,
  options: AnnotationOptions,
): Promise<ReadAnnotation> {
  const read = await readAnyAnnotation(input, options)
  checkCorpusFields(read)
  return read
}

async function readAnyAnnotation(
  input: string,
  options: AnnotationOptions,
): Promise<ReadAnnotation> {
  const file = resolve(input)
  const info = await stat(file).catch(() => null)
  if (!info) throw SautiError.saying('not_found', 'fileMissing', { path: file }, { file })
  if (info.isDirectory()) return readKaldi(file)
  const bytes = await regularFile(file)
  const ext = extname(file).toLowerCase()
  const dir = dirname(file)
  if (ext === '.eaf') {
    const { corpus, notes } = readEaf(bytes, file, options.tiers ? { tiers: options.tiers } : {})
    return { file, format: 'eaf', corpus, notes, audio: await locate(corpus, [dir], file) }
  }
  if (ext === '.textgrid') {
    const { corpus, notes } = readTextGrid(
      bytes,
      file,
      options.tiers ? { tiers: options.tiers } : {},
    )
    // A TextGrid names no audio: look for a file of the same name beside it, or in the sibling
    // folders a Sauti export keeps recordings in.
    const stem = basename(file, extname(file))
    for (const r of corpus.recordings) {
      for (const folder of [dir, join(dir, '..', 'recordings'), join(dir, '..', 'audio')]) {
        const found = await firstExisting(audioExtensions.map((e) => join(folder, stem + e)))
        if (found) {
          r.audioPath = found
          break
        }
      }
    }
    return { file, format: 'textgrid', corpus, notes, audio: await locate(corpus, [dir], file) }
  }
  if (ext === '.tsv' || ext === '.csv') {
    const text = decodeUserText(bytes, file)
    const header = text.slice(0, text.indexOf('\n') >>> 0).split('\t')
    if (ext === '.tsv' && header.includes('client_id') && header.includes('sentence')) {
      const { corpus, notes } = readCommonVoice(text, file)
      return {
        file,
        format: 'commonvoice',
        corpus,
        notes,
        audio: await locate(corpus, [dir], file),
      }
    }
    const { corpus, notes } = readCsvManifest(text, file)
    return { file, format: 'csv', corpus, notes, audio: await locate(corpus, [dir], file) }
  }
  throw new SautiError(
    'bad_input',
    `${file}: not an annotation file Sauti reads (.eaf, .TextGrid, .tsv, .csv, or a Kaldi data folder).`,
    { file },
  )
}

async function firstExisting(candidates: string[]): Promise<string | null> {
  for (const c of candidates) if (await isFile(c)) return c
  return null
}

async function readKaldi(dir: string): Promise<ReadAnnotation> {
  const text = async (name: string): Promise<string | undefined> =>
    (await isFile(join(dir, name)))
      ? decodeUserText(await regularFile(join(dir, name)), join(dir, name))
      : undefined
  const files: Partial<KaldiFiles> = {}
  for (const name of ['text', 'utt2spk', 'wav.scp'] as const) {
    const content = await text(name)
    if (content === undefined)
      throw new SautiError('bad_input', `${dir}: not a Kaldi data directory (no ${name}).`, {
        file: dir,
      })
    files[name] = content
  }
  for (const name of kaldiOptional) {
    const content = await text(name)
    if (content !== undefined) files[name] = content
  }
  const { corpus, notes } = readKaldiDir(files as KaldiFiles, dir)
  // spk2code (written by Sauti's export) gives back the codes Kaldi's ids could not hold.
  const codes = new Map(
    ((await text('spk2code')) ?? '')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f): f is [string, string] => f.length === 2 && !!f[0] && !!f[1]),
  )
  if (codes.size) {
    const code = (s: string | null): string | null => (s === null ? null : (codes.get(s) ?? s))
    for (const s of corpus.speakers) s.code = code(s.code) ?? s.code
    for (const r of corpus.recordings) r.speaker = code(r.speaker)
    for (const u of corpus.utterances) u.speaker = code(u.speaker)
  }
  // wav.scp paths are relative to where the recipe runs: the data directory's ancestors.
  const ancestors = [dir, dirname(dir), dirname(dirname(dir)), dirname(dirname(dirname(dir)))]
  return { file: dir, format: 'kaldi', corpus, notes, audio: await locate(corpus, ancestors, dir) }
}

/**
 * Finds every recording's audio: absolute, else relative to the first base where it exists.
 * Refusals name the annotation file (`file`) that asked for the audio.
 */
async function locate(corpus: Corpus, bases: string[], file: string): Promise<Map<string, string>> {
  const found = new Map<string, string>()
  for (const r of corpus.recordings) {
    if (r.audioPath.trimEnd().endsWith('|'))
      throw new SautiError(
        'bad_input',
        `${file}: recording "${r.id}": wav.scp commands ("… |") cannot be imported; convert the audio to files first.`,
        { file },
      )
    const candidates = isAbsolute(r.audioPath)
      ? [r.audioPath]
      : bases.map((b) => resolve(b, r.audioPath))
    const path = await firstExisting(candidates)
    if (!path)
      throw new SautiError(
        'not_found',
        `${file}: the audio of recording "${r.id}" was not found: ${r.audioPath} (looked in ${bases.join(', ')}).`,
        { file },
      )
    found.set(r.id, path)
  }
  return found
}
