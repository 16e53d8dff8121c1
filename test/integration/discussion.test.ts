import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountCaller } from '../../src/main/core/accounts/caller'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import type { Workbench } from '../../src/main/core/workbench'
import type {
  AccountLink,
  Annotator,
  Guidelines,
  GuidelinesVersion,
  QueuePage,
  UtteranceComment,
  UtteranceDetail,
} from '../../src/shared/domain'
import { cliOn } from '../support/cli'
import { insertRows, recordingRow } from '../support/db'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'

/**
 * Guidelines and comments (docs/review.md): a lead's versioned guidelines, a thread per
 * utterance, and a rejection that reaches the annotator who wrote the rejected revision.
 */
let wb: Workbench
let dispose: () => Promise<void>
let dataDir: string
let amina: Annotator
let baraka: Annotator
let rehema: Annotator
let zawadi: Annotator
const now = '2026-03-01T10:00:00.000Z'

const { ok, refused } = contractCalls(() => wb)
async function save(who: Annotator, id: number, text: string): Promise<number> {
  const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: who.id })
  const saved = await ok<{ revision: { id: number } }>('utterance.save', {
    id,
    actorId: who.id,
    baseRevisionId: detail.head?.id ?? null,
    text,
  })
  return saved.revision.id
}
const queueIds = async (who: Annotator, offset = 0, limit = 100): Promise<number[]> =>
  (
    await ok<QueuePage>('queue.list', {
      actorId: who.id,
      filter: { status: ['new', 'pseudo'] },
      offset,
      limit,
    })
  ).items.map((i) => i.id)

