import type { ExportAudio, ExportFormat, Split } from '../../../shared/domain'
import {
  writeCommonVoice,
  writeCsvManifest,
  writeEaf,
  writeHuggingFace,
  writeKaldi,
  writeNemo,
  writeSrt,
  writeTextGrid,
  writeVtt,
} from '../formats/corpus'
import type { AudioMode, Corpus, ExportResult, OutFile } from '../formats/corpus/model'
import { fineTuningRecipes } from './recipes'
import type { Selection } from './select'
import type { ExportTiers } from './tier-texts'

const splits: Split[] = ['train', 'dev', 'test']

const pad = (n: number): string => String(n).padStart(6, '0')
export const recordingKey = (id: number): string => `rec${pad(id)}`
export const utteranceKey = (id: number): string => `utt${pad(id)}`
/** The extension of 16 kHz segments and whole recordings cut from the cache (not originals). */
export const cutExtension = (audio: ExportAudio): 'wav' | 'flac' =>
  audio === 'flac' ? 'flac' : 'wav'

/**
 * Kaldi speaker ids cannot hold every character a speaker code may ("SPK-SW-01" becomes
 * "SPK_SW_01"), so each data directory gets `spk2code`, which Kaldi ignores and Sauti's importer
 * reads, to bring the original codes back.
 */
function speakerCodes(dir: string, ids: Map<string, string>): OutFile[] {
  const lines = [...ids]
    .filter(([code, id]) => code !== id)
    .map(([code, id]) => `${id} ${code}\n`)
    .sort()
  return lines.length ? [{ path: `${dir}/spk2code`, content: lines.join('') }] : []
}

/**
 * Kaldi reads only WAV from wav.scp, but a line may be a command whose output is a WAV: Kaldi's
 * own recipes for FLAC corpora (LibriSpeech) write `flac -c -d -s <file> |`, and ESPnet's
 * `format_wav_scp.sh` runs such commands too. So with FLAC segments every wav.scp line becomes
 * that command (the paths stay relative to the export root; `flac` must be installed).
 */
function flacPipes(wavScp: string): string {
  return wavScp.replace(/^(\S+) (\S+\.flac)$/gm, '$1 flac -c -d -s $2 |')
}
/** The Kaldi writer's advice for non-WAV audio, which the FLAC commands above already follow. */
const notWavAdvice = /^some audio is not WAV/

/**
 * Every chosen format's files. Dataset formats get one file (or folder) per split, so a recipe
 * finds train, dev and test where it expects them; annotation and subtitle formats get one file
 * per recording. Layout in docs/export.md.
 */
export function writeFormats(
  formats: ExportFormat[],
  corpusFor: (split: Split | 'all' | 'eaf') => Corpus,
  add: (format: string, result: ExportResult) => ExportResult,
  audio: ExportAudio = 'wav',
): OutFile[] {
  const files: OutFile[] = []
  const per = (split: Split): Corpus | null => {
    const c = corpusFor(split)
    return c.utterances.length ? c : null
  }
  const wholeCorpus = corpusFor('all')
  const mode: AudioMode = wholeCorpus.utterances.some((u) => u.segmentAudioPath)
    ? 'segments'
    : 'recordings'
  let piped = false
  for (const format of formats) {
    if (
      format === 'kaldi' ||
      format === 'nemo' ||
      format === 'huggingface' ||
      format === 'commonvoice' ||
      format === 'csv'
    ) {
      for (const split of splits) {
        const corpus = per(split)
        if (!corpus) continue
        if (format === 'kaldi') {
          const k = writeKaldi(corpus, { dir: `kaldi/${split}`, audio: mode })
          if (audio === 'flac') {
            piped = true
            k.notes = k.notes.filter((n) => !(n.kind === 'info' && notWavAdvice.test(n.message)))
            k.files = k.files.map((f) =>
              f.path.endsWith('/wav.scp') && typeof f.content === 'string'
                ? { ...f, content: flacPipes(f.content) }
                : f,
            )
          }
          add('Kaldi', k)
          files.push(...k.files, ...speakerCodes(`kaldi/${split}`, k.ids.speakers))
        } else if (format === 'nemo')
          files.push(
            ...add(
              'NeMo',
              writeNemo(corpus, { dir: 'nemo', name: `${split}_manifest.jsonl`, audio: mode }),
            ).files,
          )
        else if (format === 'huggingface')
          files.push(
            ...add('Hugging Face', writeHuggingFace(corpus, { dir: `clips/${split}` })).files,
          )
        else if (format === 'commonvoice')
          files.push(
            ...add(
              'Common Voice',
              writeCommonVoice(corpus, { dir: '', name: `${split}.tsv`, clipsDir: 'clips' }),
            ).files,
          )
        else
          files.push(
            ...add(
              'CSV',
              writeCsvManifest(corpus, { dir: 'csv', name: `${split}.csv`, audio: mode }),
            ).files,
          )
      }
      continue
    }
    if (format === 'eaf') {
      const corpus = corpusFor('eaf')
      if (corpus.utterances.length)
        files.push(...add('ELAN', writeEaf(corpus, { dir: 'eaf' })).files)
      const left = wholeCorpus.recordings.length - corpus.recordings.length
      if (left > 0)
        add('ELAN', {
          files: [],
          notes: [
            {
              kind: 'skipped',
              message: `${left} recording(s) have no .eaf: ELAN links the whole recording, and other speakers without consent are heard in them`,
            },
          ],
        })
    } else if (format === 'textgrid')
      files.push(...add('Praat', writeTextGrid(wholeCorpus, { dir: 'textgrid' })).files)
    else if (format === 'vtt')
      files.push(...add('WebVTT', writeVtt(wholeCorpus, { dir: 'vtt' })).files)
    else files.push(...add('SRT', writeSrt(wholeCorpus, { dir: 'srt' })).files)
  }
  files.push(...fineTuningRecipes(formats, files))
  if (piped)
    add('Kaldi', {
      files: [],
      notes: [
        {
          kind: 'info',
          message:
            'wav.scp lines are "flac -c -d -s <file> |" commands (Kaldi reads only WAV): install flac and run recipes from the export root',
        },
      ],
    })
  return files
}

