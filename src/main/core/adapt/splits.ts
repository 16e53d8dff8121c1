import { z } from 'zod'
import type { SplitOverview, SplitUnitKind } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { consentedSpeakers } from '../consent/policy'
import type { ReadDb, WriteDb } from '../db/connection'
import { firstHumanText, hasHumanText } from '../provenance/human-text'

export type Split = 'train' | 'dev' | 'test'

/**
 * How a project's transcribed audio is divided into train, dev and test (docs/active-learning.md,
 * "Splits"). Kept in project_meta under "split_policy"; the first training fixes it.
 */
export const splitPolicySchema = z.object({
  /** What is held out whole: a speaker, or a stretch of one recording; auto decides per language. */
  unit: z.enum(['auto', 'speaker', 'recording']).default('auto'),
  /** Shares of each language's transcribed minutes. */
  devShare: z.number().min(0.05).max(0.4).default(0.15),
  testShare: z.number().min(0).max(0.4).default(0.15),
  /** Dev grows to at least this many minutes per language before it takes only its share. */
  minDevMinutes: z.number().min(0).max(120).default(2),
  /** Recording units: a recording is cut into stretches of this many minutes, each one unit. */
  blockMinutes: z.number().min(0.25).max(60).default(2),
  /** The unit each language was given (decided once, when the language first had a transcript). */
  languages: z.record(z.string(), z.enum(['speaker', 'recording'])).default({}),
  fixedAt: z.string().nullable().default(null),
  fixedBy: z.string().nullable().default(null),
})
export type SplitPolicy = z.infer<typeof splitPolicySchema>

/** A speaker with more than this share of a language's audio always trains: holding them out would starve training. */
export const DOMINANT_SHARE = 0.3

export function splitPolicy(db: ReadDb): SplitPolicy {
  const row = db.prepare("SELECT value FROM project_meta WHERE key = 'split_policy'").get() as
    { value: string } | undefined
  const parsed = splitPolicySchema.safeParse(row ? JSON.parse(row.value) : {})
  return parsed.success ? parsed.data : splitPolicySchema.parse({})
}

