import type { Command } from 'commander'
import type { AgreementReport, ReviewQueuePage, ReviewSettings } from '../../shared/domain'
import { callOrThrow } from './cli-consent'
import { globals, out, parseId, parseNumber, withWorkbench } from './cli-support'

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '-' : `${(x * 100).toFixed(1)}%`

/** The reviewer's commands: review queue|history|approve|reject|settings, and agreement. */
export function addReviewCommands(program: Command): void {
  const review = program
    .command('review')
    .description('the linguist review workflow (docs/review.md)')

  review
    .command('queue')
    .description('utterances that need review: flagged, low agreement, sampled accepted work')
    .option('--reason <reasons...>', 'flagged | low_agreement | sampled (default: all)')
    .option('--limit <n>', 'rows', (v) => parseNumber(v, 'limit', 1, 1000), 100)
    .action(async (opts: { reason?: string[]; limit: number }, command: Command) => {
      const g = globals(command)
      const page = await withWorkbench(g, false, (wb) =>
        callOrThrow(wb, 'review.queue', {
          limit: opts.limit,
          ...(opts.reason ? { reasons: opts.reason as never } : {}),
        }),
      )
      printQueue(page, g.json)
    })

  review
    .command('history')
    .description("an utterance's revisions, reviews and parents, with the hash chain checked")
    .argument('<utterance>', 'utterance id', parseId)
    .action(async (id: number, _opts: unknown, command: Command) => {
      const g = globals(command)
      const h = await withWorkbench(g, false, (wb) => callOrThrow(wb, 'review.history', { id }))
      if (g.json) return out(JSON.stringify(h))
      out(
        `Utterance ${h.utteranceId} (${h.status}); chain ${h.chain.ok ? 'verified' : `broken at revision ${h.chain.brokenAt}`}`,
      )
      for (const r of h.revisions) {
        const parents = [r.parentId, r.mergeParentId].filter((p) => p !== null).join(' + ')
        out(
          `  #${r.id} ${r.draft ? 'draft ' : ''}${r.sourceKind}${r.annotator ? ` ${r.annotator}` : ''}${parents ? ` ← ${parents}` : ''}: ${r.text}`,
        )
        for (const v of r.reviews)
          out(`      ${v.verdict} by ${v.reviewer}${v.comment ? `: ${v.comment}` : ''}`)
      }
    })

  for (const verdict of ['approve', 'reject'] as const)
    review
      .command(verdict)
      .description(`${verdict} a revision (the newest of its utterance) as a reviewer`)
      .argument('<revision>', 'revision id', parseId)
      .requiredOption('--reviewer <id>', 'your reviewer profile id', parseId)
      .option('--comment <text>', 'why', '')
      .action(
        async (
          revisionId: number,
          opts: { reviewer: number; comment: string },
          command: Command,
        ) => {
          const g = globals(command)
          const r = await withWorkbench(g, false, (wb) =>
            callOrThrow(wb, 'review.decide', {
              revisionId,
              actorId: opts.reviewer,
              verdict,
              comment: opts.comment,
            }),
          )
          if (g.json) return out(JSON.stringify(r))
          out(
            `Revision ${revisionId}: ${verdict === 'approve' ? 'approved' : 'rejected'}; the utterance is now ${r.status}.`,
          )
        },
      )

  review
    .command('settings')
    .description('shares for double annotation and review, and the agreement threshold')
    .option('--double-share <x>', 'share of utterances annotated twice, blind', (v) =>
      parseNumber(v, 'double-share', 0, 1),
    )
    .option('--review-share <x>', 'share of accepted work sampled for review', (v) =>
      parseNumber(v, 'review-share', 0, 1),
    )
    .option(
      '--low-agreement <wer>',
      'WER between versions above which adjudication is needed',
      (v) => parseNumber(v, 'low-agreement', 0, 10),
    )
    .option('--seed <n>', 'changes which utterances the samples pick', (v) =>
      parseNumber(v, 'seed', 0, 1_000_000),
    )
    .action(
      async (
        opts: { doubleShare?: number; reviewShare?: number; lowAgreement?: number; seed?: number },
        command: Command,
      ) => {
        const g = globals(command)
        const patch: Partial<ReviewSettings> = {
          ...(opts.doubleShare !== undefined ? { doubleAnnotationShare: opts.doubleShare } : {}),
          ...(opts.reviewShare !== undefined ? { reviewShare: opts.reviewShare } : {}),
          ...(opts.lowAgreement !== undefined ? { lowAgreementWer: opts.lowAgreement } : {}),
          ...(opts.seed !== undefined ? { seed: Math.round(opts.seed) } : {}),
        }
        const s = await withWorkbench(g, false, (wb) =>
          callOrThrow(wb, 'review.updateSettings', patch),
        )
        if (g.json) return out(JSON.stringify(s))
        out(
          `Double annotation ${pct(s.doubleAnnotationShare)}, review sample ${pct(s.reviewShare)}, adjudication above WER ${pct(s.lowAgreementWer)}, seed ${s.seed}.`,
        )
      },
    )

  program
    .command('agreement')
    .description(
      'transcript-level agreement between annotators (WER/CER per pair and language, and language tags)',
    )
    .action(async (_opts: unknown, command: Command) => {
      const g = globals(command)
      const a = await withWorkbench(g, false, (wb) => callOrThrow(wb, 'agreement.summary', {}))
      printAgreement(a, g.json)
    })
}

function printQueue(page: ReviewQueuePage, json: boolean): void {
  if (json) return out(JSON.stringify(page))
  out(`${page.total} utterance(s) need review.`)
  for (const i of page.items)
    out(
      `  ${String(i.utteranceId).padStart(6)}  ${i.reason.padEnd(13)} ${i.status.padEnd(9)} ${(i.speakerCode ?? '-').padEnd(10)} ${i.agreementWer === null ? '' : `WER ${pct(i.agreementWer)} `}${i.agreementTags ? `tags ${pct(i.agreementTags)} ` : ''}${i.text ?? ''}`,
    )
}

function printAgreement(a: AgreementReport, json: boolean): void {
  if (json) return out(JSON.stringify(a))
  out(
    `Double annotation: ${a.waiting} waiting for a second version, ${a.pending} for adjudication, ${a.agreed} agreed, ${a.adjudicated} adjudicated.`,
  )
  for (const p of a.pairs) {
    out(
      `  ${p.reference} / ${p.other}: ${p.utterances} utt, WER ${pct(p.wer.rate)}, CER ${pct(p.cer.rate)}, language tags differ on ${pct(p.tags.rate)} of ${p.tags.compared} shared words`,
    )
    for (const l of p.byLanguage)
      out(`      ${l.lang.padEnd(8)} WER ${pct(l.wer.rate)} (${l.wer.n} words)`)
  }
  for (const x of a.byAnnotator)
    out(
      `  ${x.annotator}: ${x.utterances} utt; WER against adjudicated ${pct(x.vsAdjudicated?.rate)}`,
    )
}
