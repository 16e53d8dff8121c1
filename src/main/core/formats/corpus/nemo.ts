import { clipsOf } from './clips'
import type { AudioMode, Corpus, ExportResult } from './model'
import { joinPath } from './text'

export interface NemoOptions {
  /** Folder of the manifest inside the export; audio paths are written relative to it. */
  dir?: string
  /** File name of the manifest. Default: manifest.jsonl. */
  name?: string
  /** `recordings`: the original files with `offset`; `segments`: one file per utterance. */
  audio?: AudioMode
}

/**
 * A NeMo ASR manifest: one JSON object per line with `audio_filepath` (relative to the manifest,
 * which is how NeMo resolves relative paths), `duration` and `text`, plus `offset` when it points
 * into whole recordings, `lang` when known and `speaker`. Empty transcripts are left out.
 */
export function writeNemo(corpus: Corpus, options: NemoOptions = {}): ExportResult {
  const dir = options.dir ?? ''
  const audio = options.audio ?? 'recordings'
  const { clips, notes } = clipsOf(corpus, {
    relativeTo: dir,
    audio,
    keepEmpty: false,
    format: 'A NeMo manifest in segments mode',
  })
  const lines = clips.map((c) =>
    JSON.stringify({
      audio_filepath: c.path,
      ...(audio === 'recordings' ? { offset: c.offsetMs / 1000 } : {}),
      duration: c.durationMs / 1000,
      text: c.text,
      ...(c.u.language ? { lang: c.u.language } : {}),
      speaker: c.u.speaker,
    }),
  )
  const content = lines.map((l) => `${l}\n`).join('')
  return { files: [{ path: joinPath(dir, options.name ?? 'manifest.jsonl'), content }], notes }
}
