import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import { searchSql } from '../../src/main/core/search/query'
import type { Workbench } from '../../src/main/core/workbench'
import type { Annotator, SavedSearch, SearchHit, SearchPage } from '../../src/shared/domain'
import { insertRows, recordingRow } from '../support/db'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'

let wb: Workbench
let dispose: () => Promise<void>
let amina: Annotator
let baraka: Annotator
let rehema: Annotator
let lead: Annotator
const ids = {} as Record<
  'market' | 'cafe' | 'hindi' | 'plain' | 'noisy' | 'private' | 'untranscribed',
  number
>

const { ok, refused } = contractCalls(() => wb)
const db = () => wb.project.db

async function search(filter: Record<string, unknown>, extra: object = {}): Promise<SearchPage> {
  return ok<SearchPage>('search.utterances', { filter, ...extra })
}
const found = (page: SearchPage): number[] => page.items.map((i) => i.utteranceId).sort()
const marked = (hit: SearchHit): string[] => hit.pieces.filter((p) => p.match).map((p) => p.text)

/** Who said what: speakers A and B consent to annotation, C does not; one recording each. */
const transcripts: [key: string, speaker: string, language: string, text: string][] = [
  ['market', 'SPK-A', 'sw', 'Bei ya nyanya sokoni imepanda'],
  ['cafe', 'SPK-A', 'en', 'We met at the café near the market'],
  ['hindi', 'SPK-A', 'hi', 'मैं बाज़ार जा रहा हूँ'],
  ['plain', 'SPK-B', 'sw', 'Habari ya asubuhi'],
  ['noisy', 'SPK-B', 'sw', 'Soko limefungwa leo'],
  ['private', 'SPK-C', 'sw', 'Soko la samaki'],
]

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('search'))
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  baraka = await ok<Annotator>('annotator.create', { name: 'Baraka', role: 'annotator' })
  rehema = await ok<Annotator>('annotator.create', { name: 'Rehema', role: 'reviewer' })
  lead = await ok<Annotator>('annotator.create', { name: 'Lead', role: 'lead' })
  const now = '2026-03-01T10:00:00.000Z'
  db().transaction(() => {
    for (const [i, code] of ['SPK-A', 'SPK-B', 'SPK-C'].entries()) {
      const speaker = ensureSpeaker(db(), { code }, now)
      if (code !== 'SPK-C')
        recordConsent(db(), { speakerId: speaker, scope: 'annotation', grantedAt: now }, now)
      insertRows(db(), 'recording', [
        { ...recordingRow(String(i).repeat(64), 60), speaker_id: speaker },
      ])
    }
    transcripts.forEach(([key, code, language, text], i) => {
      const speaker = ensureSpeaker(db(), { code }, now)
      const recording = ['SPK-A', 'SPK-B', 'SPK-C'].indexOf(code) + 1
      insertRows(db(), 'utterance', [
        {
          recording_id: recording,
          start_sec: i * 5,
          end_sec: i * 5 + 4,
          speaker_id: speaker,
          language,
          status: 'pseudo',
          created_at: now,
        },
      ])
      ids[key as keyof typeof ids] = i + 1
      appendRevision(db(), {
        utteranceId: i + 1,
        text,
        source: { kind: 'import', ref: 'test' },
        createdAt: now,
      })
    })
    // One utterance with no transcript at all.
    insertRows(db(), 'utterance', [
      {
        recording_id: 1,
        start_sec: 40,
        end_sec: 44,
        speaker_id: 1,
        status: 'new',
        created_at: now,
      },
    ])
    ids.untranscribed = transcripts.length + 1
  })()
}, 60_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('finding words', () => {
  it('finds a word in every consented transcript, marked where it matched', async () => {
    const page = await search({ text: 'sokoni' })
    expect(found(page)).toEqual([ids.market])
    expect(page.total).toBe(1)
    expect(page.items[0]!.pieces.map((p) => p.text).join('')).toBe('Bei ya nyanya sokoni imepanda')
    expect(marked(page.items[0]!)).toEqual(['sokoni'])
    expect(page.items[0]).toMatchObject({ speakerCode: 'SPK-A', language: 'sw', source: 'import' })
  })

  it('takes the last word typed as a prefix, and every word as required', async () => {
    // "soko" is still being typed: sokoni and Soko both start with it; SPK-C has no consent.
    expect(found(await search({ text: 'soko' }))).toEqual([ids.market, ids.noisy].sort())
    expect(found(await search({ text: 'nyanya soko' }))).toEqual([ids.market])
    expect(found(await search({ text: 'nyanya leo' }))).toEqual([])
  })

  it('matches a quoted phrase only in order, and reads operators as plain words', async () => {
    expect(found(await search({ text: '"bei ya"' }))).toEqual([ids.market])
    expect(found(await search({ text: '"ya bei"' }))).toEqual([])
    // FTS5 syntax typed by a person is just text, never an error.
    for (const text of ['NOT soko', 'soko OR', '*', '"', 'text:soko', '(soko', 'NEAR(a b)'])
      expect((await search({ text })).items).toBeInstanceOf(Array)
    expect((await search({ text: '?!' })).total).toBe(ids.untranscribed - 1)
  })

  it('ignores case and diacritics by default, and matches them exactly on request', async () => {
    expect(found(await search({ text: 'CAFE' }))).toEqual([ids.cafe])
    expect(marked((await search({ text: 'cafe' })).items[0]!)).toEqual(['café'])
    expect(found(await search({ text: 'cafe', exactDiacritics: true }))).toEqual([])
    expect(found(await search({ text: 'café', exactDiacritics: true }))).toEqual([ids.cafe])
  })

  it('keeps Devanagari words whole (vowel signs and nukta are part of the word)', async () => {
    const page = await search({ text: 'हूँ' })
    expect(found(page)).toEqual([ids.hindi])
    expect(marked(page.items[0]!)).toEqual(['हूँ'])
    expect(found(await search({ text: 'बाज़ार' }))).toEqual([ids.hindi])
  })

  it('lists utterances by filter alone, untranscribed ones too, in a stable order', async () => {
    const page = await search({}, { limit: 3 })
    expect(page.total).toBe(ids.untranscribed - 1)
    expect(found(page)).toEqual([1, 2, 3])
    const last = await search({}, { offset: 3, limit: 3 })
    expect(found(last)).toEqual([4, 5, ids.untranscribed])
    expect(last.items.at(-1)!.pieces).toEqual([])
  })
})

