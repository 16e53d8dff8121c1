/** The project quality report (docs/reports.md). */
import type { ProjectEvaluation } from './asr'
import type { AgreementReport } from './review'

export interface ThroughputRow {
  annotator: string
  /** UTC day, YYYY-MM-DD. */
  day: string
  utterances: number
  audioMinutes: number
}

export interface ProjectReport {
  generatedAt: string
  project: {
    id: string
    name: string
    utterances: number
    transcribed: number
    reviewed: number
    audioMinutes: number
  }
  evaluation: Omit<ProjectEvaluation, 'perUtterance'> | null
  agreement: AgreementReport
  throughput: ThroughputRow[]
  reviews: { reviewer: string; approved: number; rejected: number }[]
  learningCurve: {
    checkpointId: number
    createdAt: string
    correctedMinutes: number
    devWer: number | null
    devCer: number | null
  }[]
  /** Reference language of the words at switch points against the language the model's word reads as. */
  switchConfusion: { reference: string; hypothesis: string; count: number }[]
}
