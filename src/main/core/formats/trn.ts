import { SautiError } from '../../../shared/errors'
import { readTextFile } from './text-file'

/** Sentence markers that recognisers and corpora put in transcripts; they are not words. */
const markers = new Set(['<s>', '</s>', '<sil>', '<unk>'])

/**
 * Reads a NIST transcript file (`text (utterance-id)` per line, as sclite's `trn` format).
 * A score after the id, as decoders write it (`(id -30200)`), is ignored, and so are
 * sentence markers such as <s> and </s>.
 */
export async function readTrn(file: string): Promise<Map<string, string>> {
  const text = await readTextFile(file)
  const utterances = new Map<string, string>()
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return
    const match = /^(.*)\(([^()\s]+)(?:\s+[^()]*)?\)\s*$/.exec(line)
    if (!match)
      throw new SautiError(
        'bad_input',
        `${file}, line ${i + 1}: expected "transcript (utterance-id)".`,
        { file, line: i + 1 },
      )
    const id = match[2]!
    if (utterances.has(id))
      throw new SautiError(
        'bad_input',
        `${file}, line ${i + 1}: utterance "${id}" appears twice.`,
        { file, line: i + 1 },
      )
    const words = match[1]!.split(/\s+/).filter((w) => w && !markers.has(w.toLowerCase()))
    utterances.set(id, words.join(' '))
  })
  return utterances
}