describe('the index follows the transcripts', () => {
  it('replaces an utterance’s words when it is saved, and a refused save changes nothing', async () => {
    const detail = await ok<{ head: { id: number } | null }>('utterance.get', {
      id: ids.plain,
      actorId: amina.id,
    })
    await ok('utterance.save', {
      id: ids.plain,
      actorId: amina.id,
      baseRevisionId: detail.head!.id,
      text: 'Habari za jioni',
    })
    expect(found(await search({ text: 'asubuhi' }))).toEqual([])
    const page = await search({ text: 'jioni' })
    expect(found(page)).toEqual([ids.plain])
    expect(page.items[0]).toMatchObject({
      source: 'annotator',
      writer: 'Amina',
      status: 'corrected',
    })
    // Saved on top of the old revision: refused as a conflict, the index keeps the newest words.
    const conflict = await refused('utterance.save', {
      id: ids.plain,
      actorId: baraka.id,
      baseRevisionId: detail.head!.id,
      text: 'Habari za usiku',
    })
    expect(conflict.kind).toBe('conflict')
    expect(found(await search({ text: 'usiku' }))).toEqual([])
    expect(found(await search({ text: 'jioni' }))).toEqual([ids.plain])
  })

  it('forgets a purged speaker’s words, in the index itself and not only in results', async () => {
    const speaker = db().prepare("SELECT id FROM speaker WHERE code = 'SPK-C'").get() as {
      id: number
    }
    const indexed = (word: string): number =>
      (
        db()
          .prepare('SELECT count(*) AS n FROM search_folded WHERE search_folded MATCH ?')
          .get(word) as { n: number }
      ).n
    expect(indexed('samaki')).toBe(1)
    // Without consent to annotation, nobody finds them.
    expect(found(await search({ text: 'samaki' }))).toEqual([])
    await ok('consent.purge', {
      actorId: lead.id,
      speakerId: speaker.id,
      reason: 'asked to be removed',
    })
    expect(indexed('samaki')).toBe(0)
    const row = db()
      .prepare('SELECT count(*) AS n FROM search_text WHERE utterance_id = ?')
      .get(ids.private) as { n: number }
    expect(row.n).toBe(0)
  })
})

