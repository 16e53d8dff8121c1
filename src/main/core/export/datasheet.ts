import type {
  ConsentScope,
  ExportAudio,
  ExportCounts,
  ExportFormat,
  ExportStanding,
} from '../../../shared/domain'
import { consentScopes, exportStandings } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'
import { speakerConsent } from '../consent/policy'
import { leftOutWords } from './plan'
import type { Selection } from './select'
import type { ExportFilter } from './standing'

export interface DatasheetInput {
  project: string
  createdAt: string
  use: ConsentScope
  licence: string | null
  filter: ExportFilter
  formats: ExportFormat[]
  audio: ExportAudio
  counts: ExportCounts
  notes: string[]
}

/** Each standing in the datasheet's words. */
const standingWords: Record<ExportStanding, string> = {
  reviewed: 'approved by a reviewer',
  corrected: 'corrected by an annotator',
  accepted: "machine text accepted as-is (the model's text, accepted unchanged by an annotator)",
  imported: 'imported with the data (written by people)',
  machineDraft: "machine draft (the model's text, no person saw it)",
  machineImport: "imported machine output (another recogniser's text, no person saved it)",
  pending: "a person's transcript awaiting a decision",
  untranscribed: 'no transcript',
  flagged: 'flagged',
  skipped: 'skipped',
}

/** What the audio files of each `audio` choice are, for the datasheet's readers. */
const audioDescriptions: Record<ExportAudio, string> = {
  wav: '16 kHz 16-bit mono WAV, one file per utterance in clips/<split>/ (whole recordings for ELAN in recordings/)',
  flac: '16 kHz 16-bit mono FLAC (lossless), one file per utterance in clips/<split>/ (whole recordings for ELAN in recordings/)',
  originals: "the recordings' original files, whole, in recordings/",
}

interface Tally {
  value: string
  utterances: number
  hours: number
}

function tally(
  selection: Selection,
  key: (u: Selection['utterances'][number]) => string | null,
): Tally[] {
  const out = new Map<string, Tally>()
  for (const u of selection.utterances) {
    const value = key(u) ?? 'unknown'
    const t = out.get(value) ?? { value, utterances: 0, hours: 0 }
    t.utterances++
    t.hours += (u.endSec - u.startSec) / 3600
    out.set(value, t)
  }
  return [...out.values()]
    .map((t) => ({ ...t, hours: Math.round(t.hours * 1e6) / 1e6 }))
    .sort((a, b) => b.utterances - a.utterances || a.value.localeCompare(b.value))
}

/**
 * The datasheet of an export, computed from the selection the export wrote and nothing else, so
 * its counts can never include a speaker the export left out. Modelled on "Datasheets for
 * Datasets" (Gebru et al.): composition, consent, provenance of labels, licence.
 */
export function datasheet(db: WriteDb, selection: Selection, input: DatasheetInput) {
  const speakerOf = (u: Selection['utterances'][number]) => selection.speakers.get(u.speakerId)
  const scopesHeld = new Map<number, ConsentScope[]>()
  for (const id of selection.speakers.keys()) {
    const consent = speakerConsent(db, id, input.createdAt)
    scopesHeld.set(
      id,
      consentScopes.filter((scope) => consent[scope] === 'granted'),
    )
  }
  const sources = { human: 0, model: 0, import: 0 }
  for (const u of selection.utterances)
    sources[u.source === 'annotator' ? 'human' : u.source === 'model' ? 'model' : 'import']++
  const total = selection.utterances.length
  const hours = selection.utterances.reduce((h, u) => h + (u.endSec - u.startSec) / 3600, 0)
  return {
    title: `Sauti export of project "${input.project}" for ${input.use.replace('_', ' ')}`,
    createdAt: input.createdAt,
    use: input.use,
    licence: input.licence,
    filters: input.filter,
    formats: input.formats,
    audio: input.audio,
    audioFiles: audioDescriptions[input.audio],
    totals: {
      utterances: total,
      hours: Math.round(hours * 1e6) / 1e6,
      speakers: selection.speakers.size,
      recordings: selection.recordings.size,
    },
    byLanguage: tally(selection, (u) => u.language),
    byDialect: tally(selection, (u) => speakerOf(u)?.dialect ?? null),
    byGender: tally(selection, (u) => speakerOf(u)?.gender ?? null),
    byAgeBand: tally(selection, (u) => speakerOf(u)?.ageBand ?? null),
    bySplit: tally(selection, (u) => u.split),
    speakers: [...selection.speakers.values()].map((s) => ({
      code: s.code,
      gender: s.gender,
      ageBand: s.ageBand,
      dialect: s.dialect,
      firstLanguage: s.firstLanguage,
      split: selection.utterances.find((u) => u.speakerId === s.id)?.split ?? null,
      utterances: selection.utterances.filter((u) => u.speakerId === s.id).length,
    })),
    consent: {
      required: input.use,
      /** Scopes every exported speaker holds now (the required one among them). */
      heldByAll: consentScopes.filter((scope) =>
        [...scopesHeld.values()].every((held) => held.includes(scope)),
      ),
      speakersPerScope: Object.fromEntries(
        consentScopes.map((scope) => [
          scope,
          [...scopesHeld.values()].filter((held) => held.includes(scope)).length,
        ]),
      ),
    },
    labelSources: {
      counts: sources,
      shares: Object.fromEntries(
        Object.entries(sources).map(([k, n]) => [
          k,
          total ? Math.round((n / total) * 1e4) / 1e4 : 0,
        ]),
      ),
    },
    /** The exported utterances by where their label stands (docs/export.md). */
    standings: exportStandings
      .filter((k) => input.counts.standings[k])
      .map((k) => ({
        standing: k,
        utterances: input.counts.standings[k]!,
        means: standingWords[k],
      })),
    /**
     * What the choices left out, by reason. Utterances of speakers without the consent are not
     * counted here (the datasheet says nothing of them; the lead's summary has the count).
     */
    leftOut: Object.entries(input.counts.leftOut)
      .filter(([reason]) => reason !== 'consent')
      .map(([reason, n]) => ({
        reason,
        utterances: n,
        means: leftOutWords[reason as keyof typeof leftOutWords],
      })),
    notes: input.notes,
  }
}

