import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clearance } from '../../src/main/core/accounts/access'
import { accountCaller, type Caller } from '../../src/main/core/accounts/caller'
import { AudioWorkers } from '../../src/main/core/audio/audio-workers'
import { ensureDemoProject } from '../../src/main/core/project/demo'
import type { Workbench } from '../../src/main/core/workbench'
import { audioWorkerFactory } from '../../src/main/hosts/boot'
import type { Method } from '../../src/shared/contract'
import type { Account, AccountLink, AccountRole, ClaimState } from '../../src/shared/domain'
import { snapshot } from '../support/db'
import { appRoot, demoDir } from '../support/fixtures'
import { contractCalls, newWorkbench } from '../support/workbench'

/**
 * The rules of a team server, checked in the core as every host reaches it: the IPC host, the
 * HTTP host and the CLI all hand `workbench.call` the caller they established.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'sauti-team-'))
const importRoot = join(dataDir, 'incoming')
const exportRoot = join(dataDir, 'outgoing')
const claimIdleMs = 400
let wb: Workbench
const people: Record<string, { account: Account; caller: Caller }> = {}

const { ok, refused } = contractCalls(() => wb)
async function person(login: string, role: AccountRole): Promise<void> {
  const link = await ok<AccountLink>('account.invite', { login, role })
  const account = await wb.acceptLink(link.token, `${login} has a long password`)
  people[login] = { account, caller: accountCaller(account.id) }
}
const as = (login: string): Caller => people[login]!.caller
const firstUtterance = (): number =>
  (wb.project.db.prepare('SELECT min(id) AS id FROM utterance').get() as { id: number }).id
/** The revision an editor opening the utterance starts from. */
const head = (id: number): number | null =>
  (
    wb.project.db.prepare('SELECT max(id) AS id FROM revision WHERE utterance_id = ?').get(id) as {
      id: number | null
    }
  ).id