beforeAll(async () => {
  ;({ workbench: wb, dispose, dataDir } = await openTestWorkbench('discussion'))
  const db = wb.project.db
  insertRows(db, 'recording', [recordingRow('a'.repeat(64), 60)])
  const speaker = ensureSpeaker(db, { code: 'SPK-1' })
  recordConsent(db, { speakerId: speaker, scope: 'annotation', grantedAt: now })
  for (let i = 0; i < 8; i++)
    insertRows(db, 'utterance', [
      {
        recording_id: 1,
        start_sec: i * 4,
        end_sec: i * 4 + 3,
        speaker_id: speaker,
        language: 'sw',
        status: 'new',
        created_at: now,
      },
    ])
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  baraka = await ok<Annotator>('annotator.create', { name: 'Baraka', role: 'annotator' })
  rehema = await ok<Annotator>('annotator.create', { name: 'Rehema', role: 'reviewer' })
  zawadi = await ok<Annotator>('annotator.create', { name: 'Zawadi', role: 'lead' })
}, 120_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('guidelines', () => {
  it('are written by leads only, each save a numbered version with who and when, and an old version can be read', async () => {
    expect(await ok<Guidelines>('guidelines.get', {})).toEqual({ shown: null, versions: [] })
    const notLead = await refused('guidelines.set', {
      actorId: rehema.id,
      text: '# Rules',
      baseVersionId: null,
    })
    expect(notLead).toMatchObject({ kind: 'forbidden' })
    expect(notLead.message).toMatch(/only a lead may edit the guidelines; "Rehema" is a reviewer/)

    const first = await ok<GuidelinesVersion>('guidelines.set', {
      actorId: zawadi.id,
      text: '# Rules\n\nWrite numbers as words.',
      baseVersionId: null,
    })
    expect(first).toMatchObject({ number: 1, author: 'Zawadi' })
    // A second lead's save on top of nothing (or an older version) would drop the first's.
    const stale = await refused('guidelines.set', {
      actorId: zawadi.id,
      text: '# Mine',
      baseVersionId: null,
    })
    expect(stale.kind).toBe('conflict')
    expect(stale.message).toMatch(/saved by Zawadi \(version 1\)/)
    const second = await ok<GuidelinesVersion>('guidelines.set', {
      actorId: zawadi.id,
      text: '# Rules\n\nWrite numbers as digits.',
      baseVersionId: first.id,
    })
    const now = await ok<Guidelines>('guidelines.get', {})
    expect(now.shown).toMatchObject({
      id: second.id,
      number: 2,
      text: expect.stringMatching(/digits/),
    })
    expect(now.versions.map((v) => [v.number, v.author])).toEqual([
      [2, 'Zawadi'],
      [1, 'Zawadi'],
    ])
    expect((await ok<Guidelines>('guidelines.get', { version: first.id })).shown?.text).toMatch(
      /as words/,
    )
    expect((await refused('guidelines.get', { version: 999 })).kind).toBe('not_found')
  })
})

describe('comments', () => {
  it('thread per utterance, oldest first, by any profile; empty comments and unknown profiles are refused', async () => {
    await ok('comment.add', { utteranceId: 1, actorId: amina.id, text: ' Is this Sheng? ' })
    await ok('comment.add', { utteranceId: 1, actorId: rehema.id, text: 'Yes: keep it as said.' })
    const thread = await ok<UtteranceComment[]>('comment.list', { utteranceId: 1 })
    expect(thread.map((c) => [c.author, c.authorRole, c.text, c.reviewId])).toEqual([
      ['Amina', 'annotator', 'Is this Sheng?', null],
      ['Rehema', 'reviewer', 'Yes: keep it as said.', null],
    ])
    expect(await ok('comment.list', { utteranceId: 2 })).toEqual([])
    expect(
      (await refused('comment.add', { utteranceId: 1, actorId: amina.id, text: '   ' })).message,
    ).toMatch(/a comment needs some text/)
    expect((await refused('comment.add', { utteranceId: 1, actorId: 999, text: 'x' })).kind).toBe(
      'not_found',
    )
    expect((await refused('comment.list', { utteranceId: 999 })).kind).toBe('not_found')
  })

  it("are a team account's own, whatever profile the input names", async () => {
    const link = await ok<AccountLink>('account.invite', { login: 'baraka', role: 'annotator' })
    const account = await wb.acceptLink(link.token, 'baraka has a long password')
    const added = await ok<UtteranceComment>(
      'comment.add',
      { utteranceId: 2, actorId: zawadi.id, text: 'Who is speaking here?' },
      accountCaller(account.id),
    )
    expect(added.author).toBe('baraka')
    // An annotator's account may not write the guidelines, whichever profile it names.
    expect(
      (
        await refused(
          'guidelines.set',
          { actorId: zawadi.id, text: 'x', baseVersionId: null },
          accountCaller(account.id),
        )
      ).kind,
    ).toBe('forbidden')
  })
})

describe('a rejection', () => {
  it("becomes the thread's comment and returns the utterance to its annotator first, marked, until it is decided again", async () => {
    for (const id of [3, 4, 5]) await save(amina, id, `habari ya leo ${id}`)
    const rejected = await save(amina, 5, 'habari ya leo tano')
    await ok('review.decide', {
      revisionId: rejected,
      actorId: rehema.id,
      verdict: 'reject',
      comment: 'Listen again at 0:02: "jana", not "leo".',
    })

    const thread = await ok<UtteranceComment[]>('comment.list', { utteranceId: 5 })
    expect(thread).toHaveLength(1)
    expect(thread[0]).toMatchObject({
      author: 'Rehema',
      text: 'Listen again at 0:02: "jana", not "leo".',
      reviewId: expect.any(Number),
    })
    const detail = await ok<UtteranceDetail>('utterance.get', { id: 5, actorId: amina.id })
    expect(detail.utterance.status).toBe('new')
    expect(detail.returned).toMatchObject({
      reviewer: 'Rehema',
      comment: 'Listen again at 0:02: "jana", not "leo".',
      returnedTo: 'Amina',
    })

    // First in Amina's queue, whatever the order; where it ranks in everyone else's.
    const aminas = await queueIds(amina)
    expect(aminas[0]).toBe(5)
    expect(aminas.filter((id) => id === 5)).toHaveLength(1)
    const page = await ok<QueuePage>('queue.list', {
      actorId: amina.id,
      order: 'duration',
      descending: true,
      filter: { status: ['new', 'pseudo'] },
    })
    expect(page.items[0]).toMatchObject({ id: 5, returned: true })
    expect(page.total).toBe(aminas.length)
    // Pages line up: the returned one heads the first page and never appears again.
    expect([
      ...(await queueIds(amina, 0, 2)),
      ...(await queueIds(amina, 2, 2)),
      ...(await queueIds(amina, 4, 100)),
    ]).toEqual(aminas)
    const barakas = await queueIds(baraka)
    expect(barakas[0]).not.toBe(5)
    expect(barakas).toContain(5)
    const forBaraka = await ok<QueuePage>('queue.list', { actorId: baraka.id, limit: 100 })
    expect(forBaraka.items.find((i) => i.id === 5)?.returned).toBe(true)

    // Amina corrects it: no longer returned, no longer first.
    await save(amina, 5, 'habari ya jana tano')
    expect((await ok<UtteranceDetail>('utterance.get', { id: 5 })).returned).toBeNull()
    expect(await queueIds(amina)).not.toContain(5)
    expect(await ok<UtteranceComment[]>('comment.list', { utteranceId: 5 })).toHaveLength(1)
  })
})

describe('the CLI', () => {
  it('sets and shows the guidelines and lists and adds comments', () => {
    const cli = (...args: string[]) => cliOn(dataDir)('--project', 'discussion', ...args)
    const file = join(dataDir, 'guidelines.md')
    writeFileSync(file, '# Rules\n\nMark laughter as [laugh].\n')
    const set = cli('guidelines', 'set', file, '--as', 'Zawadi')
    expect(set.stderr).toBe('')
    expect(set.stdout).toMatch(/Guidelines saved as version 3 by Zawadi/)
    expect(cli('guidelines', 'show').stdout).toMatch(/Mark laughter as \[laugh\]/)
    expect(cli('guidelines', 'show', '1').stdout).toMatch(/as words/)
    expect(cli('guidelines', 'show', '--versions').stdout.split('\n')[0]).toMatch(/^3\tZawadi\t/)
    const refused = cli('guidelines', 'set', file, '--as', 'Amina')
    expect(refused.status).not.toBe(0)
    expect(refused.stderr).toMatch(/only a lead may edit the guidelines/)

    expect(cli('comment', 'add', '5', 'Fixed: jana.', '--as', 'Amina').stdout).toMatch(
      /Comment \d+ added to utterance 5/,
    )
    const listed = cli('comment', 'list', '5').stdout.trim().split('\n')
    expect(listed).toHaveLength(2)
    expect(listed[0]).toMatch(/Rehema \(reviewer\), rejecting\tListen again/)
    expect(listed[1]).toMatch(/Amina \(annotator\)\tFixed: jana\./)
  }, 120_000)
})
