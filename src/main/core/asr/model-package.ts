import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { SautiError } from '../../../shared/errors'
import { logMelSchema } from './log-mel'
import { findControlCharacter } from '../../../shared/contract/fields'
import { decodeUserText } from '../formats/text-gate'
import type { Vocabulary } from './vocab'

/**
 * A model package (docs/models.md): a folder with model.onnx, a vocabulary and either Sauti's
 * model.json or a Hugging Face CTC export's config.json / preprocessor_config.json.
 */
const headSchema = z.object({
  name: z.string().min(1).max(50),
  output: z.string().min(1).max(200),
  vocabulary: z.string().min(1).max(200),
  blank: z.string().min(1).max(50),
  wordDelimiter: z.string().max(50).nullable().default('|'),
  unit: z.enum(['char', 'phone', 'subword']).default('char'),
})

export const manifestSchema = z.object({
  format: z.literal('sauti-model/1'),
  name: z.string().min(1).max(200),
  version: z.string().max(50).optional(),
  sampleRate: z.literal(16000),
  /** Seconds per output frame; measured by the probe when absent. */
  frameStrideSec: z.number().positive().max(1).optional(),
  input: z.string().min(1).max(200).default('input_values'),
  /** Zero mean and unit variance per utterance before the model (wav2vec2's do_normalize). */
  normalize: z.boolean().default(true),
  /**
   * Whether utterances of different lengths may share one run, padded with silence. False for
   * a model that normalises over its whole input inside the graph: padding would shift it.
   */
  batchable: z.boolean().default(true),
  /**
   * For a model whose input is features, not samples (NeMo's exports): the front end Sauti
   * computes before the graph (log-mel.ts). Absent: the input is 16 kHz samples.
   */
  features: logMelSchema.optional(),
  outputs: z
    .object({
      logits: z.string().min(1).default('logits'),
      hiddenStates: z.string().min(1).nullable().default('hidden_states'),
    })
    .default({ logits: 'logits', hiddenStates: 'hidden_states' }),
  vocabulary: z.string().min(1).max(200).default('vocab.json'),
  blank: z.string().min(1).max(50).default('<pad>'),
  wordDelimiter: z.string().max(50).nullable().default('|'),
  unit: z.enum(['char', 'phone', 'subword']).default('char'),
  /** Further CTC heads on the same encoder (e.g. characters beside phones). */
  heads: z.array(headSchema).max(16).default([]),
  languages: z.array(z.string().max(35)).max(500).default([]),
  licence: z.string().max(200).default('unknown'),
  provenance: z.record(z.string(), z.unknown()).default({}),
})

export type ModelManifest = z.infer<typeof manifestSchema>

export interface ModelPackage {
  dir: string
  manifest: ModelManifest
  /** The main head's vocabulary. */
  vocabulary: Vocabulary
  /** Where the package came from: our own manifest or a Hugging Face export. */
  layout: 'sauti' | 'huggingface'
  /** vocab.json holds one vocabulary per language (MMS); registration writes the chosen one. */
  perLanguageVocabulary?: true
}

/**
 * A JSON file of the package, through the text gate (UTF-8, no control characters), and with no
 * control character hidden in its strings either ("\u0000" is valid JSON).
 */
async function readJson(file: string): Promise<unknown> {
  const text = decodeUserText(await readFile(file), file)
  let value: unknown
  try {
    value = JSON.parse(text) as unknown
  } catch (error) {
    throw new SautiError('bad_input', `${file}: not readable JSON (${(error as Error).message}).`, {
      file,
    })
  }
  refuseControlInStrings(value, file, '')
  return value
}

function refuseControlInStrings(value: unknown, file: string, path: string): void {
  if (typeof value === 'string') {
    const found = findControlCharacter(value)
    if (found)
      throw new SautiError(
        'bad_input',
        `${file}: ${path || 'a value'} holds the control character ${found.code}; the file is damaged.`,
        { file },
      )
  } else if (value && typeof value === 'object')
    for (const [key, inner] of Object.entries(value)) {
      refuseControlInStrings(key, file, path)
      refuseControlInStrings(inner, file, path ? `${path}.${key}` : key)
    }
}

/**
 * A vocabulary file's tokens in id order: a JSON object {token: id} (Hugging Face) or an array;
 * MMS keeps one such object per language ({"swh": {…}, "eng": {…}}), read for `language`.
 */
