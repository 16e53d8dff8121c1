import { createHash } from 'node:crypto'
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type {
  Annotator,
  ConsentRecord,
  ExportSummary,
  PurgeRecord,
  Speaker,
} from '../../src/shared/domain'
import type { Workbench } from '../../src/main/core/workbench'
import { ensureSpeaker } from '../../src/main/core/consent/speakers'
import { demoDir } from '../support/fixtures'
import {
  expectNoOpenWorkbenches,
  importAndWait,
  openTestWorkbench,
  runJob,
} from '../support/workbench'

/**
 * Consent on real audio (demo clips): SW-01 and SW-02 consent to research release, SW-03 only to
 * annotation, EN-01's research consent expired. A research export must hold nothing of SW-03 or
 * EN-01; after SW-02 withdraws, the next export holds nothing of SW-02 either.
 */
let wb: Workbench
let dispose: () => Promise<void>
let work: string
let lead: Annotator
let annotator: Annotator
const code = { sw1: 'SPK-SW-01', sw2: 'SPK-SW-02', sw3: 'SPK-SW-03', en1: 'SPK-EN-01' }
const clips: Record<string, string[]> = {
  [code.sw1]: ['sw-001.flac', 'sw-004.flac'],
  [code.sw2]: ['sw-002.flac', 'sw-005.flac'],
  [code.sw3]: ['sw-003.opus', 'sw-006.flac'],
  [code.en1]: ['en-001.flac', 'en-003.flac'],
}
const transcripts = new Map<string, string>()

async function call<T>(method: string, input: unknown): Promise<T> {
  const r = await wb.call(method, input)
  if (!r.ok) throw Object.assign(new Error(r.error.message), { kind: r.error.kind })
  return r.value as T
}

async function failure(method: string, input: unknown): Promise<{ kind: string; message: string }> {
  const r = await wb.call(method, input)
  if (r.ok) throw new Error(`${method} succeeded`)
  return r.error
}

/** Runs an export job through the contract and resolves with its outcome. */
async function exportTo(dir: string, use = 'research_release'): Promise<ExportSummary> {
  const f = await runJob(wb, 'export.start', {
    actorId: lead.id,
    use,
    dir,
    formats: [
      'kaldi',
      'nemo',
      'huggingface',
      'commonvoice',
      'csv',
      'eaf',
      'textgrid',
      'vtt',
      'srt',
    ],
    audio: 'wav',
    licence: 'CC-BY-4.0',
  })
  if (f.status !== 'done' || !f.exported) throw new Error(f.error?.message ?? f.status)
  return f.exported
}

const speakerId = async (c: string): Promise<number> =>
  (await call<Speaker[]>('speaker.list', {})).find((s) => s.code === c)!.id

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .map((p) => join(root, p))
    .filter((p) => statSync(p).isFile())
}

/** Everything an export holds that could name or quote a speaker: paths and text contents. */
function exportText(root: string): string {
  return filesUnder(root)
    .map((f) => relative(root, f) + '\n' + (f.endsWith('.wav') ? '' : readFileSync(f, 'utf8')))
    .join('\n')
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('consent'))
  work = mkdtempSync(join(tmpdir(), 'sauti-consent-'))
  const manifest = readFileSync(join(demoDir, 'manifest.tsv'), 'utf8').split('\n')
  const rows = ['path\ttranscript\tspeaker\tlanguage']
  for (const [speaker, files] of Object.entries(clips))
    for (const file of files) {
      const line = manifest.find((l) => l.startsWith(`audio/${file}\t`))!
      const [, text, , language] = line.split('\t')
      transcripts.set(file, text!)
      rows.push([join(demoDir, 'audio', file), text, speaker, language].join('\t'))
    }
  writeFileSync(join(work, 'manifest.tsv'), rows.join('\n') + '\n')
  expect((await importAndWait(wb, [join(work, 'manifest.tsv')])).imported).toBe(8)
  lead = await call<Annotator>('annotator.create', { name: 'Amina', role: 'lead' })
  annotator = await call<Annotator>('annotator.create', { name: 'Baraka', role: 'annotator' })
  const grant = async (c: string, scopes: string[], grantedAt: string, expiresAt?: string) =>
    call<ConsentRecord[]>('consent.grant', {
      actorId: lead.id,
      speakerId: await speakerId(c),
      scopes,
      grantedAt,
      ...(expiresAt ? { expiresAt } : {}),
      evidenceNote: 'oral consent, recorded',
    })
  await grant(code.sw1, ['annotation', 'research_release'], '2026-01-01')
  await grant(code.sw2, ['annotation', 'research_release'], '2026-01-01')
  await grant(code.sw3, ['annotation'], '2026-01-01')
  await grant(code.en1, ['annotation', 'research_release'], '2020-01-01', '2021-01-01')
}, 180_000)

