/**
 * The loop on real human speech (`npm run bench -- real`): Debian's Fish Fillets Dutch dub
 * (nl-fillets) and Asterisk's telephone prompts (ivr5; es and ru by default,
 * SAUTI_REAL_IVR=en,es,fr,it,ru for all), built by the team's `../shared/corpora/real-speech.sh`
 * into `.bench-data/real`; and three telephone voices the starter never heard (unheard-es-co,
 * unheard-fr-armelle, unheard-it-menardi), built by the starter recipe's `unheard_voices.py`
 * into `.bench-data/real/recipe` (none of it committed). SAUTI_REAL_ONLY=unheard picks those.
 *
 * Each corpus is imported as a project, its speakers' consent recorded, and its dev and test
 * splits pinned: for nl-fillets and ivr5, to what the starter model's recipe held out
 * (`real_data.py splits`: whole game levels, whole prompt groups), so the test set is speech the
 * encoder never trained on; for an unheard voice, which the encoder never heard at all, to whole
 * prompt groups of its own (the Asterisk key's first word: vm, conf, digits...), test about 20 %
 * and dev about 15 % of its minutes, chosen in a fixed hash order (`promptGroupSplits`), so that
 * no dev or test text is in the pool. The current starter labels it; then the loop runs with the
 * reference transcripts as the oracle (`wb.simulate`): the default strategy against random, 3
 * seeds. Printed per corpus:
 *
 * - the annotator's cost per step (characters edited ÷ saved, keystrokes ÷ typing from scratch,
 *   of the picks the head had not yet trained on) against corrected minutes, typing from
 *   scratch being 1; and the keystrokes with every pick pre-filled, every pick started empty,
 *   and each started as the app would decide (docs/metrics.md, "Pre-fill or start empty");
 * - the active-learning summary (minutes to random's final dev error, gain at budget, spread);
 * - dev and test CER per step (mean ± sd over seeds), and what each strategy picked: clips,
 *   their mean length against the pool's, the prompt groups that took its minutes;
 * - test CER/WER (held-out levels or prompt groups) after 10 and 30 corrected minutes;
 * - the time one update takes on this machine.
 */
