import { contract, type Method, type ParsedInput } from '../../../shared/contract'
import type { Account, AccountRole } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { Said } from '../../../shared/messages'
import type { ReadDb } from '../db/connection'
import { findAccount } from './accounts'
import type { Caller } from './caller'
import { confine, type ServerPaths } from './server-paths'

/** What a call needs from an account: a role at least this high, or the owner alone. */
export type Clearance = AccountRole | 'owner'

const rank: Record<AccountRole, number> = { annotator: 0, reviewer: 1, lead: 2, admin: 3 }

/**
 * Every call's clearance, in one table whose type makes a new call a compile error until it is
 * placed here. The owner may make every call (as the desktop always could); the checks of the
 * acting profile inside the rooms (`requireLead`, `requireReviewer`) still apply to both.
 */
export const clearance: Record<Method, Clearance> = {
  // Reading the project and annotating.
  'app.info': 'annotator',
  'account.me': 'annotator',
  'project.summary': 'annotator',
  'recording.list': 'annotator',
  'recording.get': 'annotator',
  'recording.peaks': 'annotator',
  'recording.spectrogram': 'annotator',
  'utterance.list': 'annotator',
  'utterance.history': 'annotator',
  'annotator.list': 'annotator',
  'queue.list': 'annotator',
  'queue.facets': 'annotator',
  'utterance.get': 'annotator',
  'utterance.save': 'annotator',
  'utterance.align': 'annotator',
  // Decodes one utterance an annotator just reshaped, with the head and settings a lead chose.
  'utterance.decode': 'annotator',
  'tier.list': 'annotator',
  'tier.texts': 'annotator',
  'tier.write': 'annotator',
  'utterance.setBounds': 'annotator',
  'utterance.split': 'annotator',
  'utterance.merge': 'annotator',
  'utterance.markNoisy': 'annotator',
  'utterance.claim': 'annotator',
  'utterance.release': 'annotator',
  'language.tokens': 'annotator',
  'normalization.get': 'annotator',
  'review.settings': 'annotator',
  'job.list': 'annotator',
  // Whoever started a job may cancel it, a lead any job: checked by the call (cancelRefusal).
  'job.cancel': 'annotator',
  'model.list': 'annotator',
  'adaptation.status': 'annotator',
  'splits.show': 'annotator',
  // Whoever sees the Model screen may compare two of its models, decoding dev or test to do so.
  'checkpoint.compare': 'annotator',
  'checkpoint.score': 'annotator',
  'speaker.list': 'annotator',
  'audit.log': 'annotator',
  'guidelines.get': 'annotator',
  'comment.list': 'annotator',
  'comment.add': 'annotator',
  'search.utterances': 'annotator',
  'search.saved': 'annotator',
  'search.save': 'annotator',
  'search.forget': 'annotator',
  // Reviewing.
  'review.queue': 'reviewer',
  'review.history': 'reviewer',
  'review.decide': 'reviewer',
  'review.edit': 'reviewer',
  'adjudication.get': 'reviewer',
  'adjudication.resolve': 'reviewer',
  'agreement.summary': 'reviewer',
  'report.project': 'reviewer',
  // Running the project: people, consent, data in and out, models.
  'account.list': 'lead',
  'account.invite': 'lead',
  'annotator.create': 'lead',
  'claim.list': 'lead',
  'claim.release': 'lead',
  'speaker.create': 'lead',
  'speaker.update': 'lead',
  'speaker.merge': 'lead',
  'speaker.assign': 'lead',
  'consent.list': 'lead',
  'consent.grant': 'lead',
  'consent.import': 'lead',
  'consent.withdraw': 'lead',
  'consent.purge': 'lead',
  'consent.purges': 'lead',
  'import.start': 'lead',
  'import.preview': 'lead',
  'annotation.import': 'lead',
  'export.preview': 'lead',
  'export.start': 'lead',
  'backup.create': 'lead',
  'label.start': 'lead',
  'train.start': 'lead',
  'adaptation.update': 'lead',
  'splits.set': 'lead',
  'checkpoint.activate': 'lead',
  'evaluate.project': 'lead',
  'normalization.update': 'lead',
  'project.setDefaultLanguage': 'lead',
  'project.setPrefill': 'lead',
  'review.updateSettings': 'lead',
  'guidelines.set': 'lead',
  'tier.define': 'lead',
  'audit.verify': 'lead',
  // The server's accounts.
  'account.setRole': 'admin',
  'account.disable': 'admin',
  'account.resetPassword': 'admin',
  // Models are the server's, shared by its projects.
  'model.import': 'admin',
  'model.pull': 'admin',
  // Paths of the server's disk and other projects: the machine's owner only.
  'app.doctor': 'owner',
  'project.list': 'owner',
}

/** Calls that name the acting profile; for an account it is always the account's own. */
const actingCalls = new Set(
  (Object.keys(contract) as Method[]).filter((m) => {
    const shape = (contract[m].input as { shape?: Record<string, unknown> }).shape
    return shape !== undefined && 'actorId' in shape
  }),
)

