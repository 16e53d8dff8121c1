import { dirname, isAbsolute, resolve } from 'node:path'
import { SautiError } from '../../../shared/errors'
import { pickColumn, readTable } from './table'

export interface ManifestEntry {
  audioPath: string
  transcript: string | null
  speaker: string | null
  language: string | null
  /** "manifest.tsv:12": where this entry came from. */
  origin: string
}

const columns = {
  path: ['path', 'file', 'filename', 'file_name', 'audio', 'audio_filepath', 'wav'],
  transcript: ['transcript', 'transcription', 'text', 'sentence'],
  speaker: ['speaker', 'speaker_id', 'client_id', 'spk'],
  language: ['language', 'lang', 'locale'],
} as const

const languageTag = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i

/**
 * Reads an import manifest: TSV or CSV with a header naming at least the audio path column
 * (path/file/audio…); transcript, speaker and language are optional. Relative paths are
 * relative to the manifest. Any malformed row rejects the whole manifest with its line number.
 */
export async function readManifest(file: string): Promise<ManifestEntry[]> {
  const { header, rows } = await readTable(file)
  const pathCol = pickColumn(header, columns.path)
  if (!pathCol) {
    throw new SautiError(
      'bad_input',
      `${file}: the header has no audio path column (expected one of: ${columns.path.join(', ')}).`,
      { file },
    )
  }
  const textCol = pickColumn(header, columns.transcript)
  const speakerCol = pickColumn(header, columns.speaker)
  const langCol = pickColumn(header, columns.language)
  const base = dirname(resolve(file))
  return rows.map(({ line, values }) => {
    const where = `${file}, line ${line}`
    const rel = values[pathCol] ?? ''
    if (!rel)
      throw new SautiError('bad_input', `${where}: the ${pathCol} column is empty.`, { file, line })
    const language = (langCol && values[langCol]) || null
    if (language && !languageTag.test(language)) {
      throw new SautiError(
        'bad_input',
        `${where}: "${language}" is not a language tag (expected e.g. sw, hi, hi-en).`,
        { file, line },
      )
    }
    return {
      audioPath: isAbsolute(rel) ? rel : resolve(base, rel),
      transcript: (textCol && values[textCol]) || null,
      speaker: (speakerCol && values[speakerCol]) || null,
      language,
      origin: `${file}:${line}`,
    }
  })
}