import { stepLabel } from '../../src/main/core/jobs'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { recordConsent } from '../../src/main/core/consent/speakers'
import { assignSplits, splitPolicySchema } from '../../src/main/core/adapt/splits'
import {
  overSeeds,
  type OverSeeds,
  type SimulationReport,
} from '../../src/main/core/adapt/simulation'
import type { CurvePoint } from '../../src/main/core/adapt/simulate'
import type { Workbench } from '../../src/main/core/workbench'
import type { AcquisitionStrategy } from '../../src/shared/domain'
import { simulationTable } from '../../src/main/hosts/cli-adapt'
import { appRoot } from '../support/fixtures'
import { importAndWait, openTestWorkbench } from '../support/workbench'
import { promptGroup, unheardSplits } from '../support/prompt-splits'

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)} %`

export interface Corpus {
  name: string
  manifest: string
  language: string
  budgetMinutes: number
  stepMinutes: number
  /** Each manifest path's split: train, dev, test, or dropped-duplicate (a pool clip repeating a held-out text). */
  splits: () => Map<string, string>
  /** What chose the held-out parts, as the project's split policy records it. */
  heldOutBy: string
}

/**
 * The unheard voices (models/starter/recipe/unheard_voices.py): language, and corrected minutes
 * to budget by default, about 60 % of the pool each leaves (4.9, 9.4 and 14.0 min), so that a
 * strategy's picks can still differ from random's at the end. SAUTI_REAL_UNHEARD_BUDGET and
 * SAUTI_REAL_UNHEARD_STEP override them.
 */
const UNHEARD = { 'es-co': ['es', 3], 'fr-armelle': ['fr', 5], 'it-menardi': ['it', 8] } as const

/**
 * The corpora, built once into `.bench-data/real`: nl-fillets and ivr5 by the team's script,
 * the unheard voices by the starter recipe's `unheard_voices.py` (its data folder
 * `.bench-data/real/recipe`), each only when a chosen corpus needs it.
 */
export function corpora(benchData: string): Corpus[] {
  const root = join(benchData, 'real')
  const recipe = join(root, 'recipe')
  const ivr = (process.env.SAUTI_REAL_IVR ?? 'es,ru').split(',').map((s) => s.trim())
  const only = process.env.SAUTI_REAL_ONLY?.split(',')
  const fromRecipe = (manifest: string): Pick<Corpus, 'splits' | 'heldOutBy'> => ({
    splits: () => recipeSplits(manifest),
    heldOutBy: 'the starter recipe’s held-out levels and prompt groups',
  })
  const all: Corpus[] = [
    {
      name: 'nl-fillets',
      manifest: join(root, 'nl-fillets', 'manifest.tsv'),
      language: 'nl',
      budgetMinutes: Number(process.env.SAUTI_REAL_BUDGET ?? 30),
      stepMinutes: Number(process.env.SAUTI_REAL_STEP ?? 2.5),
      ...fromRecipe(join(root, 'nl-fillets', 'manifest.tsv')),
    },
    ...ivr.map((language) => ({
      name: `ivr5-${language}`,
      manifest: join(root, 'ivr5', 'manifest.tsv'),
      language,
      budgetMinutes: Number(process.env.SAUTI_REAL_IVR_BUDGET ?? 10),
      stepMinutes: Number(process.env.SAUTI_REAL_IVR_STEP ?? 1),
      ...fromRecipe(join(root, 'ivr5', 'manifest.tsv')),
    })),
    ...Object.entries(UNHEARD).map(([set, [language, budget]]) => {
      const manifest = join(recipe, 'unheard', set, 'manifest.tsv')
      return {
        name: `unheard-${set}`,
        manifest,
        language,
        budgetMinutes: Number(process.env.SAUTI_REAL_UNHEARD_BUDGET ?? budget),
        stepMinutes: Number(process.env.SAUTI_REAL_UNHEARD_STEP ?? 1),
        splits: () => unheardSplits(manifest, language),
        heldOutBy: 'whole prompt groups of a voice the starter never heard',
      }
    }),
  ]
  // SAUTI_REAL_ONLY=ivr5-es (comma-separated corpus names, or a family: ivr5, unheard) runs
  // fewer; a name that picks nothing is an error, not a bench that silently measures nothing.
  const picks = (name: string, c: Corpus): boolean =>
    c.name === name || c.name.startsWith(`${name}-`)
  const unknown = (only ?? []).filter((name) => !all.some((c) => picks(name, c)))
  if (unknown.length > 0)
    throw new Error(
      `SAUTI_REAL_ONLY: ${unknown.join(', ')} names no corpus here; the corpora are ${all.map((c) => c.name).join(', ')} (SAUTI_REAL_IVR chooses the IVR languages)`,
    )
  const chosen = only ? all.filter((c) => only.some((name) => picks(name, c))) : all
  const missing = chosen.filter((c) => !existsSync(c.manifest))
  const isUnheard = (c: Corpus): boolean => c.name.startsWith('unheard-')
  if (missing.some((c) => !isUnheard(c))) {
    const script = join(appRoot, '..', 'shared', 'corpora', 'real-speech.sh')
    if (!existsSync(script))
      throw new Error(
        `the real-speech bench needs ${script} (the team's shared folder beside the repository)`,
      )
    execFileSync('bash', [script, root], { stdio: 'inherit' })
  }
  // The recipe downloads the prompt packages with apt-get into its data folder (a cache).
  if (missing.some(isUnheard))
    execFileSync('/usr/bin/python3', [join(appRoot, 'models/starter/recipe/unheard_voices.py')], {
      stdio: 'inherit',
      env: { ...process.env, SAUTI_RECIPE_DATA: recipe },
    })
  return chosen
}