type PathRule = (input: never, place: (path: string, what: 'import' | 'export') => string) => void

/** Where calls name paths of the server's disk, and which roots confine them. */
const pathRules: Partial<Record<Method, PathRule>> = {
  'import.start': (input: ParsedInput<'import.start'>, place) => {
    input.paths = input.paths.map((p) => place(p, 'import'))
  },
  'import.preview': (input: ParsedInput<'import.preview'>, place) => {
    input.paths = input.paths.map((p) => place(p, 'import'))
  },
  'annotation.import': (input: ParsedInput<'annotation.import'>, place) => {
    input.paths = input.paths.map((p) => place(p, 'import'))
  },
  'model.import': (input: ParsedInput<'model.import'>, place) => {
    input.dir = place(input.dir, 'import')
  },
  'label.start': (input: ParsedInput<'label.start'>, place) => {
    if (input.lm) input.lm.textFiles = input.lm.textFiles.map((p) => place(p, 'import'))
  },
  'consent.import': (input: ParsedInput<'consent.import'>, place) => {
    if ('path' in input.table) input.table.path = place(input.table.path, 'import')
  },
  'consent.grant': (input: ParsedInput<'consent.grant'>, place) => {
    if (input.evidencePath) input.evidencePath = place(input.evidencePath, 'import')
  },
  'export.start': (input: ParsedInput<'export.start'>, place) => {
    input.dir = place(input.dir, 'export')
  },
  'backup.create': (input: ParsedInput<'backup.create'>, place) => {
    input.dir = place(input.dir, 'export')
  },
}

function article(role: AccountRole): string {
  return role === 'annotator' || role === 'admin' ? 'an' : 'a'
}

/** The account behind a caller, enabled; a disabled or deleted one is refused. */
export function callingAccount(db: ReadDb, caller: Caller): Account | null {
  if (caller.kind === 'owner') return null
  const account = findAccount(db, caller.accountId)
  if (!account || account.disabled) throw SautiError.saying('forbidden', 'accountDisabled', {})
  return account
}

/**
 * Whether the caller may make this call at all: the account's role against the call's
 * clearance. Decided before the input is read, so a refusal says nothing about the input.
 */
export function admit(db: ReadDb, caller: Caller, method: Method): void {
  const account = callingAccount(db, caller)
  if (!account) return
  const needed = clearance[method]
  if (needed === 'owner' || rank[account.role] < rank[needed])
    throw needed === 'owner'
      ? SautiError.saying('forbidden', 'ownerOnly', { method })
      : SautiError.saying('forbidden', 'needsRole', {
          method,
          needed,
          neededArticle: article(needed),
          login: account.login,
          role: account.role,
          roleArticle: article(account.role),
        })
}

/**
 * Binds an admitted call's input to its caller, in place: the acting profile is the account's
 * own whatever the input says, and paths are confined to the server's roots.
 */
export function bind(
  db: ReadDb,
  caller: Caller,
  method: Method,
  input: Record<string, unknown>,
  paths: ServerPaths,
): void {
  const account = callingAccount(db, caller)
  if (!account) return
  if (actingCalls.has(method)) input.actorId = account.annotatorId
  const rule = pathRules[method] as
    ((input: unknown, place: (p: string, what: 'import' | 'export') => string) => void) | undefined
  const roots = { import: paths.importRoots, export: paths.exportRoot ? [paths.exportRoot] : [] }
  rule?.(input, (path, what) => confine(path, roots[what], what))
}

/**
 * Whether the caller may cancel a job: the owner and leads any job, anyone else only one they
 * started. `startedBy` is the job's own record of who started it (jobs.ts), never anything the
 * client sends.
 */
export function mayCancel(db: ReadDb, caller: Caller, startedBy: Caller | null): boolean {
  const account = callingAccount(db, caller)
  if (!account || rank[account.role] >= rank.lead) return true
  return startedBy?.kind === 'account' && startedBy.accountId === account.id
}

/** Why the caller may not cancel a job, naming who started it; null when they may. */
export function cancelRefusal(
  db: ReadDb,
  caller: Caller,
  job: { title: Said; startedBy: Caller | null },
): SautiError | null {
  const account = callingAccount(db, caller)
  if (!account || mayCancel(db, caller, job.startedBy)) return null
  const { startedBy } = job
  const starter = startedBy?.kind === 'account' ? findAccount(db, startedBy.accountId) : null
  return starter
    ? SautiError.saying('forbidden', 'notYourJob', {
        job: job.title,
        starter: starter.login,
        login: account.login,
      })
    : SautiError.saying('forbidden', 'serverJob', { job: job.title, login: account.login })
}

/** Whether an account's role reaches another: leads may invite up to lead, admins anyone. */
export function mayGrant(granter: AccountRole | 'owner', role: AccountRole): boolean {
  if (granter === 'owner' || granter === 'admin') return true
  return role !== 'admin' && rank[granter] >= rank[role]
}
