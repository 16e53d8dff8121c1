import { resolve } from 'node:path'
import type { AnnotationImportSummary } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WorkControl } from '../jobs'
import { commitAnnotation, type AnnotationContext } from './commit-annotation'
import { readAnnotation, type AnnotationOptions } from './read-annotation'

/**
 * Imports existing annotation (ELAN, Praat, Common Voice, Kaldi, CSV/TSV manifests), one file at
 * a time and each whole or not at all: a malformed file is rejected with its position and
 * changes nothing; the others still come in. Cancelling stops before the next file.
 */
export async function importAnnotations(
  ctx: AnnotationContext,
  inputs: string[],
  options: AnnotationOptions,
  control: WorkControl = {},
): Promise<AnnotationImportSummary> {
  const summary: AnnotationImportSummary = {
    imported: [],
    rejected: [],
    notes: [],
    machineOutput: ctx.machine ? { system: ctx.machine.system } : null,
  }
  for (const [i, input] of inputs.entries()) {
    if (control.signal?.aborted) break
    const path = resolve(input)
    control.onProgress?.(i, inputs.length, path)
    try {
      const read = await readAnnotation(path, options)
      const committed = await commitAnnotation(ctx, read, {
        signal: control.signal,
        onProgress: (f) => control.onProgress?.(i + f, inputs.length, path),
      })
      if (!committed) break
      summary.imported.push({
        file: read.file,
        format: read.format,
        recordings: committed.recordings,
        utterances: committed.utterances,
        speakers: committed.speakers,
        revisions: committed.revisions,
        tierTexts: committed.tierTexts,
      })
      summary.notes.push(...committed.notes.map((n) => `${read.file}: ${n}`))
    } catch (error) {
      const message =
        error instanceof SautiError ? error.message : `${path}: ${(error as Error).message}`
      summary.rejected.push({ path, message })
    }
  }
  control.onProgress?.(inputs.length, inputs.length, '')
  return summary
}