/** The recipe's split of every row (dropped: a training prompt repeating a held-out one). */
export function recipeSplits(manifest: string): Map<string, string> {
  const out = execFileSync(
    '/usr/bin/python3',
    [join(appRoot, 'models/starter/recipe/real_data.py'), 'splits', manifest],
    { encoding: 'utf8' },
  )
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('\t') as [string, string]),
  )
}

/** One language of a manifest, without the rows the recipe dropped, beside the original. */
function subsetManifest(corpus: Corpus, splits: Map<string, string>): string {
  const lines = readFileSync(corpus.manifest, 'utf8').trim().split('\n')
  const kept = lines.slice(1).filter((line) => {
    const [path, , , language] = line.split('\t')
    return language === corpus.language && splits.get(path!) !== 'dropped-duplicate'
  })
  const file = join(dirname(corpus.manifest), `manifest-${corpus.name}.tsv`)
  writeFileSync(file, [lines[0], ...kept].join('\n') + '\n')
  return file
}

/**
 * Pins the recipe's held-out test rows (speech the starter never trained on) as recording units
 * of their language, and its dev rows too where they hold at least the policy's minimum dev
 * minutes; otherwise (one IVR language's dev group is its 35 spelled letters, 0.4 min) the
 * project's own split policy chooses dev among the rest, as it would for a user. Each clip is its
 * own recording, so every unit is one clip. Returns where dev came from.
 */
export function pinSplits(
  wb: Workbench,
  splits: Map<string, string>,
  language: string,
  heldOutBy = 'the starter recipe’s held-out levels and prompt groups',
): 'recipe' | 'policy' {
  const db = wb.project.db
  const rows = db
    .prepare(
      'SELECT u.id, u.recording_id, r.source_path, u.end_sec - u.start_sec AS sec FROM utterance u JOIN recording r ON r.id = u.recording_id',
    )
    .all() as { id: number; recording_id: number; source_path: string; sec: number }[]
  const recipe = (sourcePath: string): string => {
    const key = [...splits.keys()].find((p) => sourcePath.endsWith(p))
    return key ? splits.get(key)! : 'train'
  }
  const devMinutes =
    rows.filter((r) => recipe(r.source_path) === 'dev').reduce((s, r) => s + r.sec, 0) / 60
  const devFrom = devMinutes >= splitPolicySchema.parse({}).minDevMinutes ? 'recipe' : 'policy'
  const pinned = new Set(devFrom === 'recipe' ? ['test', 'dev'] : ['test'])
  const now = new Date().toISOString()
  const insert = db.prepare(
    'INSERT OR REPLACE INTO recording_split (recording_id, block, language, split, assigned_at) VALUES (?, 0, ?, ?, ?)',
  )
  const set = db.prepare('UPDATE utterance SET split = ? WHERE id = ?')
  db.transaction(() => {
    for (const r of rows) {
      const split = recipe(r.source_path)
      const kept = pinned.has(split) ? split : devFrom === 'recipe' ? 'train' : null
      if (kept === null) continue
      insert.run(r.recording_id, language, kept, now)
      set.run(kept, r.id)
    }
    db.prepare(
      "INSERT INTO project_meta (key, value) VALUES ('split_policy', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(
      JSON.stringify({
        unit: 'recording',
        languages: { [language]: 'recording' },
        fixedAt: now,
        fixedBy: heldOutBy,
      }),
    )
  })()
  if (devFrom === 'policy') assignSplits(db)
  return devFrom
}

