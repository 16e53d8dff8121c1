/**
 * The corpus format layer: writers turn a consented corpus into files (contents only; the caller
 * writes them), readers turn existing annotation into a corpus or throw `bad_input` naming the
 * file, line and column. See docs/export-formats.md.
 */
export type * from './model'
export { writeKaldi, type KaldiExport, type KaldiOptions } from './kaldi-write'
export { readKaldiDir, type KaldiFiles } from './kaldi-read'
export { writeNemo, type NemoOptions } from './nemo'
export { writeHuggingFace, type HuggingFaceOptions } from './huggingface'
export {
  commonVoiceColumns,
  readCommonVoice,
  writeCommonVoice,
  type CommonVoiceOptions,
} from './common-voice'
export {
  csvManifestColumns,
  readCsvManifest,
  writeCsvManifest,
  type CsvManifestOptions,
} from './csv-manifest'
export { writeEaf, type EafOptions } from './eaf-write'
export { readEaf, type EafReadOptions } from './eaf-read'
export { writeTextGrid, type TextGridOptions } from './textgrid-write'
export { readTextGrid, type TextGridReadOptions } from './textgrid-read'
export { writeSrt, writeVtt, type SubtitleOptions } from './subtitles'