describe('filters', () => {
  it('narrows by status, language, speaker, flag, annotator, reviewer and day', async () => {
    expect(found(await search({ status: ['corrected'] }))).toEqual([ids.plain])
    expect(found(await search({ languages: ['en', 'hi'] }))).toEqual([ids.cafe, ids.hindi].sort())
    expect(found(await search({ speakers: ['SPK-B'] }))).toEqual([ids.plain, ids.noisy].sort())
    expect(found(await search({ annotators: [amina.id] }))).toEqual([ids.plain])
    expect(found(await search({ annotators: [baraka.id] }))).toEqual([])

    const noisy = await ok<{ head: { id: number } }>('utterance.get', { id: ids.noisy })
    await ok('utterance.save', {
      id: ids.noisy,
      actorId: baraka.id,
      baseRevisionId: noisy.head.id,
      text: 'Soko limefungwa leo kwa sababu ya mvua',
      status: 'flagged',
      flagReason: 'noise',
    })
    expect(found(await search({ flags: ['noise'] }))).toEqual([ids.noisy])
    expect(found(await search({ flags: ['overlap'] }))).toEqual([])
    // What a flag kept of the typed text is Baraka's, and searchable.
    expect(found(await search({ text: 'mvua', annotators: [baraka.id] }))).toEqual([ids.noisy])

    const plain = await ok<{ head: { id: number } }>('utterance.get', { id: ids.plain })
    insertRows(db(), 'review', [
      {
        revision_id: plain.head.id,
        reviewer_id: rehema.id,
        verdict: 'approve',
        created_at: new Date().toISOString(),
      },
    ])
    expect(found(await search({ reviewers: [rehema.id] }))).toEqual([ids.plain])

    // Imports are dated 2026-03-01; the saves are dated today.
    const today = new Date().toISOString().slice(0, 10)
    expect(found(await search({ from: '2026-03-01', to: '2026-03-01' }))).toEqual(
      [ids.market, ids.cafe, ids.hindi].sort(),
    )
    expect(found(await search({ text: 'soko', from: today }))).toEqual([ids.noisy])
    expect(found(await search({ text: 'soko', status: ['pseudo'], speakers: ['SPK-A'] }))).toEqual([
      ids.market,
    ])
  })

  it('refuses a filter that cannot be meant, naming the field', async () => {
    const backwards = await refused('search.utterances', {
      filter: { from: '2026-03-02', to: '2026-03-01' },
    })
    expect(backwards.kind).toBe('validation')
    expect(backwards.message).toMatch(/to.*first day comes after the last/)
    const control = await refused('search.utterances', { filter: { text: 'a\u0002b' } })
    expect(control.message).toMatch(/control character/)
  })

  it('finds words through the index, not by reading every transcript', () => {
    const { page, params } = searchSql(
      db(),
      { filter: { text: 'soko' }, viewer: null, offset: 0, limit: 50 },
      new Date().toISOString(),
    )
    const plan = (db().prepare(`EXPLAIN QUERY PLAN ${page}`).all(params) as { detail: string }[])
      .map((r) => r.detail)
      .join('\n')
    expect(plan).toMatch(/SCAN search_folded VIRTUAL TABLE INDEX \d+:M/)
    expect(plan).not.toMatch(/SCAN (search_text|revision|utterance)\b/)
  })
})

describe('blind double annotation', () => {
  it('keeps another annotator’s blind version from the search, not from reviewers', async () => {
    const base = await ok<{ head: { id: number } }>('utterance.get', { id: ids.cafe })
    insertRows(db(), 'double_annotation', [
      {
        utterance_id: ids.cafe,
        base_revision_id: base.head.id,
        first_annotator_id: baraka.id,
        assigned_at: new Date().toISOString(),
      },
    ])
    appendRevision(db(), {
      utteranceId: ids.cafe,
      text: 'We met at the kiosk',
      source: { kind: 'annotator', annotatorId: baraka.id },
    })
    expect(found(await search({ text: 'kiosk' }, { actorId: baraka.id }))).toEqual([ids.cafe])
    expect(found(await search({ text: 'kiosk' }, { actorId: amina.id }))).toEqual([])
    expect(found(await search({ text: 'kiosk' }))).toEqual([])
    expect(found(await search({ text: 'kiosk' }, { actorId: rehema.id }))).toEqual([ids.cafe])
    // Listed by filter, Amina sees the utterance with the text both started from.
    const listed = await search({ languages: ['en'] }, { actorId: amina.id })
    expect(listed.items[0]!.pieces.map((p) => p.text).join('')).toBe(
      'We met at the café near the market',
    )
  })
})

describe('saved filters', () => {
  it('keeps each profile’s filters by name; the same name replaces; others cannot delete them', async () => {
    const saved = await ok<SavedSearch>('search.save', {
      actorId: amina.id,
      name: 'Market words',
      filter: { text: 'soko', status: ['pseudo'] },
    })
    await ok('search.save', {
      actorId: amina.id,
      name: 'Market words',
      filter: { text: 'sokoni' },
    })
    await ok('search.save', { actorId: baraka.id, name: 'Mine', filter: { flags: ['noise'] } })
    const list = await ok<SavedSearch[]>('search.saved', { actorId: amina.id })
    expect(list).toEqual([
      expect.objectContaining({ id: saved.id, name: 'Market words', filter: { text: 'sokoni' } }),
    ])
    expect(await ok('search.forget', { actorId: baraka.id, id: saved.id })).toEqual({
      forgotten: false,
    })
    expect(await ok('search.forget', { actorId: amina.id, id: saved.id })).toEqual({
      forgotten: true,
    })
    expect(await ok<SavedSearch[]>('search.saved', { actorId: amina.id })).toEqual([])
    expect((await ok<SavedSearch[]>('search.saved', { actorId: baraka.id }))[0]!.name).toBe('Mine')
    const unknown = await refused('search.save', { actorId: 999, name: 'x', filter: {} })
    expect(unknown.kind).toBe('forbidden')
  })
})