async function readTokens(file: string, language?: string): Promise<string[]> {
  if (!existsSync(file))
    throw new SautiError('bad_input', `no vocabulary: ${file} does not exist.`, { file })
  let raw = await readJson(file)
  if (Array.isArray(raw) && raw.every((t) => typeof t === 'string')) return raw as string[]
  const perLanguage = raw && typeof raw === 'object' ? Object.entries(raw) : []
  if (perLanguage.length > 0 && perLanguage.every(([, v]) => v && typeof v === 'object')) {
    const languages = perLanguage.map(([code]) => code)
    if (!language)
      throw new SautiError(
        'bad_input',
        `${file}: holds vocabularies for ${languages.length} languages (${languages.slice(0, 8).join(', ')}${languages.length > 8 ? ', …' : ''}); say which one the export's head is for (--language, or target_lang in tokenizer_config.json).`,
        { file },
      )
    if (!languages.includes(language))
      throw new SautiError(
        'bad_input',
        `${file}: has no vocabulary for "${language}" (it has ${languages.slice(0, 8).join(', ')}${languages.length > 8 ? ', …' : ''}).`,
        { file },
      )
    raw = (raw as Record<string, unknown>)[language]
  }
  if (!raw || typeof raw !== 'object' || !Object.values(raw).every((v) => Number.isInteger(v))) {
    throw new SautiError('bad_input', `${file}: expected {"token": id, …} or ["token", …].`, {
      file,
    })
  }
  const entries = Object.entries(raw as Record<string, number>)
  const tokens = new Array<string>(entries.length)
  for (const [token, id] of entries) {
    if (id < 0 || id >= entries.length || tokens[id] !== undefined) {
      throw new SautiError(
        'bad_input',
        `${file}: token ids must be 0..${entries.length - 1}, each once ("${token}" has ${id}).`,
        { file },
      )
    }
    tokens[id] = token
  }
  return tokens
}

export async function readVocabulary(
  file: string,
  blankToken: string,
  delimiterToken: string | null,
): Promise<Vocabulary> {
  const tokens = await readTokens(file)
  const blank = tokens.indexOf(blankToken)
  if (blank < 0)
    throw new SautiError(
      'bad_input',
      `${file}: the blank token "${blankToken}" is not in the vocabulary.`,
      { file },
    )
  const delimiter = delimiterToken === null ? -1 : tokens.indexOf(delimiterToken)
  return { tokens, blank, wordDelimiter: delimiter >= 0 ? delimiter : null }
}

/**
 * Reads and checks a package's files; the ONNX graph itself is checked by validateModel.
 * `onnxFile` is the graph's path in the folder (a hub repository keeps it in onnx/), and
 * `language` picks one of a multilingual vocabulary's languages (MMS).
 */
export async function readModelPackage(
  dir: string,
  options: { onnxFile?: string; language?: string } = {},
): Promise<ModelPackage> {
  const onnxFile = options.onnxFile ?? 'model.onnx'
  if (!existsSync(join(dir, onnxFile))) {
    throw new SautiError(
      'bad_input',
      `${dir}: no ${onnxFile} (a model package is a folder with model.onnx, a vocabulary and model.json or config.json).`,
      { dir },
    )
  }
  const manifestFile = join(dir, 'model.json')
  if (existsSync(manifestFile)) {
    const parsed = manifestSchema.safeParse(await readJson(manifestFile))
    if (!parsed.success) {
      const issues = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
        .join('; ')
      throw new SautiError('bad_input', `${manifestFile}: ${issues}.`, { file: manifestFile })
    }
    const manifest = parsed.data
    const vocabulary = await readVocabulary(
      join(dir, manifest.vocabulary),
      manifest.blank,
      manifest.wordDelimiter,
    )
    for (const head of manifest.heads)
      await readVocabulary(join(dir, head.vocabulary), head.blank, head.wordDelimiter)
    return { dir, manifest, vocabulary, layout: 'sauti' }
  }
  return readHuggingFaceExport(dir, options.language)
}

interface HfConfig {
  pad_token_id?: number
  conv_stride?: number[]
  vocab_size?: number
  _name_or_path?: string
  model_type?: string
}

