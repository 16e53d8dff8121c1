import type { Command } from 'commander'
import type { Annotator, SearchFilter, SearchHit } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import type { Workbench } from '../core/workbench'
import { callOrThrow, profileId } from './cli-consent'
import { globals, out, parseNumber, withWorkbench } from './cli-support'

interface SearchOptions {
  status?: string[]
  language?: string[]
  speaker?: string[]
  annotator?: string[]
  reviewer?: string[]
  flag?: string[]
  noisy?: boolean
  from?: string
  to?: string
  exactDiacritics?: boolean
  as?: string
  limit: number
  offset: number
}

/** Profiles by name, as people type them; an unknown name is refused, not ignored. */
async function profileIds(wb: Workbench, names: string[]): Promise<number[]> {
  const profiles: Annotator[] = await callOrThrow(wb, 'annotator.list', {})
  return names.map((name) => {
    const found = profiles.find((p) => p.name === name.trim())
    if (!found) throw new SautiError('not_found', `no annotator profile named "${name}".`)
    return found.id
  })
}

const time = (s: number): string => `${Math.floor(s / 60)}:${(s % 60).toFixed(1).padStart(4, '0')}`

/** A hit as one line: where, who, and the transcript with the matches in [brackets]. */
function hitLine(h: SearchHit): string {
  const text = h.pieces.map((p) => (p.match ? `[${p.text}]` : p.text)).join('')
  return `${h.utteranceId}\t${h.recordingName} ${time(h.startSec)}–${time(h.endSec)}\t${h.speakerCode ?? '-'}\t${h.language ?? '-'}\t${h.status}${h.noisy ? ' noisy' : ''}\t${text || '(no transcript)'}`
}

/** `sauti search "words" [filters]`: the data view's search, for scripts and terminals. */
export function addSearchCommands(program: Command): void {
  program
    .command('search')
    .description(
      'find utterances by the words of their current transcript, filtered (docs/search.md)',
    )
    .argument('[text]', 'words to find; "quoted words" as a phrase; the last word as a prefix')
    .option('--status <statuses...>', 'new | pseudo | corrected | reviewed | flagged | skipped')
    .option('--language <tags...>', 'utterance languages')
    .option('--speaker <codes...>', 'speaker codes')
    .option('--annotator <names...>', 'profiles who wrote a revision')
    .option('--reviewer <names...>', 'profiles who reviewed a revision')
    .option('--flag <reasons...>', 'noise | other_language | overlap | unintelligible')
    .option('--noisy', 'only clips marked noisy but usable')
    .option('--no-noisy', 'only clips not marked noisy')
    .option('--from <day>', 'current transcript written on or after this day (YYYY-MM-DD)')
    .option('--to <day>', 'current transcript written on or before this day (YYYY-MM-DD)')
    .option('--exact-diacritics', 'match diacritics exactly (café is not cafe)')
    .option('--as <name>', 'your profile (an annotator sees their own blind versions)')
    .option('--limit <n>', 'rows', (v) => parseNumber(v, 'limit', 1, 200), 50)
    .option('--offset <n>', 'rows to skip', (v) => parseNumber(v, 'offset', 0, 10_000_000), 0)
    .action(async (text: string | undefined, o: SearchOptions, command: Command) => {
      const g = globals(command)
      const page = await withWorkbench(g, false, async (wb) => {
        const filter: SearchFilter = {
          ...(text ? { text } : {}),
          ...(o.exactDiacritics ? { exactDiacritics: true } : {}),
          ...(o.status ? { status: o.status as SearchFilter['status'] } : {}),
          ...(o.language ? { languages: o.language } : {}),
          ...(o.speaker ? { speakers: o.speaker } : {}),
          ...(o.flag ? { flags: o.flag as SearchFilter['flags'] } : {}),
          ...(o.noisy !== undefined ? { noisy: o.noisy } : {}),
          ...(o.annotator ? { annotators: await profileIds(wb, o.annotator) } : {}),
          ...(o.reviewer ? { reviewers: await profileIds(wb, o.reviewer) } : {}),
          ...(o.from ? { from: o.from } : {}),
          ...(o.to ? { to: o.to } : {}),
        }
        return callOrThrow(wb, 'search.utterances', {
          filter,
          offset: o.offset,
          limit: o.limit,
          ...(o.as ? { actorId: await profileId(wb, o.as) } : {}),
        })
      })
      if (g.json) return out(JSON.stringify(page))
      for (const hit of page.items) out(hitLine(hit))
      const shown = page.items.length
      out(
        shown === page.total
          ? `${page.total} utterance(s).`
          : `${page.offset + 1}–${page.offset + shown} of ${page.total} utterances (--offset ${page.offset + shown} for more).`,
      )
    })
}
