/** What an import of existing annotation did. */
import type { RejectedFile } from './audio'

export interface AnnotationImportSummary {
  imported: {
    file: string
    format: string
    recordings: number
    utterances: number
    speakers: number
    revisions: number
  }[]
  rejected: RejectedFile[]
  notes: string[]
}