afterAll(async () => {
  await dispose()
  rmSync(work, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe('roles', () => {
  it('refuses consent edits, purges, merges and exports from a profile that is not a lead', async () => {
    const sw3 = await speakerId(code.sw3)
    const attempts: [string, unknown][] = [
      [
        'consent.grant',
        { actorId: annotator.id, speakerId: sw3, scopes: ['commercial'], grantedAt: '2026-02-01' },
      ],
      ['consent.withdraw', { actorId: annotator.id, speakerId: sw3, scope: 'all' }],
      ['consent.purge', { actorId: annotator.id, speakerId: sw3 }],
      [
        'speaker.merge',
        { actorId: annotator.id, sourceId: sw3, targetId: await speakerId(code.sw1) },
      ],
      [
        'export.start',
        { actorId: annotator.id, use: 'annotation', dir: join(work, 'x'), formats: ['csv'] },
      ],
    ]
    const before = await call<ConsentRecord[]>('consent.list', {})
    for (const [method, input] of attempts) {
      const e = await failure(method, input)
      expect(e.kind, method).toBe('forbidden')
      expect(e.message).toMatch(/only a lead may .*"Baraka" is an annotator/)
    }
    expect(await call<ConsentRecord[]>('consent.list', {})).toEqual(before)
    expect(existsSync(join(work, 'x'))).toBe(false)
    // An unknown profile id is refused too, not trusted.
    expect(
      (await failure('consent.withdraw', { actorId: 999, speakerId: sw3, scope: 'all' })).kind,
    ).toBe('forbidden')
  })
})

describe('consent records', () => {
  it('lists states now: valid, and expired for consent that ran out', async () => {
    const records = await call<ConsentRecord[]>('consent.list', {})
    const en1 = records.filter((r) => r.speakerCode === code.en1)
    expect(en1.map((r) => r.state)).toEqual(['expired', 'expired'])
    expect(
      records.filter((r) => r.speakerCode === code.sw1).every((r) => r.state === 'valid'),
    ).toBe(true)
    expect(records[0]!.recordedBy).toBe('Amina')
    const speakers = await call<Speaker[]>('speaker.list', {})
    expect(speakers.find((s) => s.code === code.en1)!.consent.research_release).toBe('expired')
    expect(speakers.find((s) => s.code === code.sw3)!.consent.research_release).toBe('none')
  })

  it('stores evidence by its sha256 after checking the path, and refuses folders', async () => {
    const form = join(work, 'consent-form.txt')
    writeFileSync(form, 'I agree that my recordings may be used for research. — SW-01')
    const [record] = await call<ConsentRecord[]>('consent.grant', {
      actorId: lead.id,
      speakerId: await speakerId(code.sw1),
      scopes: ['model_training'],
      grantedAt: '2026-01-02',
      evidencePath: form,
    })
    const sha = createHash('sha256').update(readFileSync(form)).digest('hex')
    expect(record!.evidence).toEqual({
      sha256: sha,
      originalName: 'consent-form.txt',
      byteSize: statSync(form).size,
    })
    expect(readFileSync(join(wb.project.paths.root, 'evidence', sha), 'utf8')).toContain('I agree')
    const folder = await failure('consent.grant', {
      actorId: lead.id,
      speakerId: await speakerId(code.sw1),
      scopes: ['commercial'],
      grantedAt: '2026-01-02',
      evidencePath: work,
    })
    expect(folder).toMatchObject({ kind: 'bad_input' })
    expect(folder.message).toMatch(/regular file, not a folder/)
    const device = await failure('consent.grant', {
      actorId: lead.id,
      speakerId: await speakerId(code.sw1),
      scopes: ['commercial'],
      grantedAt: '2026-01-02',
      evidencePath: '/dev/zero',
    })
    expect(device.message).toMatch(/device or special file/)
  })
})

describe('a research export', () => {
  let first: string
  let summary: ExportSummary

  it('holds no audio, text, speaker entry or count of speakers without research consent', async () => {
    first = join(work, 'research-1')
    summary = await exportTo(first)
    expect(summary).toMatchObject({
      speakers: 2,
      utterances: 4,
      withoutConsent: 4,
      use: 'research_release',
    })
    const text = exportText(first)
    for (const c of [code.sw3, code.en1]) {
      expect(text).not.toContain(c)
      expect(text).not.toContain(c.replace(/-/g, '_'))
      for (const file of clips[c]!) expect(text).not.toContain(transcripts.get(file)!)
    }
    for (const c of [code.sw1, code.sw2]) expect(text).toContain(c)
    // Audio: one 16 kHz clip per consented utterance, and whole recordings only of consented speakers.
    const wavs = filesUnder(first).filter((f) => f.endsWith('.wav'))
    expect(wavs.filter((f) => f.includes('/clips/'))).toHaveLength(4)
    expect(wavs.filter((f) => f.includes('/recordings/'))).toHaveLength(4)
    const excluded = wb.project.db
      .prepare(
        `SELECT u.id FROM utterance u JOIN speaker s ON s.id = u.speaker_id WHERE s.code IN (?, ?)`,
      )
      .all(code.sw3, code.en1) as { id: number }[]
    for (const { id } of excluded) expect(text).not.toContain(`utt${String(id).padStart(6, '0')}`)
    const sheet = JSON.parse(readFileSync(join(first, 'datasheet.json'), 'utf8')) as {
      totals: { utterances: number; speakers: number }
      speakers: { code: string }[]
      byGender: { utterances: number }[]
      byLanguage: { value: string; utterances: number }[]
      labelSources: { counts: Record<string, number> }
      consent: { heldByAll: string[] }
      licence: string
    }
    expect(sheet.totals).toMatchObject({ utterances: 4, speakers: 2 })
    expect(sheet.speakers.map((s) => s.code).sort()).toEqual([code.sw1, code.sw2])
    expect(sheet.byGender.reduce((n, g) => n + g.utterances, 0)).toBe(4)
    expect(sheet.byLanguage).toEqual([expect.objectContaining({ value: 'sw', utterances: 4 })])
    expect(sheet.labelSources.counts).toEqual({ human: 0, model: 0, import: 4 })
    expect(sheet.consent.heldByAll).toEqual(['annotation', 'research_release'])
    expect(sheet.licence).toBe('CC-BY-4.0')
  })

  it('records its consent snapshot and the sha256 of every file in its manifest', () => {
    const manifest = JSON.parse(readFileSync(join(first, 'manifest.json'), 'utf8')) as {
      consentSnapshot: { scope: string; speakers: { code: string; consentId: number }[] }
      files: { path: string; sha256: string; bytes: number }[]
    }
    expect(manifest.consentSnapshot.scope).toBe('research_release')
    expect(manifest.consentSnapshot.speakers.map((s) => s.code)).toEqual([code.sw1, code.sw2])
    const onDisk = filesUnder(first)
      .map((f) => relative(first, f))
      .sort()
    expect([...manifest.files.map((f) => f.path), 'manifest.json', 'SHA256SUMS'].sort()).toEqual(
      onDisk,
    )
    for (const f of manifest.files) {
      const bytes = readFileSync(join(first, f.path))
      expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256)
      expect(bytes.length).toBe(f.bytes)
    }
    expect(summary.manifestSha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(first, 'manifest.json')))
        .digest('hex'),
    )
  })

  it('gives speakers splits that stay the same in the next export', () => {
    // Two speakers: the splits hold out stretches of recordings (splits.ts), each kept once made.
    const units = wb.project.db
      .prepare(
        'SELECT recording_id, block, split FROM recording_split UNION ALL SELECT speaker_id, -1, split FROM speaker_split',
      )
      .all()
    expect(units.length).toBeGreaterThanOrEqual(2)
    const unsplit = wb.project.db
      .prepare("SELECT count(*) AS n FROM utterance WHERE split IS NULL AND status <> 'new'")
      .get() as { n: number }
    expect(unsplit.n).toBe(0)
    expect(filesUnder(join(first, 'kaldi')).some((f) => f.includes('/kaldi/train/'))).toBe(true)
  })

  it('after a withdrawal, leaves the speaker out of the next export', async () => {
    const splitsQuery =
      'SELECT recording_id, block, split FROM recording_split UNION ALL SELECT speaker_id, -1, split FROM speaker_split ORDER BY 1, 2'
    const splitsBefore = wb.project.db.prepare(splitsQuery).all()
    await call('consent.withdraw', {
      actorId: lead.id,
      speakerId: await speakerId(code.sw2),
      scope: 'research_release',
    })
    const second = join(work, 'research-2')
    const next = await exportTo(second)
    expect(next).toMatchObject({ speakers: 1, utterances: 2, withoutConsent: 6 })
    const text = exportText(second)
    expect(text).not.toContain(code.sw2)
    for (const file of clips[code.sw2]!) expect(text).not.toContain(transcripts.get(file)!)
    expect(text).toContain(code.sw1)
    expect(wb.project.db.prepare(splitsQuery).all()).toEqual(splitsBefore)
    const withdrawn = (
      await call<ConsentRecord[]>('consent.list', { speakerId: await speakerId(code.sw2) })
    ).filter((r) => r.scope === 'research_release')
    expect(withdrawn).toEqual([
      expect.objectContaining({ state: 'withdrawn', withdrawnBy: 'Amina' }),
    ])
  })

  it('refuses a folder that is not empty, and leaves nothing behind when it fails', async () => {
    const e = await failure('export.start', {
      actorId: lead.id,
      use: 'research_release',
      dir: join(work, 'research-1'),
      formats: ['csv'],
    })
    expect(e.kind).toBe('conflict')
    expect(e.message).toMatch(/not empty/)
    // Hugging Face needs one file per utterance: refused as a job failure, with no folder left.
    const started = await call<{ jobId: string }>('export.start', {
      actorId: lead.id,
      use: 'research_release',
      dir: join(work, 'refused'),
      formats: ['huggingface'],
      audio: 'originals',
    })
    expect((await wb.jobs.wait(started.jobId)).status).toBe('failed')
    expect(readdirSync(work).filter((n) => n.includes('refused'))).toEqual([])
  })

  it('cancelled, leaves neither the folder nor a temporary one', async () => {
    const dir = join(work, 'cancelled')
    const { jobId } = await call<{ jobId: string }>('export.start', {
      actorId: lead.id,
      use: 'annotation',
      dir,
      formats: ['kaldi', 'eaf'],
    })
    wb.jobs.cancel(jobId)
    expect((await wb.jobs.wait(jobId)).status).toBe('cancelled')
    expect(readdirSync(work).filter((n) => n.includes('cancelled'))).toEqual([])
  })
})