async function corpusProject(
  corpus: Corpus,
): Promise<{ wb: Workbench; dispose: () => Promise<void> }> {
  const splits = corpus.splits()
  const manifest = subsetManifest(corpus, splits)
  const { workbench: wb, dispose } = await openTestWorkbench(`bench-${corpus.name}`)
  const imported = await importAndWait(wb, [manifest])
  const db = wb.project.db
  for (const { id } of db.prepare('SELECT id FROM speaker').all() as { id: number }[])
    for (const scope of ['annotation', 'model_training'] as const)
      recordConsent(db, { speakerId: id, scope, grantedAt: '2026-01-01T00:00:00Z' })
  const devFrom = pinSplits(wb, splits, corpus.language, corpus.heldOutBy)
  const started = performance.now()
  const jobId = await wb.labelIfUnlabelled(join(appRoot, 'models/starter'))
  await new Promise<void>((resolve) => {
    const off = wb.events.on('job.finished', (f) => {
      if (f.jobId !== jobId) return
      off()
      resolve()
    })
  })
  const counts = db
    .prepare(
      'SELECT split, count(*) AS n, sum(end_sec - start_sec) / 60.0 AS min FROM utterance GROUP BY split',
    )
    .all() as { split: string; n: number; min: number }[]
  console.log(
    `${corpus.name}: ${imported.imported} utterances imported (${imported.rejected.length} refused); ${counts.map((c) => `${c.split} ${c.n} (${c.min.toFixed(1)} min)`).join(', ')}; labelled in ${((performance.now() - started) / 1000).toFixed(0)} s; dev ${devFrom === 'recipe' ? `held out as test is: ${corpus.heldOutBy}` : 'chosen by the project’s split policy (the recipe’s dev is too small)'}`,
  )
  return { wb, dispose }
}

function at(
  report: SimulationReport,
  strategy: string,
  minutes: number,
): { cer: number; wer: number } | null {
  const curve = report.summaries.find((s) => s.strategy === strategy)?.curve ?? []
  const p = curve.find((q) => q.minutes >= minutes - 1e-6)
  return p ? { cer: p.testCer, wer: p.testWer } : null
}

/**
 * Per strategy and step, dev and test CER over the seeds (mean ± sd), and what the strategy
 * picked over all seeds and steps: clips, their mean length against the pool's, and the prompt
 * groups (`promptGroup`) that took most of its minutes.
 */
function stepsAndPicks(wb: Workbench, report: SimulationReport): string[] {
  const rows = wb.project.db
    .prepare(
      'SELECT u.id, u.split, u.end_sec - u.start_sec AS sec, r.source_path FROM utterance u JOIN recording r ON r.id = u.recording_id',
    )
    .all() as { id: number; split: string; sec: number; source_path: string }[]
  const byId = new Map(rows.map((r) => [r.id, r]))
  const pool = rows.filter((r) => r.split === 'train')
  const meanSec = (list: { sec: number }[]): string =>
    (list.reduce((s, r) => s + r.sec, 0) / Math.max(1, list.length)).toFixed(1)
  // The file name's first word: an IVR prompt group (vm, conf, digits), a game level's prefix.
  const byGroup = (list: { sec: number; source_path: string }[]): string => {
    const minutes = new Map<string, number>()
    for (const r of list) {
      const g = promptGroup(r.source_path)
      minutes.set(g, (minutes.get(g) ?? 0) + r.sec)
    }
    const total = [...minutes.values()].reduce((s, v) => s + v, 0)
    return [...minutes]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([g, sec]) => `${g} ${pct(sec / total)}`)
      .join(', ')
  }
  const lines = ['Dev CER per step (mean ± sd over seeds), then test CER (mean):']
  for (const { strategy } of report.summaries) {
    const seeds = report.result.curves.filter((c) => c.strategy === strategy)
    const steps = Math.min(...seeds.map((c) => c.points.length))
    const at = (i: number, f: (p: CurvePoint) => number): OverSeeds =>
      overSeeds(seeds.map((c) => f(c.points[i]!)))
    const cells = Array.from({ length: steps }, (_, i) => {
      const dev = at(i, (p) => p.devCer)
      return `${(at(i, (p) => p.labelledSec).mean / 60).toFixed(1)}m ${(dev.mean * 100).toFixed(1)} ± ${(dev.sd * 100).toFixed(1)}`
    })
    lines.push(`  ${strategy.padEnd(10)} dev  ${cells.join(', ')}`)
    const tests = Array.from({ length: steps }, (_, i) => pct(at(i, (p) => p.testCer).mean))
    lines.push(`  ${strategy.padEnd(10)} test ${tests.join(', ')}`)
    const picked = seeds
      .flatMap((c) => c.points.flatMap((p) => p.picked))
      .map((id) => byId.get(id)!)
    lines.push(
      `  ${strategy.padEnd(10)} picks ${picked.length} clips over ${seeds.length} seeds, ${meanSec(picked)} s each (pool ${meanSec(pool)} s); minutes by file-name prefix: ${byGroup(picked)} (pool: ${byGroup(pool)})`,
    )
  }
  return lines
}

