import type { Command } from 'commander'
import { SautiError } from '../../shared/errors'
import { readTextFile } from '../core/formats/text-file'
import { callOrThrow, profileId } from './cli-consent'
import { globals, out, parseId, withWorkbench } from './cli-support'

/** `sauti guidelines show|set` and `sauti comment list|add` (docs/review.md). */
export function addDiscussCommands(program: Command): void {
  const guidelines = program
    .command('guidelines')
    .description("the project's annotation guidelines (Markdown, versioned)")
  guidelines
    .command('show')
    .description('print the guidelines: the newest version, or the one numbered')
    .argument('[number]', 'a version number (see --versions)', parseId)
    .option('--versions', 'list the versions (number, who, when) instead')
    .action(async (number: number | undefined, o: { versions?: boolean }, command: Command) => {
      const g = globals(command)
      const shown = await withWorkbench(g, false, async (wb) => {
        const newest = await callOrThrow(wb, 'guidelines.get', {})
        if (number === undefined || o.versions) return newest
        const version = newest.versions.find((v) => v.number === number)
        if (!version)
          throw new SautiError(
            'not_found',
            `no version ${number} of the guidelines (there are ${newest.versions.length})`,
          )
        return callOrThrow(wb, 'guidelines.get', { version: version.id })
      })
      if (g.json) return out(JSON.stringify(o.versions ? shown.versions : shown.shown))
      if (o.versions) {
        for (const v of shown.versions) out(`${v.number}\t${v.author}\t${v.createdAt}`)
        return
      }
      if (!shown.shown)
        return out('No guidelines yet: a lead writes them with `sauti guidelines set FILE`.')
      out(shown.shown.text)
    })
  guidelines
    .command('set')
    .description('save a Markdown file as the new version of the guidelines (lead)')
    .argument('<file>', 'a UTF-8 Markdown file')
    .option('--as <name>', 'a lead profile')
    .action(async (file: string, o: { as?: string }, command: Command) => {
      const g = globals(command)
      const text = await readTextFile(file, 'the guidelines')
      const saved = await withWorkbench(g, false, async (wb) => {
        const actorId = await profileId(wb, o.as)
        // The CLI replaces whatever is there: it starts from the newest version by definition.
        const base = (await callOrThrow(wb, 'guidelines.get', {})).shown?.id ?? null
        return callOrThrow(wb, 'guidelines.set', { actorId, text, baseVersionId: base })
      })
      out(
        g.json
          ? JSON.stringify(saved)
          : `Guidelines saved as version ${saved.number} by ${saved.author}.`,
      )
    })

  const comment = program.command('comment').description("an utterance's comment thread")
  comment
    .command('list')
    .description("an utterance's comments, oldest first, reviewers' rejections included")
    .argument('<utterance>', 'utterance id', parseId)
    .action(async (utteranceId: number, _o: unknown, command: Command) => {
      const g = globals(command)
      const thread = await withWorkbench(g, false, (wb) =>
        callOrThrow(wb, 'comment.list', { utteranceId }),
      )
      if (g.json) return out(JSON.stringify(thread))
      if (thread.length === 0) return out(`No comments on utterance ${utteranceId}.`)
      for (const c of thread)
        out(
          `${c.createdAt}\t${c.author} (${c.authorRole})${c.reviewId ? ', rejecting' : ''}\t${c.text}`,
        )
    })
  comment
    .command('add')
    .description("add a comment to an utterance's thread")
    .argument('<utterance>', 'utterance id', parseId)
    .argument('<text>', 'the comment')
    .option('--as <name>', 'your annotator profile')
    .action(async (utteranceId: number, text: string, o: { as?: string }, command: Command) => {
      const g = globals(command)
      const added = await withWorkbench(g, false, async (wb) =>
        callOrThrow(wb, 'comment.add', {
          utteranceId,
          actorId: await profileId(wb, o.as),
          text,
        }),
      )
      out(g.json ? JSON.stringify(added) : `Comment ${added.id} added to utterance ${utteranceId}.`)
    })
}
