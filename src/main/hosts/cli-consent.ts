import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { CallInput, CallResult, Method } from '../../shared/contract'
import type { Annotator, ConsentScope } from '../../shared/domain'
import { consentScopes } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import type { Workbench } from '../core/workbench'
import { err, globals, out, withWorkbench } from './cli-support'

/** Calls the contract as the UI does, throwing its error for the CLI's exit code. */
export async function callOrThrow<M extends Method>(
  wb: Workbench,
  method: M,
  input: CallInput<M>,
): Promise<CallResult<M>> {
  const r = await wb.call(method, input)
  if (!r.ok) throw new SautiError(r.error.kind, r.error.message, r.error.details)
  return r.value as CallResult<M>
}

/** The profile named by `--as`, as the UI sends its chosen profile's id. */
export async function profileId(wb: Workbench, name: string | undefined): Promise<number> {
  if (!name)
    throw new SautiError(
      'validation',
      'say who you are with --as <profile name> (a lead for consent and exports).',
    )
  const profiles: Annotator[] = await callOrThrow(wb, 'annotator.list', {})
  const found = profiles.find((p) => p.name === name.trim())
  if (!found) throw new SautiError('forbidden', `no annotator profile named "${name}".`)
  return found.id
}

/** A speaker by code or id. */
async function speakerId(wb: Workbench, key: string): Promise<number> {
  const speakers = await callOrThrow(wb, 'speaker.list', {})
  const found = speakers.find((s) => s.code === key) ?? speakers.find((s) => String(s.id) === key)
  if (!found) throw new SautiError('not_found', `no speaker "${key}".`)
  return found.id
}

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
const ids = (v: string): number[] => list(v).map((s) => Number(s))

interface SpeakerOptions {
  as?: string
  code?: string
  ageBand?: string
  gender?: 'female' | 'male' | 'nonbinary' | 'unspecified'
  dialect?: string
  firstLanguage?: string
  otherLanguages?: string
  notes?: string
}

function speakerFields(o: SpeakerOptions): Record<string, unknown> {
  return {
    ...(o.ageBand !== undefined ? { ageBand: o.ageBand } : {}),
    ...(o.gender !== undefined ? { gender: o.gender } : {}),
    ...(o.dialect !== undefined ? { dialect: o.dialect } : {}),
    ...(o.firstLanguage !== undefined ? { firstLanguage: o.firstLanguage } : {}),
    ...(o.otherLanguages !== undefined ? { otherLanguages: list(o.otherLanguages) } : {}),
    ...(o.notes !== undefined ? { notes: o.notes } : {}),
  }
}

const withSpeakerOptions = (c: Command): Command =>
  c
    .option('--age-band <band>', 'e.g. 25-34')
    .option('--gender <gender>', 'female | male | nonbinary | unspecified')
    .option('--dialect <dialect>', 'dialect or region')
    .option('--first-language <tag>', 'first language, e.g. sw')
    .option('--other-languages <tags>', 'comma-separated, e.g. en,ar')
    .option('--notes <text>', 'free notes (never a name)')
    .option('--as <name>', 'your annotator profile')