function storePolicy(db: WriteDb, policy: SplitPolicy): void {
  db.prepare(
    "INSERT INTO project_meta (key, value) VALUES ('split_policy', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(JSON.stringify(policy))
}

/** One utterance of the pool as splitting sees it. */
interface PoolUtterance {
  id: number
  speaker_id: number
  recording_id: number
  start_sec: number
  minutes: number
  language: string
  labelled: number
  /** The id of its first human or imported revision: the order units arrive in. */
  first_revision: number | null
}

/**
 * The utterances splitting looks at: every utterance of a speaker whose model-training consent
 * holds at `now` (labelled or not: the unlabelled ones show how large a speaker is), with its
 * language (the utterance's, else the recording's first, else the project's default).
 */
function poolUtterances(db: ReadDb, now: string, also: number[] = []): PoolUtterance[] {
  const training = consentedSpeakers('model_training', now)
  return db
    .prepare(
      `SELECT u.id, u.speaker_id, u.recording_id, u.start_sec, (u.end_sec - u.start_sec) / 60.0 AS minutes,
              COALESCE(u.language, json_extract(r.languages, '$[0]'),
                       (SELECT value FROM project_meta WHERE key = 'default_language'), 'und') AS language,
              ${firstHumanText('u.id')} AS first_revision,
              ${hasHumanText('u.id')} AS labelled
       FROM utterance u JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       WHERE u.merged_into IS NULL AND u.speaker_id IS NOT NULL
         AND (u.speaker_id IN (${training.sql}) OR u.id IN (SELECT value FROM json_each(:also)))
       ORDER BY u.id`,
    )
    .all({ ...training.params, also: JSON.stringify(also) }) as PoolUtterance[]
}

/** The speakers of a language who are too large a share of its audio to be held out. */
function dominantSpeakers(utterances: PoolUtterance[]): Set<number> {
  const total = utterances.reduce((s, u) => s + u.minutes, 0)
  const bySpeaker = new Map<number, number>()
  for (const u of utterances)
    bySpeaker.set(u.speaker_id, (bySpeaker.get(u.speaker_id) ?? 0) + u.minutes)
  return new Set([...bySpeaker].filter(([, m]) => m > DOMINANT_SHARE * total).map(([id]) => id))
}

/**
 * Speakers are the unit where enough audio belongs to speakers small enough to hold out (at
 * least half of dev + test's share, from two or more of them); otherwise stretches of
 * recordings are (one or two speakers; one main voice and a few lines of others).
 */
export function chooseUnit(utterances: PoolUtterance[], policy: SplitPolicy): SplitUnitKind {
  if (policy.unit !== 'auto') return policy.unit
  const dominant = dominantSpeakers(utterances)
  const total = utterances.reduce((s, u) => s + u.minutes, 0)
  const small = utterances.filter((u) => !dominant.has(u.speaker_id))
  const smallMinutes = small.reduce((s, u) => s + u.minutes, 0)
  const speakers = new Set(small.map((u) => u.speaker_id)).size
  return speakers >= 2 && smallMinutes >= 0.5 * (policy.devShare + policy.testShare) * total
    ? 'speaker'
    : 'recording'
}

function unitKey(u: PoolUtterance, kind: SplitUnitKind, policy: SplitPolicy): string {
  return kind === 'speaker'
    ? `s${u.speaker_id}`
    : `r${u.recording_id}:${Math.floor(u.start_sec / (policy.blockMinutes * 60))}`
}

/**
 * Where the next unit of a language goes: the first trains; then the split furthest below what
 * it should hold. Dev should hold its share of the language's transcribed minutes, and at
 * least `minDevMinutes` (but never more than 30 % while the language is small); test its share.
 */
export function nextSplit(
  have: Record<Split, number>,
  unitMinutes: number,
  policy: Pick<SplitPolicy, 'devShare' | 'testShare' | 'minDevMinutes'>,
): Split {
  if (have.train === 0) return 'train'
  const total = have.train + have.dev + have.test + unitMinutes
  const dev = Math.max(policy.devShare * total, Math.min(policy.minDevMinutes, 0.3 * total))
  const test = policy.testShare * total
  const want: Record<Split, number> = { train: total - dev - test, dev, test }
  const order: Split[] = ['train', 'dev', 'test']
  return order.reduce((best, s) => (want[s] - have[s] > want[best] - have[best] ? s : best))
}

/**
 * Gives every unit that has a transcript but no split one, once and for good, per language, and
 * mirrors it into utterance.split. A speaker unit is also kept in speaker_split; a recording unit
 * in recording_split. Only speakers who consent to model training take part. `only` (exports,
 * already filtered by the export's own consent scope) assigns the units of those utterances
 * too, whether or not they are transcribed yet.
 */
export function assignSplits(
  db: WriteDb,
  now = new Date().toISOString(),
  only?: { utteranceIds: number[] },
): { unit: string; language: string; split: Split }[] {
  const policy = splitPolicy(db)
  const pool = poolUtterances(db, now, only?.utteranceIds)
  const wanted = only ? new Set(only.utteranceIds) : null
  const speakerSplit = new Map(
    (
      db.prepare('SELECT speaker_id, split FROM speaker_split').all() as {
        speaker_id: number
        split: Split
      }[]
    ).map((r) => [`s${r.speaker_id}`, r.split]),
  )
  const recordingSplit = new Map(
    (
      db.prepare('SELECT recording_id, block, split FROM recording_split').all() as {
        recording_id: number
        block: number
        split: Split
      }[]
    ).map((r) => [`r${r.recording_id}:${r.block}`, r.split]),
  )
  const known = (key: string): Split | undefined =>
    key.startsWith('s') ? speakerSplit.get(key) : recordingSplit.get(key)
  const byLanguage = new Map<string, PoolUtterance[]>()
  for (const u of pool) byLanguage.set(u.language, [...(byLanguage.get(u.language) ?? []), u])

  const assigned: { unit: string; language: string; split: Split }[] = []
  const insertSpeaker = db.prepare(
    'INSERT OR IGNORE INTO speaker_split (speaker_id, split, assigned_at) VALUES (?, ?, ?)',
  )
  const insertRecording = db.prepare(
    'INSERT OR IGNORE INTO recording_split (recording_id, block, language, split, assigned_at) VALUES (?, ?, ?, ?, ?)',
  )
  const setSplit = db.prepare('UPDATE utterance SET split = ? WHERE id = ? AND split IS NOT ?')
  db.transaction(() => {
    let policyChanged = false
    for (const [language, utterances] of [...byLanguage].sort(([a], [b]) => a.localeCompare(b))) {
      const active = utterances.filter((u) => u.labelled || wanted?.has(u.id))
      if (active.length === 0) continue
      let kind = policy.languages[language]
      if (!kind) {
        kind = chooseUnit(utterances, policy)
        policy.languages[language] = kind
        policyChanged = true
      }
      const dominant = kind === 'speaker' ? dominantSpeakers(utterances) : new Set<number>()
      const units = new Map<string, PoolUtterance[]>()
      for (const u of utterances) {
        const key = unitKey(u, kind, policy)
        units.set(key, [...(units.get(key) ?? []), u])
      }
      const labelledMinutes = (us: PoolUtterance[]): number =>
        us.filter((u) => u.labelled).reduce((s, u) => s + u.minutes, 0)
      const have: Record<Split, number> = { train: 0, dev: 0, test: 0 }
      for (const [key, us] of units) {
        const split = known(key)
        if (split) have[split] += labelledMinutes(us)
      }
      const waiting = [...units]
        .filter(([key, us]) => !known(key) && us.some((u) => u.labelled || wanted?.has(u.id)))
        .sort(([, a], [, b]) => arrival(a) - arrival(b))
      for (const [key, us] of waiting) {
        const minutes = Math.max(labelledMinutes(us), 1e-6)
        const speaker = key.startsWith('s') ? Number(key.slice(1)) : null
        const split =
          speaker !== null && dominant.has(speaker) ? 'train' : nextSplit(have, minutes, policy)
        have[split] += minutes
        if (speaker !== null) {
          insertSpeaker.run(speaker, split, now)
          speakerSplit.set(key, split)
        } else {
          const [recording, block] = key.slice(1).split(':').map(Number) as [number, number]
          insertRecording.run(recording, block, language, split, now)
          recordingSplit.set(key, split)
        }
        assigned.push({ unit: key, language, split })
      }
      for (const [key, us] of units) {
        const split = known(key)
        if (split) for (const u of us) setSplit.run(split, u.id, split)
      }
    }
    if (policyChanged) storePolicy(db, policy)
  }).immediate()
  return assigned
}

function arrival(us: PoolUtterance[]): number {
  const ids = us.map((u) => u.first_revision).filter((x): x is number => x !== null)
  return ids.length ? Math.min(...ids) : Number.MAX_SAFE_INTEGER
}

/** Per language: the unit, and how many units and transcribed minutes each split holds. */
export function splitOverview(db: ReadDb): SplitOverview {
  const policy = splitPolicy(db)
  const rows = db
    .prepare(
      `SELECT COALESCE(u.language, json_extract(r.languages, '$[0]'),
                       (SELECT value FROM project_meta WHERE key = 'default_language'), 'und') AS language,
              u.split, u.speaker_id, u.recording_id,
              sum(u.end_sec - u.start_sec) / 60.0 AS minutes, count(*) AS utterances
       FROM utterance u JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       WHERE u.merged_into IS NULL AND u.split IS NOT NULL
         AND ${hasHumanText('u.id')}
       GROUP BY 1, 2, 3, 4`,
    )
    .all() as {
    language: string
    split: Split
    speaker_id: number | null
    recording_id: number
    minutes: number
    utterances: number
  }[]
  const languages = new Map<string, SplitOverview['languages'][number]>()
  const entry = (language: string): SplitOverview['languages'][number] => {
    let e = languages.get(language)
    if (!e) {
      const empty = (): { units: number; utterances: number; minutes: number } => ({
        units: 0,
        utterances: 0,
        minutes: 0,
      })
      e = {
        language,
        unit: policy.languages[language] ?? null,
        splits: { train: empty(), dev: empty(), test: empty() },
      }
      languages.set(language, e)
    }
    return e
  }
  const seen = new Set<string>()
  for (const r of rows) {
    const e = entry(r.language)
    const s = e.splits[r.split]
    const unit = `${r.language}/${e.unit === 'speaker' ? `s${r.speaker_id}` : `r${r.recording_id}`}/${r.split}`
    if (!seen.has(unit)) {
      seen.add(unit)
      s.units++
    }
    s.utterances += r.utterances
    s.minutes += r.minutes
  }
  return {
    policy: {
      unit: policy.unit,
      devShare: policy.devShare,
      testShare: policy.testShare,
      minDevMinutes: policy.minDevMinutes,
      blockMinutes: policy.blockMinutes,
      fixedAt: policy.fixedAt,
      fixedBy: policy.fixedBy,
    },
    languages: [...languages.values()].sort((a, b) => a.language.localeCompare(b.language)),
  }
}

/** Fixes the policy (the first training does this too, with no one's name). */
export function fixSplitPolicy(
  db: WriteDb,
  by: string | null,
  now = new Date().toISOString(),
): void {
  const policy = splitPolicy(db)
  if (policy.fixedAt) return
  storePolicy(db, { ...policy, fixedAt: now, fixedBy: by })
}

/**
 * A lead changes how splits are made. Before they are fixed, that is all; once fixed (a
 * checkpoint was compared on them), only with `reassign`, which forgets every assignment and
 * makes them again under the new policy: earlier checkpoints' dev scores were on other audio.
 */
export function changeSplitPolicy(
  db: WriteDb,
  change: Partial<
    Pick<SplitPolicy, 'unit' | 'devShare' | 'testShare' | 'minDevMinutes' | 'blockMinutes'>
  >,
  by: string,
  reassign: boolean,
  now = new Date().toISOString(),
): SplitOverview {
  const policy = splitPolicy(db)
  if (policy.fixedAt && !reassign)
    throw new SautiError(
      'conflict',
      `the splits were fixed on ${policy.fixedAt.slice(0, 10)}${policy.fixedBy ? ` by ${policy.fixedBy}` : ''}; changing them means making them again (reassign), after which earlier checkpoints' dev scores no longer compare.`,
    )
  const given = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined))
  const next = splitPolicySchema.parse({
    ...policy,
    ...given,
    languages: {},
    fixedAt: now,
    fixedBy: by,
  })
  if (next.devShare + next.testShare > 0.6)
    throw new SautiError('validation', 'dev and test together may hold at most 60 % of the audio')
  db.transaction(() => {
    db.prepare('DELETE FROM speaker_split').run()
    db.prepare('DELETE FROM recording_split').run()
    db.prepare('UPDATE utterance SET split = NULL WHERE split IS NOT NULL').run()
    storePolicy(db, next)
    assignSplits(db, now)
  }).immediate()
  return splitOverview(db)
}
