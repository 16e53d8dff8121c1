/** `sauti user …`, `sauti backup` and `sauti restore`: running a team server (docs/team-server.md). */
import { resolve } from 'node:path'
import { type Command, InvalidArgumentError } from 'commander'
import { accountRoles, type Account, type AccountLink, type AccountRole } from '../../shared/domain'
import { SautiError } from '../../shared/errors'
import { restoreBackup } from '../core/backup/restore'
import type { Workbench } from '../core/workbench'
import { callOrThrow } from './cli-consent'
import { err, exitCodes, globals, out, withWorkbench } from './cli-support'

const parseRole = (value: string): AccountRole => {
  if (!(accountRoles as readonly string[]).includes(value))
    throw new InvalidArgumentError(`unknown role ${value} (${accountRoles.join(', ')})`)
  return value as AccountRole
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
}

async function accountNamed(wb: Workbench, login: string): Promise<Account> {
  const found = (await callOrThrow(wb, 'account.list', {})).find(
    (a) => a.login.toLowerCase() === login.toLowerCase(),
  )
  if (!found) throw new SautiError('not_found', `no account "${login}" in this project`)
  return found
}

/** Sets the password from stdin through the link, or prints the link for its owner. */
async function finish(
  wb: Workbench,
  link: AccountLink,
  fromStdin: boolean,
  json: boolean,
): Promise<void> {
  if (fromStdin) {
    const account = await wb.acceptLink(link.token, await readStdin())
    if (json) out(JSON.stringify({ account }))
    else out(`${account.login} (${account.role}) can sign in now.`)
    return
  }
  if (json) out(JSON.stringify(link))
  else {
    out(
      `${link.account.login} (${link.account.role}): a one-time link, valid until ${link.expiresAt}:`,
    )
    out(`  <server address>/#/welcome/${link.token}`)
  }
}

export function addTeamCommands(program: Command): void {
  const user = program.command('user').description("a team server's accounts")
  user
    .command('add')
    .description(
      'make an account; prints a one-time link that sets its password, or reads it from stdin',
    )
    .argument('<login>', 'the name people sign in with')
    .option('--role <role>', accountRoles.join(' | '), parseRole, 'annotator' as AccountRole)
    .option('--password-stdin', 'read the password from standard input instead of printing a link')
    .action(
      async (
        login: string,
        o: { role: AccountRole; passwordStdin?: boolean },
        command: Command,
      ) => {
        const g = globals(command)
        await withWorkbench(g, false, async (wb) => {
          const link = await callOrThrow(wb, 'account.invite', { login, role: o.role })
          await finish(wb, link, !!o.passwordStdin, g.json)
        })
      },
    )
  user
    .command('list')
    .description('the accounts: login, role, state')
    .action(async (_o: unknown, command: Command) => {
      const g = globals(command)
      const accounts = await withWorkbench(g, false, (wb) => callOrThrow(wb, 'account.list', {}))
      if (g.json) out(JSON.stringify(accounts))
      else
        for (const a of accounts)
          out(
            [a.login, a.role, a.disabled ? 'disabled' : a.hasPassword ? 'active' : 'invited'].join(
              '\t',
            ),
          )
    })
  user
    .command('role')
    .description("change an account's role")
    .argument('<login>')
    .argument('<role>', accountRoles.join(' | '), parseRole)
    .action(async (login: string, role: AccountRole, _o: unknown, command: Command) => {
      const g = globals(command)
      const account = await withWorkbench(g, false, async (wb) =>
        callOrThrow(wb, 'account.setRole', { id: (await accountNamed(wb, login)).id, role }),
      )
      out(g.json ? JSON.stringify(account) : `${account.login} is now ${account.role}.`)
    })
  user
    .command('disable')
    .description('disable an account (its sessions end); --enable undoes it')
    .argument('<login>')
    .option('--enable', 'enable it again')
    .action(async (login: string, o: { enable?: boolean }, command: Command) => {
      const g = globals(command)
      const account = await withWorkbench(g, false, async (wb) =>
        callOrThrow(wb, 'account.disable', {
          id: (await accountNamed(wb, login)).id,
          disabled: !o.enable,
        }),
      )
      out(
        g.json
          ? JSON.stringify(account)
          : `${account.login} is ${account.disabled ? 'disabled' : 'enabled'}.`,
      )
    })
  user
    .command('reset-password')
    .description(
      'clear the password; prints a one-time link that sets a new one, or reads it from stdin',
    )
    .argument('<login>')
    .option('--password-stdin', 'read the new password from standard input')
    .action(async (login: string, o: { passwordStdin?: boolean }, command: Command) => {
      const g = globals(command)
      await withWorkbench(g, false, async (wb) => {
        const link = await callOrThrow(wb, 'account.resetPassword', {
          id: (await accountNamed(wb, login)).id,
        })
        await finish(wb, link, !!o.passwordStdin, g.json)
      })
    })

  program
    .command('backup')
    .description(
      'an online, consistent copy of the project (database, audio, model manifests) into a new folder',
    )
    .argument('<out>', 'a new or empty folder')
    .action(async (dir: string, _o: unknown, command: Command) => {
      const g = globals(command)
      const summary = await withWorkbench(g, false, (wb) =>
        callOrThrow(wb, 'backup.create', { dir: g.account ? dir : resolve(dir) }),
      )
      if (g.json) out(JSON.stringify(summary))
      else
        out(
          `Backed up project "${summary.projectId}" (schema ${summary.schemaVersion}): ${summary.recordings} recording(s), ${summary.revisions} revision(s), ${summary.audioFiles} audio file(s), ${summary.models} model manifest(s) in ${summary.dir}`,
        )
    })

  program
    .command('restore')
    .description(
      'check a backup (integrity, audit chain, audio hashes) and restore it as a project',
    )
    .argument('<backup>', 'a folder made by `sauti backup`')
    .option('--as-project <id>', "restore under this project id (default: the backup's)")
    .option('--replace', 'replace an existing project (kept aside, renamed)')
    .action(async (dir: string, o: { asProject?: string; replace?: boolean }, command: Command) => {
      const g = globals(command)
      if (g.account) throw new SautiError('forbidden', "restoring is for the server's owner")
      const report = await restoreBackup({
        backup: resolve(dir),
        dataDir: g.dataDir,
        projectId: o.asProject,
        replace: o.replace,
      })
      if (g.json) out(JSON.stringify(report))
      else {
        out(
          `Restored project "${report.projectId}" into ${report.dir}: integrity ${report.integrity}, ${report.audit.revisions} revision(s) of ${report.audit.utterances} utterance(s) verified, every recording's audio matches its hash.`,
        )
        if (report.previous) out(`The project that was there is kept in ${report.previous}.`)
      }
      for (const m of report.missingModels)
        err(
          `model ${m.id} (${m.name}) is not registered here: \`sauti model import ${m.importedFrom}\``,
        )
      if (report.missingModels.length > 0) process.exitCode = exitCodes.rejected
    })
}