/** `sauti speaker …` and `sauti consent …`. */
export function addConsentCommands(program: Command): void {
  const speaker = program.command('speaker').description('the speaker registry')
  speaker
    .command('list')
    .description('speakers with their metadata, counts, split and consent per scope')
    .action(async (_o: unknown, command: Command) => {
      const g = globals(command)
      const speakers = await withWorkbench(g, false, (wb) => callOrThrow(wb, 'speaker.list', {}))
      if (g.json) return out(JSON.stringify(speakers))
      for (const s of speakers) {
        const consent = consentScopes.filter((c) => s.consent[c] === 'granted')
        out(
          [
            s.code,
            s.gender ?? '-',
            s.ageBand ?? '-',
            s.dialect ?? '-',
            `${s.utterances} utt`,
            `${(s.durationSec / 60).toFixed(1)} min`,
            s.split ?? '-',
            `consent: ${consent.join(',') || 'none'}`,
            s.mergedInto !== null ? `(merged into ${s.mergedInto})` : '',
          ].join('\t'),
        )
      }
    })
  withSpeakerOptions(
    speaker
      .command('add')
      .description('register a speaker')
      .argument('<code>', 'pseudonymous code'),
  ).action(async (code: string, o: SpeakerOptions, command: Command) => {
    const g = globals(command)
    const s = await withWorkbench(g, true, async (wb) =>
      callOrThrow(wb, 'speaker.create', {
        actorId: await profileId(wb, o.as),
        code,
        ...speakerFields(o),
      }),
    )
    out(g.json ? JSON.stringify(s) : `Speaker ${s.code} registered (id ${s.id}).`)
  })
  withSpeakerOptions(
    speaker
      .command('edit')
      .description("change a speaker's code or metadata")
      .argument('<speaker>', 'code or id')
      .option('--code <code>', 'new code'),
  ).action(async (key: string, o: SpeakerOptions, command: Command) => {
    const g = globals(command)
    const s = await withWorkbench(g, false, async (wb) =>
      callOrThrow(wb, 'speaker.update', {
        actorId: await profileId(wb, o.as),
        id: await speakerId(wb, key),
        ...(o.code ? { code: o.code } : {}),
        ...speakerFields(o),
      }),
    )
    out(g.json ? JSON.stringify(s) : `Speaker ${s.code} updated.`)
  })
  speaker
    .command('merge')
    .description('merge a duplicate speaker into another (lead)')
    .argument('<duplicate>', 'code or id of the duplicate')
    .argument('<into>', 'code or id of the speaker it duplicates')
    .option('--as <name>', 'a lead profile')
    .action(async (from: string, into: string, o: { as?: string }, command: Command) => {
      const g = globals(command)
      const s = await withWorkbench(g, false, async (wb) =>
        callOrThrow(wb, 'speaker.merge', {
          actorId: await profileId(wb, o.as),
          sourceId: await speakerId(wb, from),
          targetId: await speakerId(wb, into),
        }),
      )
      out(
        g.json
          ? JSON.stringify(s)
          : `Merged ${from} into ${s.code}: ${s.utterances} utterance(s) now.`,
      )
    })
  speaker
    .command('assign')
    .description('say who speaks in recordings or utterances (lead)')
    .argument('<speaker>', 'code or id')
    .option('--recordings <ids>', 'comma-separated recording ids (all their utterances too)', '')
    .option('--utterances <ids>', 'comma-separated utterance ids', '')
    .option('--as <name>', 'a lead profile')
    .action(
      async (
        key: string,
        o: { recordings: string; utterances: string; as?: string },
        command: Command,
      ) => {
        const g = globals(command)
        const r = await withWorkbench(g, false, async (wb) =>
          callOrThrow(wb, 'speaker.assign', {
            actorId: await profileId(wb, o.as),
            speakerId: await speakerId(wb, key),
            recordingIds: ids(o.recordings),
            utteranceIds: ids(o.utterances),
          }),
        )
        out(
          g.json
            ? JSON.stringify(r)
            : `Assigned ${r.recordings} recording(s) and ${r.utterances} utterance(s).`,
        )
      },
    )

  const consent = program
    .command('consent')
    .description("speakers' consent: records, withdrawal, purge")
  consent
    .command('list')
    .description('consent records, newest first')
    .argument('[speaker]', 'code or id (default: every speaker)')
    .action(async (key: string | undefined, _o: unknown, command: Command) => {
      const g = globals(command)
      const records = await withWorkbench(g, false, async (wb) =>
        callOrThrow(wb, 'consent.list', key ? { speakerId: await speakerId(wb, key) } : {}),
      )
      if (g.json) return out(JSON.stringify(records))
      for (const r of records)
        out(
          [
            r.speakerCode,
            r.scope,
            r.state,
            `granted ${r.grantedAt}`,
            r.expiresAt ? `expires ${r.expiresAt}` : '',
            r.withdrawnAt
              ? `withdrawn ${r.withdrawnAt}${r.withdrawnBy ? ` by ${r.withdrawnBy}` : ''}`
              : '',
            r.evidence
              ? `evidence ${r.evidence.originalName} (${r.evidence.sha256.slice(0, 12)})`
              : r.evidenceNote,
            r.recordedBy ? `recorded by ${r.recordedBy}` : '',
          ]
            .filter(Boolean)
            .join('\t'),
        )
    })
  consent
    .command('import')
    .description(
      'record consent for many speakers from a CSV or TSV table: speaker, scopes, granted, expires, evidence, note (lead); all rows or none',
    )
    .argument('<file>', 'the table (.csv or .tsv); evidence files are named relative to its folder')
    .option('--create-speakers', 'register speakers the table names that the project lacks')
    .option('--dry-run', 'check every row and say what would be recorded, recording nothing')
    .option('--as <name>', 'a lead profile')
    .action(
      async (
        file: string,
        o: { createSpeakers?: boolean; dryRun?: boolean; as?: string },
        command: Command,
      ) => {
        const g = globals(command)
        const r = await withWorkbench(g, false, async (wb) =>
          callOrThrow(wb, 'consent.import', {
            actorId: await profileId(wb, o.as),
            table: { path: resolve(file) },
            createSpeakers: !!o.createSpeakers,
            dryRun: !!o.dryRun,
          }),
        )
        if (g.json) return out(JSON.stringify(r))
        out(
          `${r.dryRun ? 'Would record' : 'Recorded'} ${r.records} consent record(s) for ${r.speakers} speaker(s) from ${r.rows} row(s)${r.evidenceFiles ? `, with ${r.evidenceFiles} evidence file(s)` : ''}.`,
        )
        if (r.createdSpeakers.length)
          out(
            `${r.dryRun ? 'Would register' : 'Registered'} ${r.createdSpeakers.length} new speaker(s): ${r.createdSpeakers.join(', ')}.`,
          )
      },
    )
  consent
    .command('grant')
    .description('record consent to scopes (lead)')
    .argument('<speaker>', 'code or id')
    .requiredOption('--scopes <scopes>', `comma-separated: ${consentScopes.join(', ')}`)
    .requiredOption('--granted <date>', 'when consent was given, e.g. 2026-03-01')
    .option('--expires <date>', 'when it runs out')
    .option(
      '--evidence <file>',
      'scanned form or recording of oral consent (copied into the project)',
    )
    .option('--note <text>', 'how consent was given', '')
    .option('--as <name>', 'a lead profile')
    .action(
      async (
        key: string,
        o: {
          scopes: string
          granted: string
          expires?: string
          evidence?: string
          note: string
          as?: string
        },
        command: Command,
      ) => {
        const g = globals(command)
        const records = await withWorkbench(g, false, async (wb) =>
          callOrThrow(wb, 'consent.grant', {
            actorId: await profileId(wb, o.as),
            speakerId: await speakerId(wb, key),
            scopes: list(o.scopes) as ConsentScope[],
            grantedAt: o.granted,
            expiresAt: o.expires ?? null,
            evidencePath: o.evidence ?? null,
            evidenceNote: o.note,
          }),
        )
        out(
          g.json
            ? JSON.stringify(records)
            : `Recorded ${records.length} consent record(s) for ${key}.`,
        )
      },
    )
  consent
    .command('withdraw')
    .description('withdraw one scope or all, effective now (lead)')
    .argument('<speaker>', 'code or id')
    .option('--scope <scope>', `${consentScopes.join(' | ')} | all`, 'all')
    .option('--as <name>', 'a lead profile')
    .action(async (key: string, o: { scope: string; as?: string }, command: Command) => {
      const g = globals(command)
      const w = await withWorkbench(g, false, async (wb) =>
        callOrThrow(wb, 'consent.withdraw', {
          actorId: await profileId(wb, o.as),
          speakerId: await speakerId(wb, key),
          scope: o.scope as ConsentScope | 'all',
        }),
      )
      if (g.json) return out(JSON.stringify(w))
      out(`Withdrew ${w.records} record(s) of ${key} (${w.scope}).`)
      if (w.taintedCheckpoints.length)
        err(`checkpoints now tainted: ${w.taintedCheckpoints.join(', ')}`)
    })
  consent
    .command('purge')
    .description("delete a speaker's audio at their request, keeping an audit record (lead)")
    .argument('<speaker>', 'code or id')
    .option('--reason <text>', 'why (kept in the audit record)', '')
    .option('--include-shared', 'also purge recordings in which other speakers are heard')
    .option('--as <name>', 'a lead profile')
    .action(
      async (
        key: string,
        o: { reason: string; includeShared?: boolean; as?: string },
        command: Command,
      ) => {
        const g = globals(command)
        const p = await withWorkbench(g, false, async (wb) =>
          callOrThrow(wb, 'consent.purge', {
            actorId: await profileId(wb, o.as),
            speakerId: await speakerId(wb, key),
            reason: o.reason,
            includeShared: !!o.includeShared,
          }),
        )
        if (g.json) return out(JSON.stringify(p))
        out(
          `Purge ${p.id}: ${p.recordings.length} recording(s), ${p.files.length} file(s) deleted; all consent of ${p.speakerCode} withdrawn.`,
        )
        for (const k of p.keptShared)
          err(
            `kept recording ${k.recordingId}: also holds ${k.otherSpeakers.join(', ')} (use --include-shared)`,
          )
      },
    )
}
