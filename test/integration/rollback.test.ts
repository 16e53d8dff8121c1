import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activeCheckpoint } from '../../src/main/core/adapt/checkpoints'
import type { Workbench } from '../../src/main/core/workbench'
import type { AdaptationStatus, Annotator } from '../../src/shared/domain'
import { insertHypotheses, insertRows } from '../support/db'
import { contractCalls, expectNoOpenWorkbenches, openDemoWorkbench } from '../support/workbench'

/**
 * A lead puts an earlier checkpoint, then the base model, back in use on the demo project
 * labelled by the starter model: labelling reads the one chosen, the editor's and the queue's
 * hypotheses follow it, and the project keeps who did it and why.
 */
let wb: Workbench
let dispose: () => Promise<void>
let lead: Annotator
let amina: Annotator
let modelId: number
const { ok, refused } = contractCalls(() => wb)
const db = () => wb.project.db
const now = '2026-06-01T00:00:00.000Z'
const utterances: number[] = []

/** The text of the hypothesis an utterance shows now (the editor's and the queue's). */
const shown = (id: number): string =>
  (
    db()
      .prepare(
        'SELECT h.text FROM utterance u JOIN hypothesis h ON h.id = u.hypothesis_id WHERE u.id = ?',
      )
      .get(id) as { text: string }
  ).text

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openDemoWorkbench())
  lead = await ok<Annotator>('annotator.create', { name: 'Neema', role: 'lead' })
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  modelId = (db().prepare('SELECT id FROM model ORDER BY id LIMIT 1').get() as { id: number }).id
  // Two checkpoints trained one after the other (files are not read by a rollback), a third
  // one tainted by a withdrawal; each decoded the first two utterances.
  for (const [i, status] of (['inactive', 'active', 'tainted'] as const).entries())
    insertRows(db(), 'checkpoint', [
      {
        model_id: modelId,
        parent_id: i === 0 ? null : i,
        path: `/checkpoints/${i + 1}.bin`,
        sha256: String(i + 1).repeat(64),
        status,
        tainted_reason: status === 'tainted' ? 'trained on a speaker who withdrew' : null,
        metrics: JSON.stringify({ trainUtterances: 10 * (i + 1), trainSec: 60 * (i + 1) }),
        created_at: now,
      },
    ])
  for (const row of db()
    .prepare('SELECT id FROM utterance WHERE hypothesis_id IS NOT NULL ORDER BY id LIMIT 2')
    .all() as { id: number }[])
    utterances.push(row.id)
  for (const checkpoint of [1, 2])
    for (const id of utterances)
      insertHypotheses(db(), [
        {
          utterance_id: id,
          model_id: modelId,
          checkpoint_id: checkpoint,
          rank: 1,
          text: `checkpoint ${checkpoint} hears ${id}`,
          score: -1,
          confidence: 0.5 + checkpoint / 10,
          created_at: now,
        },
      ])
}, 300_000)

afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('rolling back a checkpoint', () => {
  it('puts an earlier checkpoint back in use: labelling reads it, hypotheses follow, the reason is kept', async () => {
    expect(activeCheckpoint(db(), modelId)?.id).toBe(2)
    expect(shown(utterances[0]!)).toBe(`checkpoint 2 hears ${utterances[0]}`)
    const status = await ok<AdaptationStatus>('checkpoint.activate', {
      actorId: lead.id,
      checkpoint: 1,
      reason: 'checkpoint 2 mangles Sheng loanwords',
    })
    expect(status.activeCheckpoint).toBe(1)
    expect(status.checkpoints.map((c) => [c.id, c.status])).toEqual([
      [1, 'active'],
      [2, 'inactive'],
      [3, 'tainted'],
    ])
    // What `label.start` decodes new utterances with.
    expect(activeCheckpoint(db(), modelId)?.id).toBe(1)
    for (const id of utterances) expect(shown(id)).toBe(`checkpoint 1 hears ${id}`)
    expect(
      (
        db().prepare('SELECT confidence FROM utterance WHERE id = ?').get(utterances[0]) as {
          confidence: number
        }
      ).confidence,
    ).toBeCloseTo(0.6)
    expect(status.activations).toEqual([
      expect.objectContaining({
        modelId,
        from: 2,
        to: 1,
        byId: lead.id,
        by: 'Neema',
        reason: 'checkpoint 2 mangles Sheng loanwords',
      }),
    ])
  })

  it('goes back to the base model, whose own hypotheses come back', async () => {
    const base = (
      db()
        .prepare(
          'SELECT text FROM hypothesis WHERE utterance_id = ? AND checkpoint_id IS NULL AND rank = 1 ORDER BY id DESC LIMIT 1',
        )
        .get(utterances[1]) as { text: string }
    ).text
    const status = await ok<AdaptationStatus>('checkpoint.activate', {
      actorId: lead.id,
      checkpoint: 'base',
      reason: 'start over after the dialect mix-up',
    })
    expect(status.activeCheckpoint).toBeNull()
    expect(activeCheckpoint(db(), modelId)).toBeNull()
    expect(shown(utterances[1]!)).toBe(base)
    expect(status.activations.map((a) => [a.from, a.to])).toEqual([
      [2, 1],
      [1, null],
    ])
  })

  it('is refused, saying why, to a non-lead, for a tainted checkpoint and for the one in use', async () => {
    const notLead = await refused('checkpoint.activate', {
      actorId: amina.id,
      checkpoint: 2,
      reason: 'I prefer it',
    })
    expect(notLead).toMatchObject({ kind: 'forbidden' })
    expect(notLead.message).toMatch(/only a lead may change the checkpoint in use/)
    const tainted = await refused('checkpoint.activate', {
      actorId: lead.id,
      checkpoint: 3,
      reason: 'it was better',
    })
    expect(tainted).toMatchObject({ kind: 'conflict' })
    expect(tainted.message).toMatch(
      /checkpoint 3 cannot be used again: trained on a speaker who withdrew/,
    )
    const same = await refused('checkpoint.activate', {
      actorId: lead.id,
      checkpoint: 'base',
      reason: 'again',
    })
    expect(same.message).toMatch(/base model is already in use/)
    const noReason = await refused('checkpoint.activate', {
      actorId: lead.id,
      checkpoint: 2,
      reason: '  ',
    })
    expect(noReason).toMatchObject({ kind: 'validation' })
    expect((await ok<AdaptationStatus>('adaptation.status', {})).activations).toHaveLength(2)
  })
})
