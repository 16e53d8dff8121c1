import type { Command } from 'commander'
import type { AuditEntry } from '../../shared/domain'
import { callOrThrow } from './cli-consent'
import { err, exitCodes, globals, out, withWorkbench } from './cli-support'

/** Where a revision came from, in one phrase. */
export function sourcePhrase(e: AuditEntry): string {
  const s = e.source
  if (s.kind === 'annotator') return `annotator ${s.annotator ?? '?'}`
  if (s.kind === 'model')
    return `model ${s.model ?? '?'}${s.checkpointId !== null ? ` checkpoint ${s.checkpointId}` : ' (base)'}`
  if (s.machine)
    return `machine output from ${s.machine.system ?? 'an unnamed recogniser'}, import ${s.ref}${s.machine.importedBy ? ` by ${s.machine.importedBy}` : ''}`
  return `import ${s.ref}`
}

/** `sauti audit verify` and `sauti audit log`. */
export function addAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('provenance: verify and list the revision history')
  audit
    .command('verify')
    .description("re-verify every utterance's hash chain; exit 4 naming each broken one")
    .action(async (_o: unknown, command: Command) => {
      const g = globals(command)
      const report = await withWorkbench(g, false, (wb) => callOrThrow(wb, 'audit.verify', {}))
      if (g.json) out(JSON.stringify(report))
      else
        out(
          `${report.ok ? 'OK' : 'BROKEN'}: ${report.revisions} revision(s) of ${report.utterances} utterance(s) checked.`,
        )
      for (const b of report.broken)
        err(`utterance ${b.utteranceId}: revision ${b.revisionId}: ${b.reason}`)
      if (!report.ok) process.exitCode = exitCodes.store
    })
  audit
    .command('log')
    .description('the revision history: who or what wrote each label, from what, when')
    .option('--utterance <id>', 'one utterance only', (v) => Number(v))
    .option('--drafts', 'include autosaved drafts')
    .action(async (o: { utterance?: number; drafts?: boolean }, command: Command) => {
      const g = globals(command)
      await withWorkbench(g, false, async (wb) => {
        // Page through the whole history so a large project prints in constant memory.
        for (let offset = 0; ; offset += 1000) {
          const page = await callOrThrow(wb, 'audit.log', {
            offset,
            limit: 1000,
            includeDrafts: !!o.drafts,
            ...(o.utterance ? { utteranceId: o.utterance } : {}),
          })
          for (const e of page.items)
            out(
              g.json
                ? JSON.stringify(e)
                : [
                    e.createdAt,
                    `utterance ${e.utteranceId}`,
                    `revision ${e.revisionId}${e.parentId !== null ? ` (after ${e.parentId})` : ''}`,
                    sourcePhrase(e) + (e.draft ? ' [draft]' : ''),
                    JSON.stringify(e.text),
                  ].join('\t'),
            )
          if (offset + page.items.length >= page.total || page.items.length === 0) break
        }
      })
    })
}