describe('the speaker registry', () => {
  it('creates, edits, assigns and merges a duplicate back, with its consent', async () => {
    const dup = await call<Speaker>('speaker.create', {
      actorId: annotator.id,
      code: 'SW-01-dup',
      gender: 'female',
    })
    const edited = await call<Speaker>('speaker.update', {
      actorId: annotator.id,
      id: dup.id,
      dialect: 'Kiunguja',
    })
    expect(edited).toMatchObject({ code: 'SW-01-dup', gender: 'female', dialect: 'Kiunguja' })
    const sw1 = await speakerId(code.sw1)
    const utterance = wb.project.db
      .prepare('SELECT id FROM utterance WHERE speaker_id = ? ORDER BY id LIMIT 1')
      .get(sw1) as { id: number }
    expect(
      (
        await failure('speaker.assign', {
          actorId: annotator.id,
          speakerId: dup.id,
          utteranceIds: [utterance.id],
        })
      ).kind,
    ).toBe('forbidden')
    expect(
      await call('speaker.assign', {
        actorId: lead.id,
        speakerId: dup.id,
        utteranceIds: [utterance.id],
      }),
    ).toEqual({
      recordings: 0,
      utterances: 1,
    })
    // The recording now names both speakers heard in it (the assignment list shows them).
    const { recording_id: recordingId } = wb.project.db
      .prepare('SELECT recording_id FROM utterance WHERE id = ?')
      .get(utterance.id) as { recording_id: number }
    const recordings = await call<{ items: { id: number; speakers: string[] }[] }>(
      'recording.list',
      { limit: 1000 },
    )
    expect(recordings.items.find((r) => r.id === recordingId)?.speakers).toContain('SW-01-dup')
    await call('consent.grant', {
      actorId: lead.id,
      speakerId: dup.id,
      scopes: ['commercial'],
      grantedAt: '2026-01-05',
    })
    const merged = await call<Speaker>('speaker.merge', {
      actorId: lead.id,
      sourceId: dup.id,
      targetId: sw1,
    })
    expect(merged.utterances).toBe(2)
    expect(merged.consent.commercial).toBe('granted')
    const list = await call<Speaker[]>('speaker.list', {})
    expect(list.find((s) => s.code === 'SW-01-dup')).toMatchObject({
      mergedInto: sw1,
      utterances: 0,
    })
    // A manifest naming the old code lands on the speaker it was merged into.
    expect(ensureSpeaker(wb.project.db, { code: 'SW-01-dup' })).toBe(sw1)
    expect((await failure('speaker.create', { actorId: annotator.id, code: code.sw1 })).kind).toBe(
      'conflict',
    )
  })
})

