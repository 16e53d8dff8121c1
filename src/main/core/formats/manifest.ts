import { dirname, isAbsolute, resolve } from 'node:path'
import type { z } from 'zod'
import { SautiError } from '../../../shared/errors'
import { languageTag, speakerCode, transcript } from '../../../shared/contract/fields'
import { pickColumn, readTable } from './table'
import { checkField } from './text-gate'

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
    // The same rules as the API's: a manifest cannot store what a call would be refused.
    const field = <T>(column: string | undefined, schema: z.ZodType<T>, name: string): T | null => {
      const value = (column && values[column]) || null
      return value === null ? null : checkField(schema, value, where, name)
    }
    return {
      audioPath: isAbsolute(rel) ? rel : resolve(base, rel),
      transcript: field(textCol, transcript, 'transcript'),
      speaker: field(speakerCol, speakerCode, 'speaker code'),
      language: field(langCol, languageTag, 'language'),
      origin: `${file}:${line}`,
    }
  })
}