export async function realBench(benchData: string): Promise<void> {
  const strategies = (process.env.SAUTI_SIM_STRATEGIES ?? 'hybrid').split(
    ',',
  ) as AcquisitionStrategy[]
  for (const corpus of corpora(benchData)) {
    console.log(
      `\n== Real speech: ${corpus.name}, the loop with an oracle (${strategies.join(', ')} against random, 3 seeds, ${corpus.stepMinutes} min steps to ${corpus.budgetMinutes} min)`,
    )
    const { wb, dispose } = await corpusProject(corpus)
    try {
      let trainings = 0
      const report = await wb.simulate({
        strategies,
        budgetMinutes: corpus.budgetMinutes,
        stepMinutes: corpus.stepMinutes,
        seeds: 3,
        maxEpochs: 15,
        onProgress: (_d, _t, step) => {
          const label = stepLabel(step)
          if (label.includes('labelled')) {
            trainings++
            console.log(`  ${label}`)
          }
        },
      })
      console.log(
        `pool ${report.poolUtterances} utterances (${report.poolMinutes.toFixed(1)} min), dev ${report.devUtterances}, test ${report.testUtterances}; ${(report.result.ms / 1000).toFixed(0)} s in all, ${(report.result.ms / 1000 / Math.max(1, trainings)).toFixed(1)} s per update (train and score)`,
      )
      for (const line of simulationTable(report)) console.log(line)
      for (const line of stepsAndPicks(wb, report)) console.log(line)
      console.log(
        "The annotator's cost of each step's picks (mean over seeds; typing from scratch = 100 %):",
      )
      for (const s of report.summaries)
        console.log(
          `  ${s.strategy.padEnd(10)} ${s.curve
            .filter((p) => p.editCost !== null)
            .map(
              (p) =>
                `${p.minutes.toFixed(1)}m ${pct(p.editCost)} edits / ${pct(p.keystrokeShare)} keys`,
            )
            .join(', ')}`,
        )
      console.log(
        'Keystrokes of those picks ÷ typing from scratch: always pre-filled / always empty / as the app decides (share started empty):',
      )
      for (const s of report.summaries)
        console.log(
          `  ${s.strategy.padEnd(10)} ${s.curve
            .filter((p) => p.keystrokeShare !== null)
            .map(
              (p) =>
                `${p.minutes.toFixed(1)}m ${pct(p.keystrokeShare)} / ${pct(p.keystrokeShareEmpty)} / ${pct(p.keystrokeSharePolicy)} (${pct(p.startedEmptyShare)})`,
            )
            .join(', ')}`,
        )
      for (const s of report.summaries) {
        const ten = at(report, s.strategy, 10)
        const thirty = at(report, s.strategy, 30)
        console.log(
          `  test (held out) with ${s.strategy}: start CER ${pct(s.curve[0]!.testCer)}; after 10 min CER ${pct(ten?.cer)} WER ${pct(ten?.wer)}; after 30 min CER ${pct(thirty?.cer)} WER ${pct(thirty?.wer)}`,
        )
      }
    } finally {
      await dispose()
    }
  }
}