describe('purging audio on request', () => {
  let purge: PurgeRecord

  it("deletes the speaker's originals and caches, keeping an audit record with their sha256s", async () => {
    const sw3 = await speakerId(code.sw3)
    const recordings = wb.project.db
      .prepare('SELECT id, sha256, format FROM recording WHERE speaker_id = ? ORDER BY id')
      .all(sw3) as { id: number; sha256: string; format: string }[]
    const { paths } = wb.project
    const files = recordings.flatMap((r) => [
      join(paths.audioDir, `${r.sha256}.${r.format}`),
      join(paths.pcmDir, `${r.sha256}.f32`),
      join(paths.peaksDir, `${r.sha256}.peaks`),
    ])
    const hashes = new Map(
      files.map((f) => [
        relative(paths.root, f),
        createHash('sha256').update(readFileSync(f)).digest('hex'),
      ]),
    )
    purge = await call<PurgeRecord>('consent.purge', {
      actorId: lead.id,
      speakerId: sw3,
      reason: 'asked on 2026-03-01',
    })
    for (const f of files) expect(existsSync(f), f).toBe(false)
    expect(purge).toMatchObject({
      speakerCode: code.sw3,
      purgedBy: 'Amina',
      reason: 'asked on 2026-03-01',
    })
    expect(purge.recordings.map((r) => r.sha256)).toEqual(recordings.map((r) => r.sha256))
    expect(new Map(purge.files.map((f) => [f.path, f.sha256]))).toEqual(hashes)
    expect(await call<PurgeRecord[]>('consent.purges', {})).toEqual([{ ...purge, keptShared: [] }])
    const records = await call<ConsentRecord[]>('consent.list', { speakerId: sw3 })
    expect(records.every((r) => r.state === 'withdrawn')).toBe(true)
  })

  it('and the app treats those recordings as purged: clear errors, left out of exports', async () => {
    const id = purge.recordings[0]!.id
    const peaks = await failure('recording.peaks', { id })
    expect(peaks.kind).toBe('not_found')
    expect(peaks.message).toMatch(/was purged on .* at the speaker's request/)
    expect(() => wb.mediaFile(id)).toThrow(/purged/)
    expect(
      (await failure('recording.spectrogram', { id, startSec: 0, endSec: 1 })).message,
    ).toMatch(/purged/)
    // Even with consent granted again, a purged recording has no audio to export.
    await call('consent.grant', {
      actorId: lead.id,
      speakerId: purge.speakerId,
      scopes: ['annotation'],
      grantedAt: '2026-03-02',
    })
    const dir = join(work, 'after-purge')
    const e = await exportTo(dir, 'annotation')
    expect(exportText(dir)).not.toContain(code.sw3)
    expect(e.speakers).toBe(2)
    // Nor is any of it served for annotation, though the speaker consents again.
    const queue = await call<{ items: { recordingId: number }[] }>('queue.list', {
      order: 'file',
      filter: {},
      limit: 500,
    })
    const purged = new Set(purge.recordings.map((r) => r.id))
    expect(queue.items.some((i) => purged.has(i.recordingId))).toBe(false)
    const verify = await call<{ ok: boolean }>('audit.verify', {})
    expect(verify.ok).toBe(true)
  })
})
