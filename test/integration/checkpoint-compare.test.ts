import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountCaller } from '../../src/main/core/accounts/caller'
import { silentLogger } from '../../src/main/core/logger'
import { startHttpHost } from '../../src/main/hosts/http'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import type { Workbench } from '../../src/main/core/workbench'
import type { EventMap } from '../../src/shared/contract'
import type {
  AccountLink,
  CheckpointComparison,
  JobInfo,
  ProjectEvaluation,
  TrainSummary,
} from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import {
  contractCalls,
  expectNoOpenWorkbenches,
  openDemoWorkbench,
  runJob,
} from '../support/workbench'

/**
 * A lead choosing which model to put in use compares the starter model's own head with the
 * checkpoint trained on the demo project (real SQLite file, real ONNX model, real audio): the
 * figures on the same utterances, the better one named, per language, the utterances they read
 * differently; decoding what either lacks runs as a job whose hypotheses are kept.
 */
let wb: Workbench
let dispose: () => Promise<void>
let dataDir: string
let trained: TrainSummary
const { ok, refused } = contractCalls(() => wb)
const db = (): Workbench['project']['db'] => wb.project.db
const compare = (a: number | 'base', b: number | 'base', split: 'dev' | 'test' = 'dev') =>
  ok<CheckpointComparison>('checkpoint.compare', { a, b, split })
/** What the editor shows for each utterance of a split: its current hypothesis. */
const shown = (split: string): unknown[] =>
  db()
    .prepare('SELECT id, hypothesis_id, confidence FROM utterance WHERE split = ? ORDER BY id')
    .all(split)

beforeAll(async () => {
  ;({ workbench: wb, dispose, dataDir } = await openDemoWorkbench())
  const finished = await runJob(wb, 'train.start', {})
  if (finished.status !== 'done') throw new Error(finished.error?.message ?? finished.status)
  trained = finished.trained!
}, 600_000)

afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('comparing two models', () => {
  it('names the better one on the same dev utterances, per language, with the utterances they read differently', async () => {
    expect(trained).toMatchObject({ checkpointId: 1, activated: true })
    const c = await compare('base', 1)
    // Both have decoded all of today's dev split: the base model when it labelled the project,
    // the checkpoint when it rescored after training. These are the figures training compared.
    expect(c.splitUtterances).toBe(trained.devUtterances)
    expect(c.common).toBe(trained.devUtterances)
    expect(c.recordedApart).toBe(false)
    expect(c.a).toMatchObject({ checkpointId: null, status: 'inactive' })
    expect(c.b).toMatchObject({ checkpointId: 1, status: 'active' })
    expect(c.a.scores.cer).toBeCloseTo(trained.parentDev!.cer, 9)
    expect(c.b.scores.cer).toBeCloseTo(trained.dev!.cer, 9)
    expect(c.a.recordedDev).toEqual(trained.parentDev)
    // The starter's WER on these languages is saturated, so CER decides, as training decided.
    expect(c.metric).toBe(Math.max(c.a.scores.wer, c.b.scores.wer) >= 0.9 ? 'cer' : 'wer')
    expect(trained.dev!.cer).toBeLessThan(trained.parentDev!.cer)
    expect(c.better).toBe('b')

    // Per language: the demo's five, Hindi–English among them, on the same utterances.
    expect(c.byLanguage.map((g) => g.key)).toEqual(['am', 'en', 'hi', 'hi-en', 'sw'])
    expect(c.byLanguage.reduce((n, g) => n + g.utterances, 0)).toBe(c.common)
    expect(c.bySpeaker.reduce((n, g) => n + g.utterances, 0)).toBe(c.common)

    // The worst regression comes first, with the reference and both hypotheses, word by word.
    expect(c.differing).toBeGreaterThan(0)
    const worst = c.utterances[0]!
    // Ordered on the metric that decides the comparison (CER while WER is saturated).
    const change = (u: (typeof c.utterances)[number]): number => u.b[c.metric] - u.a[c.metric]
    for (const u of c.utterances) expect(change(u)).toBeLessThanOrEqual(change(worst))
    expect(worst.reference.length).toBeGreaterThan(0)
    expect(worst.a.text).not.toBe(worst.b.text)
    const line = (side: 'a' | 'b' | 'reference'): string =>
      worst.words
        .map((w) => w[side])
        .filter((w) => w !== null)
        .join(' ')
    expect(line('a')).toBe(worst.a.text.split(/\s+/).filter(Boolean).join(' '))
    expect(line('b')).toBe(worst.b.text.split(/\s+/).filter(Boolean).join(' '))
    expect(line('reference')).toBe(worst.reference.split(/\s+/).filter(Boolean).join(' '))
    expect(worst.words.some((w) => !w.same)).toBe(true)
    // Swapping the two turns B's regressions into gains, listed last.
    const swapped = await compare(1, 'base')
    expect(swapped.better).toBe('a')
    expect(change(swapped.utterances.at(-1)!)).toBeCloseTo(-change(worst), 12)
  })

  it('gives the figures of language tags where references tag them: MER, PIER, WER per word language', async () => {
    const untagged = await compare('base', 1)
    expect(untagged.a.scores.pier).toBeNull()
    expect(untagged.byWordLanguage).toEqual([])
    // A linguist tags the English words of a Hindi–English dev utterance.
    const text = 'आज market में prices बहुत high हैं।'
    const { id } = db()
      .prepare(
        "SELECT u.id FROM utterance u JOIN revision v ON v.utterance_id = u.id WHERE u.split = 'dev' AND v.text = ?",
      )
      .get(text) as { id: number }
    const spans = ['market', 'prices', 'high'].map((w) => ({
      start: text.indexOf(w),
      end: text.indexOf(w) + w.length,
      lang: 'en',
    }))
    appendRevision(db(), { utteranceId: id, text, spans, source: { kind: 'import', ref: 'tags' } })
    const tagged = await compare('base', 1)
    expect(tagged.a.scores.pier).not.toBeNull()
    expect(tagged.b.scores.pier).not.toBeNull()
    // Untagged words are in their utterance's language: the English rows gain the tagged three.
    const [model] = await ok<{ id: string }[]>('model.list', {})
    const base = await ok<ProjectEvaluation>('evaluate.project', {
      model: model!.id,
      checkpoint: 'base',
      split: 'dev',
    })
    expect(tagged.byWordLanguage.map((l) => [l.lang, l.words, l.a])).toEqual(
      base.codeSwitching.byLanguage.map((l) => [l.lang, l.wer.n, l.wer.rate]),
    )
    expect(tagged.a.scores.pier).toBe(base.codeSwitching.pier.rate)
    expect(tagged.byWordLanguage.map((l) => l.lang)).toContain('en')
    // The words are the same, so WER and CER are as before.
    expect(tagged.a.scores.wer).toBe(untagged.a.scores.wer)
  })

  it('decodes the test split as a job where one has not, keeps it, and scores it as evaluation does', async () => {
    const before = await compare('base', 1, 'test')
    expect(before.splitUtterances).toBe(trained.testUtterances)
    // The checkpoint never decoded test: nothing to compare yet, and no winner named.
    expect(before.b.decoded).toBe(0)
    expect(before.common).toBe(0)
    expect(before.better).toBeNull()
    const editorBefore = shown('test')

    const progress: EventMap['job.progress'][] = []
    const off = wb.events.on('job.progress', (p) => progress.push(p))
    const finished = await runJob(wb, 'checkpoint.score', { a: 'base', b: 1, split: 'test' })
    off()
    expect(finished).toMatchObject({
      kind: 'evaluate',
      status: 'done',
      scored: { split: 'test', decoded: { a: 0, b: trained.testUtterances } },
    })
    expect(progress.at(-1)).toMatchObject({
      done: trained.testUtterances,
      total: trained.testUtterances,
    })

    const after = await compare('base', 1, 'test')
    expect(after.common).toBe(trained.testUtterances)
    expect(after.better).not.toBeNull()
    // The same beam decoding `sauti evaluate` runs for a checkpoint.
    const [model] = await ok<{ id: string }[]>('model.list', {})
    const evaluated = await ok<ProjectEvaluation>('evaluate.project', {
      model: model!.id,
      checkpoint: 1,
      split: 'test',
    })
    expect(after.b.scores.cer).toBeCloseTo(evaluated.cer, 9)
    expect(after.b.scores.wer).toBeCloseTo(evaluated.wer, 9)
    // Kept as the checkpoint's record; the editor still shows what it showed.
    expect(shown('test')).toEqual(editorBefore)
    const again = await runJob(wb, 'checkpoint.score', { a: 'base', b: 1, split: 'test' })
    expect(again.scored!.decoded).toEqual({ a: 0, b: 0 })
  }, 300_000)

  it('says when the dev split has grown since training, and scores both on today’s', async () => {
    // A transcribed utterance the checkpoint never decoded joins dev (the split grew).
    const joined = (
      db()
        .prepare(
          `SELECT u.id FROM utterance u WHERE u.split = 'train'
           AND NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id AND h.checkpoint_id = 1)
           ORDER BY u.id LIMIT 1`,
        )
        .get() as { id: number }
    ).id
    db().prepare("UPDATE utterance SET split = 'dev' WHERE id = ?").run(joined)
    const grown = await compare('base', 1)
    expect(grown.splitUtterances).toBe(trained.devUtterances + 1)
    expect(grown.recordedApart).toBe(true)
    expect(grown.common).toBe(trained.devUtterances)
    expect(grown.b.decoded).toBe(trained.devUtterances)

    const finished = await runJob(wb, 'checkpoint.score', { a: 'base', b: 1, split: 'dev' })
    expect(finished.scored!.decoded).toEqual({ a: 0, b: 1 })
    const scored = await compare('base', 1)
    expect(scored.common).toBe(trained.devUtterances + 1)
    expect(scored.byLanguage.reduce((n, g) => n + g.utterances, 0)).toBe(scored.common)
  }, 300_000)

  it('is open to whoever sees the Model screen, and refuses what cannot be compared, saying why', async () => {
    const link = await ok<AccountLink>('account.invite', { login: 'amina', role: 'annotator' })
    const amina = await wb.acceptLink(link.token, 'amina has a long password')
    const seen = await ok<CheckpointComparison>(
      'checkpoint.compare',
      { a: 'base', b: 1 },
      accountCaller(amina.id),
    )
    expect(seen.split).toBe('dev')
    expect(await refused('checkpoint.compare', { a: 1, b: 1 })).toMatchObject({
      kind: 'validation',
      message: 'choose two different models to compare',
    })
    expect(await refused('checkpoint.score', { a: 'base', b: 9 })).toMatchObject({
      kind: 'not_found',
      message: 'no checkpoint 9 in this project',
    })
  })

  it('prints the comparison from the command line, and JSON for scripts', () => {
    const sauti = (...args: string[]) =>
      spawnSync(
        process.execPath,
        ['--import', 'tsx', join(appRoot, 'src/main/hosts/cli.ts'), '--data-dir', dataDir, ...args],
        { encoding: 'utf8', cwd: appRoot, timeout: 120_000 },
      )
    const text = sauti('checkpoints', 'compare', 'base', '1', '--split', 'dev')
    expect(text.status, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/^A = the base model \(inactive\), B = checkpoint 1 \(active\)/)
    expect(text.stdout).toMatch(/^Better: checkpoint 1 \(lower CER/m)
    expect(text.stdout).toMatch(/^ {2}hi-en +\d+ utt/m)
    expect(text.stdout).toMatch(/^Worse with B:|^Better with B:/m)
    const json = sauti('--json', 'checkpoints', 'compare', 'base', '1', '--split', 'test')
    expect(json.status, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toMatchObject({ split: 'test', better: expect.any(String) })
  }, 240_000)
})

describe('cancelling a scoring job on a team server', () => {
  it('lets the annotator who started it cancel it, and a lead, and refuses another annotator, saying why', async () => {
    const password = (login: string): string => `${login} has a long password`
    for (const [login, role] of [
      ['juma', 'annotator'],
      ['baraka', 'annotator'],
      ['neema', 'lead'],
    ] as const) {
      const link = await ok<AccountLink>('account.invite', { login, role })
      await wb.acceptLink(link.token, password(login))
    }
    const staticDir = mkdtempSync(join(tmpdir(), 'sauti-static-'))
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Sauti</title>')
    const host = await startHttpHost({ workbench: wb, staticDir, logger: silentLogger, team: true })
    try {
      const headers = { Origin: host.url, 'Sec-Fetch-Site': 'same-origin' }
      const signIn = async (login: string): Promise<string> => {
        const res = await fetch(`${host.url}/auth/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ login, password: password(login) }),
        })
        expect(res.status).toBe(200)
        return res.headers.get('set-cookie')!.split(';')[0]!
      }
      const juma = await signIn('juma')
      const baraka = await signIn('baraka')
      const neema = await signIn('neema')
      const call = async (
        cookie: string,
        method: string,
        input: unknown,
      ): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: unknown } }> => {
        const res = await fetch(`${host.url}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
          body: JSON.stringify(input),
        })
        return { status: res.status, body: (await res.json()) as { ok: boolean } }
      }
      const ended = (jobId: string): Promise<JobInfo['status']> =>
        wb.jobs.wait(jobId).then((job) => job.status)
      const cancellable = async (cookie: string, jobId: string): Promise<boolean | undefined> =>
        ((await call(cookie, 'job.list', {})).body.value as JobInfo[]).find((j) => j.id === jobId)
          ?.cancellable
      // The transcribed training utterances the checkpoint has not decoded join today's test
      // and dev splits, half each, so that each scoring has work enough to be cancelled.
      const undecoded = db()
        .prepare(
          `SELECT u.id FROM utterance u WHERE u.split = 'train'
           AND NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id AND h.checkpoint_id = 1)
           ORDER BY u.id`,
        )
        .all() as { id: number }[]
      const move = db().prepare('UPDATE utterance SET split = ? WHERE id = ?')
      undecoded.forEach(({ id }, i) => move.run(i % 2 === 0 ? 'test' : 'dev', id))
      const score = async (split: 'test' | 'dev'): Promise<string> => {
        const started = await call(juma, 'checkpoint.score', { a: 'base', b: 1, split })
        expect(started.body).toMatchObject({ ok: true })
        return (started.body.value as { jobId: string }).jobId
      }

      const first = await score('test')
      expect(await cancellable(juma, first)).toBe(true)
      expect(await cancellable(baraka, first)).toBe(false)
      expect(await cancellable(neema, first)).toBe(true)
      // Another annotator is refused, told who may; the client cannot claim to be the starter.
      const refusal = await call(baraka, 'job.cancel', { jobId: first, startedBy: 'juma' })
      expect(refusal.status).toBe(400)
      const refused = await call(baraka, 'job.cancel', { jobId: first })
      expect(refused.status).toBe(403)
      expect(refused.body.error).toMatchObject({
        kind: 'forbidden',
        key: 'notYourJob',
        message: `"baraka" may not cancel "Score the base model and checkpoint 1 on the test split": only the one who started it (juma) or a lead can`,
      })
      expect(await call(juma, 'job.cancel', { jobId: first })).toMatchObject({
        status: 200,
        body: { ok: true, value: { cancelled: true } },
      })
      expect(await ended(first)).toBe('cancelled')

      const second = await score('dev')
      expect(await call(neema, 'job.cancel', { jobId: second })).toMatchObject({
        status: 200,
        body: { ok: true, value: { cancelled: true } },
      })
      expect(await ended(second)).toBe('cancelled')
    } finally {
      await host.close()
    }
  }, 300_000)
})
