import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { splitPolicySchema } from '../../src/main/core/adapt/splits'
import { normalizeForScoring } from '../../src/shared/text/normalize'

export type PromptSplit = 'train' | 'dev' | 'test' | 'dropped-duplicate'

export interface PromptClip {
  /** The manifest's path, `audio/<Asterisk key, "/" as "_">.flac`. */
  path: string
  transcript: string
  seconds: number
}

/**
 * The prompt group of a clip: its Asterisk key's first word (`vm-intro` and `vm_options` → vm,
 * `digits/1` → digits), as the starter recipe groups the IVR prompts (real_data.ivr_rows).
 */
export function promptGroup(path: string): string {
  const key = path.replace(/^.*\//, '').replace(/\.[^.]+$/, '')
  return key.replace(/[_/]/g, '-').split('-')[0]!
}

/**
 * Fixed splits of one voice's prompts by whole prompt groups, so that dev and test are texts the
 * pool never holds. Groups are taken in SHA-1 order of `language/group` (real_data.ivr_splits'
 * order); each goes to test if that brings test's minutes nearer `test` of the whole, else to
 * dev if that brings dev nearer `dev` of it (or `minDevSeconds`, whichever is more), else to the
 * pool. (The recipe's rule, "until the share is reached, but never past twice it", lets one
 * group overshoot by nearly the share itself, which on an 8-minute voice empties the pool.) A
 * pool clip whose normalised text a dev or test clip also has is dropped, as the recipe drops it.
 */
export function promptGroupSplits(
  clips: PromptClip[],
  language: string,
  shares: { test: number; dev: number; minDevSeconds: number },
): Map<string, PromptSplit> {
  const seconds = new Map<string, number>()
  for (const c of clips)
    seconds.set(promptGroup(c.path), (seconds.get(promptGroup(c.path)) ?? 0) + c.seconds)
  const total = clips.reduce((s, c) => s + c.seconds, 0)
  const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex')
  const order = [...seconds.keys()].sort((a, b) =>
    sha1(`${language}/${a}`) < sha1(`${language}/${b}`) ? -1 : 1,
  )
  const testTarget = shares.test * total
  const devTarget = Math.max(shares.dev * total, shares.minDevSeconds)
  const ofGroup = new Map<string, PromptSplit>()
  let test = 0
  let dev = 0
  for (const group of order) {
    const size = seconds.get(group)!
    // Adding a group brings a split nearer its target when it is less than twice what is missing.
    if (size < 2 * (testTarget - test)) {
      ofGroup.set(group, 'test')
      test += size
    } else if (size < 2 * (devTarget - dev)) {
      ofGroup.set(group, 'dev')
      dev += size
    }
  }
  const split = (c: PromptClip): PromptSplit => ofGroup.get(promptGroup(c.path)) ?? 'train'
  const held = new Set(
    clips.filter((c) => split(c) !== 'train').map((c) => normalizeForScoring(c.transcript)),
  )
  return new Map(
    clips.map((c) => {
      const s = split(c)
      return [
        c.path,
        s === 'train' && held.has(normalizeForScoring(c.transcript)) ? 'dropped-duplicate' : s,
      ]
    }),
  )
}

/**
 * An unheard voice's splits (`promptGroupSplits`): test about 20 % and dev about 15 % of its
 * minutes (at least the split policy's minimum dev minutes), whole prompt groups each, and no
 * pool clip with a held-out text. The clips' lengths come from the recipe's pairs.tsv.
 */
export function unheardSplits(manifest: string, language: string): Map<string, string> {
  const table = (file: string): Record<string, string>[] => {
    const [head, ...lines] = readFileSync(file, 'utf8').trim().split('\n')
    const names = head!.split('\t')
    return lines.map((l) => Object.fromEntries(l.split('\t').map((v, i) => [names[i], v])))
  }
  const seconds = new Map(
    table(join(dirname(manifest), 'pairs.tsv')).map((r) => [r.path, Number(r.seconds)]),
  )
  const clips = table(manifest).map((r) => ({
    path: r.path!,
    transcript: r.transcript!,
    seconds: seconds.get(r.path)!,
  }))
  return promptGroupSplits(clips, language, {
    test: 0.2,
    dev: 0.15,
    minDevSeconds: splitPolicySchema.parse({}).minDevMinutes * 60,
  })
}
