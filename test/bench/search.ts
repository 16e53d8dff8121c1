/**
 * Search over transcripts (issue 20): a project of 100,000 utterances in a real SQLite file,
 * each with a transcript drawn from a Zipf-distributed vocabulary (a fifth of them edited once
 * by an annotator, so the index has followed a revision), then p50/p95 of the call's work (the
 * page of 50 with highlights, and the count) for typical searches, beside a baseline measured in
 * the same run: the same words found with `LIKE '%word%'` over the same current transcripts.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { createProject } from '../../src/main/core/project/projects'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import { searchUtterances } from '../../src/main/core/search/query'
import type { WriteDb } from '../../src/main/core/db/connection'
import type { SearchFilter } from '../../src/shared/domain'

const utterances = 100_000
const perRecording = 100
const rounds = 40

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!
}
const ms = (x: number): string => `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`

/** A vocabulary of 5,000 Swahili-like words, the first few of them real and frequent. */
function vocabulary(): string[] {
  const syllables = [
    'ba',
    'ka',
    'li',
    'ma',
    'na',
    'ni',
    'pa',
    'si',
    'ta',
    'wa',
    'ya',
    'zo',
    'ku',
    'mu',
    'ngo',
  ]
  const words = new Set([
    'ya',
    'na',
    'kwa',
    'wa',
    'sokoni',
    'bei',
    'nyanya',
    'habari',
    'leo',
    'café',
  ])
  for (let i = 0; words.size < 5000; i++) {
    let w = ''
    for (let n = i; w.length < 6 || n > 0; n = Math.floor(n / syllables.length))
      w += syllables[n % syllables.length]
    words.add(w)
  }
  return [...words]
}

function build(db: WriteDb, words: string[]): void {
  const now = '2026-06-01T08:00:00.000Z'
  // mulberry32: a seeded generator whose arithmetic stays in 32 bits (exact in doubles).
  let seed = 20_2026
  const random = (): number => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  // Zipf: the word of rank r is drawn with probability ∝ 1/r.
  const weights = words.map((_, r) => 1 / (r + 1))
  const cumulative: number[] = []
  weights.reduce((sum, w, i) => (cumulative[i] = sum + w), 0)
  const total = cumulative.at(-1)!
  const draw = (): string => {
    const x = random() * total
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return words[lo]!
  }
  const sentence = (): string =>
    Array.from({ length: 5 + Math.floor(random() * 8) }, draw).join(' ')
  db.transaction(() => {
    const speakers = Array.from({ length: 40 }, (_, i) => {
      const id = ensureSpeaker(db, { code: `BENCH-${i}` }, now)
      recordConsent(
        db,
        { speakerId: id, scope: 'annotation', grantedAt: '2020-01-01T00:00:00Z' },
        now,
      )
      return id
    })
    const annotator = Number(
      db
        .prepare("INSERT INTO annotator (name, role, created_at) VALUES ('Amina', 'annotator', ?)")
        .run(now).lastInsertRowid,
    )
    const addRecording = db.prepare(
      `INSERT INTO recording (sha256, original_name, source_path, format, byte_size, duration_sec, sample_rate, channels, speaker_id, imported_at)
       VALUES (?, ?, '/bench.wav', 'wav', 1, 300, 16000, 1, ?, ?)`,
    )
    const addUtterance = db.prepare(
      `INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at)
       VALUES (?, ?, ?, ?, 'sw', ?, ?)`,
    )
    for (let r = 0; r < utterances / perRecording; r++) {
      const speaker = speakers[r % speakers.length]!
      const recording = Number(
        addRecording.run(r.toString(16).padStart(64, '0'), `bench-${r}.wav`, speaker, now)
          .lastInsertRowid,
      )
      for (let u = 0; u < perRecording; u++) {
        const edited = random() < 0.2
        const id = Number(
          addUtterance.run(
            recording,
            u * 3,
            u * 3 + 2.5,
            speaker,
            edited ? 'corrected' : 'pseudo',
            now,
          ).lastInsertRowid,
        )
        appendRevision(db, {
          utteranceId: id,
          text: sentence(),
          source: { kind: 'import', ref: 'bench' },
          createdAt: now,
        })
        if (edited)
          appendRevision(db, {
            utteranceId: id,
            text: sentence(),
            source: { kind: 'annotator', annotatorId: annotator },
            createdAt: now,
          })
      }
    }
  })()
}