beforeAll(async () => {
  mkdirSync(importRoot)
  mkdirSync(exportRoot)
  const audioWorkers = new AudioWorkers(audioWorkerFactory(appRoot), 1)
  const project = await ensureDemoProject(dataDir, demoDir, audioWorkers)
  wb = newWorkbench(dataDir, project, audioWorkers, 'test', {
    serverPaths: { importRoots: [importRoot], exportRoot },
    claimIdleMs,
  })
  await person('admin', 'admin')
  await person('lead', 'lead')
  await person('rita', 'reviewer')
  await person('amina', 'annotator')
  await person('baraka', 'annotator')
}, 240_000)
afterAll(async () => {
  await wb.close()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('roles, in the core', () => {
  const needs = (levels: string[]): Method[] =>
    (Object.keys(clearance) as Method[]).filter((m) => levels.includes(clearance[m]))

  it("refuses every lead-only call to an annotator's and a reviewer's account, whatever the input", async () => {
    const leadOnly = needs(['lead', 'admin', 'owner'])
    expect(leadOnly).toEqual(
      expect.arrayContaining(['consent.purge', 'export.start', 'annotator.create', 'import.start']),
    )
    const before = snapshot(wb.project.db)
    for (const method of leadOnly)
      for (const who of ['amina', 'rita']) {
        const error = await refused(method, {}, as(who))
        expect(error.kind, `${method} as ${who}`).toBe('forbidden')
        expect(error.message).toMatch(/needs a(n)? (lead|admin)|for the server's owner/)
      }
    for (const method of needs(['reviewer']))
      expect((await refused(method, {}, as('amina'))).kind, method).toBe('forbidden')
    for (const method of needs(['admin', 'owner']))
      expect((await refused(method, {}, as('lead'))).kind, method).toBe('forbidden')
    expect(snapshot(wb.project.db)).toEqual(before)
  })

  it('lets the owner and the right roles through', async () => {
    expect(await ok('account.me', {})).toEqual({ mode: 'owner' })
    expect(await ok('account.me', {}, as('amina'))).toMatchObject({
      mode: 'account',
      account: { login: 'amina', role: 'annotator' },
      annotatorName: 'amina',
    })
    await ok('review.queue', {}, as('rita'))
    await ok('consent.purges', {}, as('lead'))
    await ok('account.list', {}, as('lead'))
    // An annotator may ask for a reshaped utterance's guess; in a project no model labelled
    // there is none to ask, and nothing is decoded.
    expect(await ok('utterance.decode', { id: firstUtterance() }, as('amina'))).toMatchObject({
      decoded: false,
      model: null,
      detail: { hypotheses: [] },
    })
  })

  it('a forged actorId changes nothing: the account acts as its own profile', async () => {
    const lead = people.lead!.account
    const amina = people.amina!.account
    const before = snapshot(wb.project.db)
    const purge = await refused(
      'consent.purge',
      { actorId: lead.annotatorId, speakerId: 1, reason: '' },
      as('amina'),
    )
    expect(purge.kind).toBe('forbidden')
    expect(snapshot(wb.project.db)).toEqual(before)
    const id = firstUtterance()
    const saved = await ok<{ revision: { id: number } }>(
      'utterance.save',
      { id, actorId: lead.annotatorId, baseRevisionId: head(id), text: 'habari', draft: true },
      as('amina'),
    )
    const row = wb.project.db
      .prepare('SELECT annotator_id FROM revision WHERE id = ?')
      .get(saved.revision.id) as { annotator_id: number }
    expect(row.annotator_id).toBe(amina.annotatorId)
  })

  it("keeps each account's saved filters its own, whatever actorId the input names", async () => {
    const amina = people.amina!.account
    const saved = await ok<{ id: number }>(
      'search.save',
      { actorId: amina.annotatorId, name: 'soko', filter: { text: 'soko' } },
      as('amina'),
    )
    expect(await ok('search.saved', { actorId: amina.annotatorId }, as('baraka'))).toEqual([])
    expect(
      await ok('search.forget', { actorId: amina.annotatorId, id: saved.id }, as('baraka')),
    ).toEqual({ forgotten: false })
    expect(await ok<unknown[]>('search.saved', { actorId: 1 }, as('amina'))).toHaveLength(1)
    await ok('search.utterances', { filter: { text: 'soko' } }, as('amina'))
  })

  it('leads invite up to lead, admins anyone; a link works once; a reset stops the old password', async () => {
    expect(
      (await refused('account.invite', { login: 'boss', role: 'admin' }, as('lead'))).kind,
    ).toBe('forbidden')
    const link = await ok<AccountLink>(
      'account.invite',
      { login: 'chidi', role: 'lead' },
      as('lead'),
    )
    expect(link.account).toMatchObject({ login: 'chidi', role: 'lead', hasPassword: false })
    expect(await wb.signIn('chidi', 'anything at all')).toBeNull()
    await wb.acceptLink(link.token, 'chidi sets a password')
    await expect(wb.acceptLink(link.token, 'someone else tries')).rejects.toThrow(/not valid/)
    expect(await wb.signIn('CHIDI', 'chidi sets a password')).toMatchObject({ login: 'chidi' })
    expect(await wb.signIn('chidi', 'a wrong password')).toBeNull()
    await expect(wb.acceptLink('x'.repeat(43), 'short')).rejects.toThrow(/at least 10/)
    const reset = await ok<AccountLink>(
      'account.resetPassword',
      { id: link.account.id },
      as('admin'),
    )
    expect(await wb.signIn('chidi', 'chidi sets a password')).toBeNull()
    await wb.acceptLink(reset.token, 'chidi has a new one')
    expect(await wb.signIn('chidi', 'chidi has a new one')).not.toBeNull()
    // The password is stored as a salted scrypt hash, never as given.
    const hashes = wb.project.db.prepare('SELECT password_hash AS h FROM account').all() as {
      h: string
    }[]
    expect(hashes.every((r) => r.h.startsWith('scrypt$32768$8$1$'))).toBe(true)
    expect(new Set(hashes.map((r) => r.h.split('$')[4])).size).toBe(hashes.length)
  })

  it('a disabled account is refused everything and cannot sign in; the last admin stays', async () => {
    const baraka = people.baraka!.account
    await ok('account.disable', { id: baraka.id, disabled: true }, as('admin'))
    expect((await refused('queue.list', {}, as('baraka'))).message).toMatch(/disabled/)
    expect(await wb.signIn('baraka', 'baraka has a long password')).toBeNull()
    await ok('account.disable', { id: baraka.id, disabled: false }, as('admin'))
    await ok('queue.list', {}, as('baraka'))
    const admin = people.admin!.account
    expect(
      (await refused('account.setRole', { id: admin.id, role: 'lead' }, as('admin'))).kind,
    ).toBe('conflict')
  })
})

describe('paths of the server', () => {
  it('gives the same answer for existing and missing paths outside the import roots', async () => {
    const outside = [join(appRoot, 'package.json'), '/nonexistent/clip.wav', '../../etc/passwd']
    const answers = await Promise.all(
      outside.map((p) => refused('import.start', { paths: [p] }, as('lead'))),
    )
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
    expect(answers[0]!.kind).toBe('forbidden')
    // A link inside a root that leads out of it is outside too.
    symlinkSync(appRoot, join(importRoot, 'escape'))
    expect(await refused('import.start', { paths: ['escape/package.json'] }, as('lead'))).toEqual(
      answers[0],
    )
    expect(
      await refused('annotation.import', { paths: ['/etc/hostname'] }, as('lead')),
    ).toMatchObject({ kind: 'forbidden' })
  })

  it('imports from inside an import root, by a path relative to it', async () => {
    mkdirSync(join(importRoot, 'batch'))
    writeFileSync(join(importRoot, 'batch', 'clip.flac'), '')
    const started = await ok<{ jobId: string }>(
      'import.start',
      { paths: ['batch/clip.flac'] },
      as('lead'),
    )
    expect(started.jobId).toBeTruthy()
  })

  it('exports only into the export root', async () => {
    const input = (dir: string) => ({
      actorId: 1,
      dir,
      use: 'research_release',
      formats: ['nemo'],
    })
    const outside = await refused('export.start', input('/tmp/sauti-export-elsewhere'), as('lead'))
    expect(outside.kind).toBe('forbidden')
    expect(outside.message).toMatch(/export folder/)
    const inside = await wb.call('export.start', input('release-1'), as('lead'))
    expect(inside.ok ? '' : inside.error.message).not.toMatch(/export folder/)
  })
})

describe('claims', () => {
  it('one annotator holds an utterance; the queue serves the other something else', async () => {
    const id = firstUtterance() + 1
    const amina = await ok<ClaimState>('utterance.claim', { id, actorId: 1 }, as('amina'))
    expect(amina).toMatchObject({ mine: true, heldBy: [] })
    const baraka = await ok<ClaimState>('utterance.claim', { id, actorId: 1 }, as('baraka'))
    expect(baraka).toMatchObject({ mine: false, heldBy: ['amina'], expiresAt: null })
    const queue = await ok<{ items: { id: number }[] }>(
      'queue.list',
      { limit: 1000, actorId: 1 },
      as('baraka'),
    )
    expect(queue.items.map((i) => i.id)).not.toContain(id)
    const mine = await ok<{ items: { id: number }[] }>(
      'queue.list',
      { limit: 1000, actorId: 1 },
      as('amina'),
    )
    expect(mine.items.map((i) => i.id)).toContain(id)
    expect(await ok('claim.list', {}, as('lead'))).toEqual([
      expect.objectContaining({ utteranceId: id, annotatorName: 'amina' }),
    ])
  })

  it('a final save releases the claim, and a lead can release one', async () => {
    const id = firstUtterance() + 2
    await ok('utterance.claim', { id, actorId: 1 }, as('amina'))
    await ok(
      'utterance.save',
      { id, actorId: 1, baseRevisionId: head(id), text: 'sawa' },
      as('amina'),
    )
    expect(await ok<ClaimState>('utterance.claim', { id, actorId: 1 }, as('baraka'))).toMatchObject(
      {
        mine: true,
      },
    )
    const baraka = people.baraka!.account
    expect(
      await ok('claim.release', { utteranceId: id, holderId: baraka.annotatorId }, as('lead')),
    ).toEqual({ released: true })
    expect(await ok<ClaimState>('utterance.claim', { id, actorId: 1 }, as('amina'))).toMatchObject({
      mine: true,
    })
  })

  it('an idle claim expires and the utterance goes to the next annotator', async () => {
    const id = firstUtterance() + 3
    await ok('utterance.claim', { id, actorId: 1 }, as('amina'))
    expect((await ok<ClaimState>('utterance.claim', { id, actorId: 1 }, as('baraka'))).mine).toBe(
      false,
    )
    await new Promise((resolve) => setTimeout(resolve, claimIdleMs + 100))
    expect(await ok<ClaimState>('utterance.claim', { id, actorId: 1 }, as('baraka'))).toMatchObject(
      {
        mine: true,
        heldBy: [],
      },
    )
  })
})