async function readHuggingFaceExport(dir: string, language?: string): Promise<ModelPackage> {
  const configFile = join(dir, 'config.json')
  const preprocessorFile = join(dir, 'preprocessor_config.json')
  if (!existsSync(configFile) && !existsSync(preprocessorFile)) {
    throw new SautiError(
      'bad_input',
      `${dir}: neither model.json nor config.json / preprocessor_config.json; cannot tell how to use model.onnx.`,
      { dir },
    )
  }
  const config = (existsSync(configFile) ? await readJson(configFile) : {}) as HfConfig
  const preprocessor = (existsSync(preprocessorFile) ? await readJson(preprocessorFile) : {}) as {
    sampling_rate?: number
    do_normalize?: boolean
  }
  if (preprocessor.sampling_rate !== undefined && preprocessor.sampling_rate !== 16000) {
    throw new SautiError(
      'bad_input',
      `${preprocessorFile}: sampling_rate is ${preprocessor.sampling_rate}; Sauti runs models at 16000 Hz.`,
      { file: preprocessorFile },
    )
  }
  const vocabFile = join(dir, 'vocab.json')
  if (!existsSync(vocabFile))
    throw new SautiError(
      'bad_input',
      `no vocabulary: ${vocabFile} does not exist (a Hugging Face CTC export keeps its tokens there).`,
      { dir },
    )
  const tokenizerFile = join(dir, 'tokenizer_config.json')
  const tokenizer = (existsSync(tokenizerFile) ? await readJson(tokenizerFile) : {}) as {
    target_lang?: string | null
  }
  const vocabularyLanguage = language ?? tokenizer.target_lang ?? undefined
  const tokens = await readTokens(vocabFile, vocabularyLanguage)
  const multilingual = await isPerLanguage(vocabFile)
  // The CTC head of a wav2vec2-style model has vocab_size outputs; a config that says otherwise
  // was written for another vocabulary (an MMS vocabulary per language is sized by its adapter).
  if (!multilingual && typeof config.vocab_size === 'number' && config.vocab_size !== tokens.length)
    throw new SautiError(
      'bad_input',
      `${configFile}: vocab_size is ${config.vocab_size}, but ${vocabFile} holds ${tokens.length} tokens; the files belong to different models.`,
      { file: configFile },
    )
  // The CTC blank is the padding token in wav2vec2-style exports.
  const blankToken =
    config.pad_token_id !== undefined
      ? tokens[config.pad_token_id]
      : tokens.includes('<pad>')
        ? '<pad>'
        : undefined
  if (!blankToken)
    throw new SautiError(
      'bad_input',
      `${configFile}: pad_token_id is missing and the vocabulary has no "<pad>": cannot tell the CTC blank.`,
      { dir },
    )
  const stride = config.conv_stride?.reduce((a, b) => a * b, 1)
  const manifest = manifestSchema.parse({
    format: 'sauti-model/1',
    name: config._name_or_path || dir.split(/[\\/]/).filter(Boolean).pop() || 'model',
    sampleRate: 16000,
    ...(stride ? { frameStrideSec: stride / 16000 } : {}),
    normalize: preprocessor.do_normalize ?? true,
    vocabulary: 'vocab.json',
    blank: blankToken,
    wordDelimiter: tokens.includes('|') ? '|' : null,
    ...(multilingual && vocabularyLanguage ? { languages: [vocabularyLanguage] } : {}),
    provenance: {
      importedFrom: 'huggingface-export',
      modelType: config.model_type ?? null,
      ...(multilingual ? { vocabularyLanguage } : {}),
    },
  })
  const blank = tokens.indexOf(blankToken)
  const delimiter = manifest.wordDelimiter === null ? -1 : tokens.indexOf(manifest.wordDelimiter)
  return {
    dir,
    manifest,
    vocabulary: { tokens, blank, wordDelimiter: delimiter >= 0 ? delimiter : null },
    layout: 'huggingface',
    ...(multilingual ? { perLanguageVocabulary: true } : {}),
  }
}

async function isPerLanguage(file: string): Promise<boolean> {
  const raw = await readJson(file)
  return (
    !!raw &&
    typeof raw === 'object' &&
    !Array.isArray(raw) &&
    Object.values(raw).every((v) => v !== null && typeof v === 'object')
  )
}
