/** What an import of existing annotation did. */
import type { RejectedFile } from './audio'
import type { MachineOutputChoice } from './provenance'

export interface AnnotationImportSummary {
  imported: {
    file: string
    format: string
    recordings: number
    utterances: number
    speakers: number
    revisions: number
    /** Texts of the project's own tiers stored (ELAN and Praat files). */
    tierTexts: number
  }[]
  rejected: RejectedFile[]
  notes: string[]
  /** Set when the transcripts (`revisions`) came in as machine output to correct. */
  machineOutput: MachineOutputChoice | null
}