/**
 * The corpus the format writers see: one split's utterances (or all, for per-recording formats),
 * with pseudonymous ids and paths relative to the export root, and the project's tiers with
 * their texts (written by the ELAN and Praat writers only). `eafRecordings` limits the
 * recordings for ELAN, which links a whole recording's audio.
 */
export function corpusOf(
  selection: Selection,
  audio: ExportAudio,
  split: Split | 'all' | 'eaf',
  eafRecordings: Set<number>,
  projectTiers: ExportTiers = { tiers: [], texts: new Map() },
): Corpus {
  const utterances = selection.utterances.filter((u) =>
    split === 'all' ? true : split === 'eaf' ? eafRecordings.has(u.recordingId) : u.split === split,
  )
  const recordingIds = new Set(utterances.map((u) => u.recordingId))
  const speakerIds = new Set(utterances.map((u) => u.speakerId))
  const code = (id: number): string => selection.speakers.get(id)?.code ?? ''
  const tierTexts = (id: number): NonNullable<Corpus['utterances'][number]['tiers']> =>
    projectTiers.tiers.flatMap((t) => {
      const intervals = projectTiers.texts.get(id)?.get(t.id)
      return intervals?.length ? [{ tier: t.name, intervals }] : []
    })
  return {
    ...(projectTiers.tiers.length
      ? { tiers: projectTiers.tiers.map((t) => ({ name: t.name, kind: t.kind })) }
      : {}),
    speakers: [...selection.speakers.values()]
      .filter((s) => speakerIds.has(s.id))
      .map((s) => ({
        code: s.code,
        gender: s.gender,
        ageBand: s.ageBand,
        dialect: s.dialect,
        firstLanguage: s.firstLanguage,
      })),
    recordings: [...selection.recordings.values()]
      .filter((r) => recordingIds.has(r.id))
      .map((r) => {
        const speakers = new Set(
          utterances.filter((u) => u.recordingId === r.id).map((u) => u.speakerId),
        )
        return {
          id: recordingKey(r.id),
          audioPath: `recordings/${recordingKey(r.id)}.${audio === 'originals' ? r.format : cutExtension(audio)}`,
          durationSec: r.durationSec,
          speaker: speakers.size === 1 ? code([...speakers][0]!) : null,
        }
      }),
    utterances: utterances.map((u) => ({
      id: utteranceKey(u.id),
      recordingId: recordingKey(u.recordingId),
      speaker: code(u.speakerId),
      start: u.startSec,
      end: u.endSec,
      text: u.text,
      language: u.language,
      spans: u.spans,
      words: u.words,
      ...(u.noisy ? { noisy: true as const } : {}),
      ...(projectTiers.texts.has(u.id) ? { tiers: tierTexts(u.id) } : {}),
      ...(audio !== 'originals'
        ? {
            segmentAudioPath: `clips/${u.split ?? 'train'}/${utteranceKey(u.id)}.${cutExtension(audio)}`,
          }
        : {}),
    })),
  }
}