export type Datasheet = ReturnType<typeof datasheet>

const table = (title: string, rows: Tally[]): string[] => [
  `| ${title} | utterances | hours |`,
  '| --- | ---: | ---: |',
  ...rows.map((r) => `| ${r.value} | ${r.utterances} | ${r.hours.toFixed(3)} |`),
  '',
]

/** The same datasheet for people (README.md at the export's root). */
export function datasheetMarkdown(d: Datasheet): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)} %`
  return [
    `# ${d.title}`,
    '',
    `Created ${d.createdAt} by Sauti. Licence: ${d.licence ?? 'not stated (ask the project lead before sharing)'}.`,
    '',
    `Every speaker in this export held consent to **${d.use}** when it was made; the consent record`,
    'each one relied on is in `manifest.json` (`consentSnapshot`). Speakers without it are not in any',
    'file, list or count here. `SHA256SUMS` and `manifest.json` give the sha256 of every file.',
    '',
    '## Composition',
    '',
    `${d.totals.utterances} utterances, ${d.totals.hours.toFixed(3)} hours, ${d.totals.speakers} speakers, ${d.totals.recordings} recordings.`,
    `Statuses: ${d.filters.statuses.join(', ')}; label sources: ${d.filters.sources.join(', ')}; machine text accepted as-is: ${d.filters.includeAccepted ? 'included' : 'left out'}; formats: ${d.formats.join(', ')}; audio: ${d.audio}.`,
    `Audio files: ${d.audioFiles}.`,
    '',
    ...table('language', d.byLanguage),
    ...table('dialect', d.byDialect),
    ...table('gender', d.byGender),
    ...table('age band', d.byAgeBand),
    ...table('split (speaker-disjoint)', d.bySplit),
    '## Speakers',
    '',
    '| code | gender | age band | dialect | first language | split | utterances |',
    '| --- | --- | --- | --- | --- | --- | ---: |',
    ...d.speakers.map(
      (s) =>
        `| ${s.code} | ${s.gender ?? ''} | ${s.ageBand ?? ''} | ${s.dialect ?? ''} | ${s.firstLanguage ?? ''} | ${s.split ?? ''} | ${s.utterances} |`,
    ),
    '',
    '## Consent',
    '',
    `Required scope: ${d.consent.required}. Held by every speaker: ${d.consent.heldByAll.join(', ') || 'none'}.`,
    '',
    '| scope | speakers holding it |',
    '| --- | ---: |',
    ...Object.entries(d.consent.speakersPerScope).map(([s, n]) => `| ${s} | ${n} |`),
    '',
    '## Labels by source',
    '',
    `Human: ${d.labelSources.counts.human} (${pct(d.labelSources.shares.human ?? 0)}), model: ${d.labelSources.counts.model} (${pct(d.labelSources.shares.model ?? 0)}), import: ${d.labelSources.counts.import} (${pct(d.labelSources.shares.import ?? 0)}).`,
    '',
    '## Where the labels stand',
    '',
    ...d.standings.map((s) => `- ${s.utterances} ${s.means}`),
    '',
    ...(d.leftOut.length
      ? [
          '## Left out by the filters',
          '',
          ...d.leftOut.map((l) => `- ${l.utterances}: ${l.means}`),
          '',
        ]
      : []),
    ...(d.notes.length ? ['## Notes', '', ...d.notes.map((n) => `- ${n}`), ''] : []),
  ].join('\n')
}