/** The baseline: the same words with LIKE over every current transcript, the page and the count. */
function likeScan(db: WriteDb, terms: string[], status: string[] | null): void {
  const where = terms.map((_, i) => `t.text LIKE :t${i}`)
  const params: Record<string, unknown> = Object.fromEntries(
    terms.map((t, i) => [`t${i}`, `%${t}%`]),
  )
  if (status) {
    where.push(`u.status IN (${status.map((_, i) => `:s${i}`).join(', ')})`)
    status.forEach((s, i) => (params[`s${i}`] = s))
  }
  const from = `FROM search_text t JOIN utterance u ON u.id = t.utterance_id WHERE ${where.join(' AND ')}`
  db.prepare(`SELECT u.id, t.text ${from} ORDER BY u.id LIMIT 50`).all(params)
  db.prepare(`SELECT count(*) ${from}`).get(params)
}

export async function searchBench(): Promise<void> {
  console.log(`\n== Search over transcripts: ${utterances.toLocaleString('en')} utterances`)
  const dataDir = mkdtempSync(join(tmpdir(), 'sauti-bench-search-'))
  try {
    const { db } = await createProject(dataDir, 'search')
    const words = vocabulary()
    const t0 = performance.now()
    build(db, words)
    const buildMs = performance.now() - t0
    const revisions = (db.prepare('SELECT count(*) AS n FROM revision').get() as { n: number }).n
    console.log(
      `built in ${(buildMs / 1000).toFixed(1)} s: ${revisions.toLocaleString('en')} revisions, each indexed by the triggers as it was written`,
    )
    // Bands of the vocabulary by frequency: each round takes the next word of its band, so
    // rounds do not repeat one query the page cache already answered.
    const band = (from: number, to: number) => (i: number) => words[from + (i % (to - from))]!
    const common = band(4, 8)
    const middle = band(100, 140)
    const rare = band(3000, 3040)
    const cases: {
      name: string
      filter: (i: number) => SearchFilter
      like: (i: number) => [string[], string[] | null]
    }[] = [
      {
        name: 'a rare word (a few dozen hits)',
        filter: (i) => ({ text: rare(i) }),
        like: (i) => [[rare(i)], null],
      },
      {
        name: 'a word of middling frequency',
        filter: (i) => ({ text: middle(i) }),
        like: (i) => [[middle(i)], null],
      },
      {
        name: 'a very common word (a sixth of all)',
        filter: (i) => ({ text: common(i) }),
        like: (i) => [[common(i)], null],
      },
      {
        name: 'two words, both required',
        filter: (i) => ({ text: `${common(i)} ${middle(i)}` }),
        like: (i) => [[common(i), middle(i)], null],
      },
      {
        name: 'a prefix being typed (3 letters)',
        filter: (i) => ({ text: middle(i).slice(0, 3) }),
        like: (i) => [[middle(i).slice(0, 3)], null],
      },
      {
        name: 'a word + status corrected',
        filter: (i) => ({ text: middle(i), status: ['corrected'] }),
        like: (i) => [[middle(i)], ['corrected']],
      },
    ]
    const now = new Date().toISOString()
    console.log(
      'query                                  | hits (first) | FTS5 p50 / p95     | LIKE scan p50 / p95',
    )
    for (const c of cases) {
      const fts: number[] = []
      const like: number[] = []
      let hits = 0
      for (let i = 0; i < rounds; i++) {
        const a = performance.now()
        const page = searchUtterances(
          db,
          { filter: c.filter(i), viewer: null, offset: 0, limit: 50 },
          now,
        )
        fts.push(performance.now() - a)
        if (i === 0) hits = page.total
        const [terms, status] = c.like(i)
        const b = performance.now()
        likeScan(db, terms, status)
        like.push(performance.now() - b)
      }
      console.log(
        `${c.name.padEnd(38)} | ${String(hits).padStart(12)} | ${`${ms(percentile(fts, 0.5))} / ${ms(percentile(fts, 0.95))}`.padEnd(18)} | ${ms(percentile(like, 0.5))} / ${ms(percentile(like, 0.95))}`,
      )
    }
    // The write path: what the index adds to appending one revision (the save's own insert).
    const write = (n: number): number => {
      const a = performance.now()
      db.transaction(() => {
        for (let i = 1; i <= n; i++)
          appendRevision(db, {
            utteranceId: i * 97,
            text: 'habari ya leo sokoni',
            source: { kind: 'import', ref: 'bench' },
          })
      })()
      return (performance.now() - a) / n
    }
    const indexed = write(1000)
    db.exec('DROP TRIGGER revision_is_searchable')
    const bare = write(1000)
    console.log(
      `appending a revision: ${ms(indexed)} with the index kept in step, ${ms(bare)} without (baseline, same run)`,
    )
    db.close()
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
