import { z } from 'zod'
import { SCRIPTS, tokenScript, type Script } from './script'

/**
 * Language suggestions for untagged tokens (docs/metrics.md). Where the project's languages are
 * written in different scripts the script decides; where they share one (romanised Hindi and
 * English are both Latin) a character n-gram classifier trained on the project's own tagged
 * tokens does. Suggestions only: an annotator confirms them.
 */
export interface TaggedToken {
  token: string
  lang: string
}

export interface LanguageSuggestion {
  token: string
  /** Null when nothing can be said: no language uses the script and none was trained on it. */
  lang: string | null
  /** The suggested language's probability among the candidates (1 when the script decides). */
  score: number
  by: 'script' | 'ngram' | 'none'
}

export interface LanguageIdOptions {
  /**
   * The scripts each project language is written in ({hi: ['Devanagari', 'Latin'], en:
   * 'Latin'}); a language not listed may be written in any script.
   */
  scripts?: Record<string, Script | readonly Script[]>
  /** Longest character n-gram, 1 to 3 (default 3). */
  order?: number
  /** Add-k smoothing (default 0.5). */
  k?: number
}

/** How sure a suggestion must be (`suggest`'s options); by default any best guess is made. */
export interface EvidenceOptions {
  /**
   * Languages the words may be in besides those trained (an utterance's own): one of them that
   * is not trained on a script, or not known to be written in it, keeps that script undecided.
   */
  languages?: readonly string[]
  /** Characters each competing language must have been trained on in the word's script. */
  minEvidence?: number
  /** The least probability of an n-gram suggestion among its competitors. */
  minScore?: number
}

/**
 * A tag naming a mix of two languages ("hi-en": Hindi–English code-switching): the language of
 * an utterance, never of one word. Regions and scripts (sw-KE, hi-Latn) are not mixes.
 */
export function isCompositeTag(tag: string): boolean {
  return /^[a-z]{2,3}-[a-z]{2,3}$/.test(tag)
}

const scriptName = z.enum(SCRIPTS)

/** The serialised model; `counts[lang][script][gram]`. */
export const languageIdModelSchema = z
  .object({
    format: z.literal('sauti.language-id'),
    version: z.literal(1),
    order: z.number().int().min(1).max(3),
    k: z.number().positive(),
    scripts: z.record(z.string(), z.array(scriptName)),
    counts: z.record(z.string(), z.record(z.string(), z.record(z.string(), z.number().int()))),
  })
  .strict()

export type LanguageIdModel = z.infer<typeof languageIdModelSchema>

interface Derived {
  totals: Map<string, number[]>
  vocabulary: Map<string, number[]>
}

/** Word-boundary marks, so that "-ing" at the end of a word and "ing" inside one differ. */
const BEGIN = '^'
const END = '$'

export class LanguageIdentifier {
  private readonly order: number
  private readonly k: number
  private readonly scripts: Map<string, Set<string>>
  /** lang → token script → gram → count. */
  private readonly counts = new Map<string, Map<string, Map<string, number>>>()
  /** Derived from `counts` when first needed after training. */
  private derived: Derived | null = null

  constructor(options: LanguageIdOptions = {}) {
    this.order = options.order ?? 3
    this.k = options.k ?? 0.5
    if (!Number.isInteger(this.order) || this.order < 1 || this.order > 3)
      throw new RangeError(`n-gram order must be 1, 2 or 3, not ${this.order}`)
    if (!(this.k > 0)) throw new RangeError(`add-k smoothing needs k > 0, not ${this.k}`)
    this.scripts = new Map(
      Object.entries(options.scripts ?? {}).map(([lang, s]) => [
        lang,
        new Set(typeof s === 'string' ? [s] : s),
      ]),
    )
  }

  /** Adds tagged tokens (for example every word of the project's revisions inside a span). */
  train(tagged: readonly TaggedToken[]): this {
    for (const { token, lang } of tagged) {
      const t = prepare(token)
      if (!t) continue
      const byScript = this.counts.get(lang) ?? new Map<string, Map<string, number>>()
      this.counts.set(lang, byScript)
      const script = tokenScript(t)
      const grams = byScript.get(script) ?? new Map<string, number>()
      byScript.set(script, grams)
      for (const g of ngrams(t, this.order)) grams.set(g, (grams.get(g) ?? 0) + 1)
    }
    this.derived = null
    return this
  }

  suggest(tokens: readonly string[], options: EvidenceOptions = {}): LanguageSuggestion[] {
    return tokens.map((token) => this.suggestOne(token, options))
  }

  /** Characters trained for a language in a script: how much evidence its n-grams rest on. */
  evidence(lang: string, script: string): number {
    return this.derive().totals.get(`${lang}\u0000${script}`)?.[1] ?? 0
  }

  private suggestOne(token: string, options: EvidenceOptions): LanguageSuggestion {
    const t = prepare(token)
    const script = tokenScript(t)
    const none: LanguageSuggestion = { token, lang: null, score: 0, by: 'none' }
    // A mix ("hi-en") is never one word's language, neither suggested nor competing.
    const languages = new Set(
      [...this.scripts.keys(), ...this.counts.keys(), ...(options.languages ?? [])].filter(
        (lang) => !isCompositeTag(lang),
      ),
    )
    const candidates = [...languages].filter((lang) => this.scripts.get(lang)?.has(script) ?? true)
    if (candidates.length === 1) {
      const [lang] = candidates as [string]
      // With a minimum asked for, the script decides only for a language known to use it.
      if (options.minEvidence && !this.scripts.get(lang)?.has(script)) return none
      return { token, lang, score: 1, by: 'script' }
    }
    const pool = candidates.length > 0 ? candidates : [...languages]
    const minEvidence = options.minEvidence ?? 0
    if (minEvidence > 0 && pool.some((lang) => this.evidence(lang, script) < minEvidence))
      return none
    const trained = pool.filter((lang) => this.counts.get(lang)?.has(script))
    if (trained.length === 0) return none
    // Every candidate competes; one never trained on this script scores as uniform.
    const logLikelihoods = pool.map((lang) => this.logLikelihood(t, lang, script))
    const best = Math.max(...logLikelihoods)
    const weights = logLikelihoods.map((l) => Math.exp(l - best))
    const total = weights.reduce((a, b) => a + b, 0)
    const top = weights.indexOf(Math.max(...weights))
    const score = weights[top]! / total
    if (score < (options.minScore ?? 0)) return none
    return { token, lang: pool[top]!, score, by: 'ngram' }
  }

  /** Σ over the token's n-grams of log((c(g) + k) / (T_n + k·V_n)), per order n. */
  private logLikelihood(token: string, lang: string, script: string): number {
    const { totals, vocabulary } = this.derive()
    const grams = this.counts.get(lang)?.get(script)
    const t = totals.get(`${lang}\u0000${script}`) ?? this.zeros(0)
    const v = vocabulary.get(script) ?? this.zeros(1)
    let sum = 0
    for (const g of ngrams(token, this.order)) {
      const n = gramOrder(g)
      sum += Math.log(((grams?.get(g) ?? 0) + this.k) / (t[n]! + this.k * v[n]!))
    }
    return sum
  }

  /** Per (language, script): T_n, n-grams counted of each order; per script: V_n, distinct + 1. */
  private derive(): Derived {
    if (this.derived) return this.derived
    const totals = new Map<string, number[]>()
    const distinct = new Map<string, Set<string>>()
    for (const [lang, byScript] of this.counts)
      for (const [script, grams] of byScript) {
        const t = this.zeros(0)
        const set = distinct.get(script) ?? new Set<string>()
        for (const [g, c] of grams) {
          t[gramOrder(g)]! += c
          set.add(g)
        }
        totals.set(`${lang}\u0000${script}`, t)
        distinct.set(script, set)
      }
    const vocabulary = new Map<string, number[]>()
    for (const [script, set] of distinct) {
      const v = this.zeros(1)
      for (const g of set) v[gramOrder(g)]!++
      vocabulary.set(script, v)
    }
    this.derived = { totals, vocabulary }
    return this.derived
  }

  private zeros(fill: number): number[] {
    return new Array<number>(this.order + 1).fill(fill)
  }

  toJSON(): LanguageIdModel {
    const counts: LanguageIdModel['counts'] = {}
    for (const [lang, byScript] of this.counts) {
      counts[lang] = {}
      for (const [script, grams] of byScript) counts[lang][script] = Object.fromEntries(grams)
    }
    return {
      format: 'sauti.language-id',
      version: 1,
      order: this.order,
      k: this.k,
      scripts: Object.fromEntries([...this.scripts].map(([lang, s]) => [lang, [...s] as Script[]])),
      counts,
    }
  }

  static fromJSON(json: unknown): LanguageIdentifier {
    const model = languageIdModelSchema.parse(json)
    const id = new LanguageIdentifier({ order: model.order, k: model.k, scripts: model.scripts })
    for (const [lang, byScript] of Object.entries(model.counts))
      id.counts.set(
        lang,
        new Map(Object.entries(byScript).map(([s, grams]) => [s, new Map(Object.entries(grams))])),
      )
    return id
  }
}

function prepare(token: string): string {
  return token.normalize('NFC').toLowerCase().trim()
}

/** The order of a gram: its length in characters, boundary marks included. */
function gramOrder(gram: string): number {
  return [...gram].length
}

/** All 1- to `order`-grams of the token framed by boundary marks, bare marks left out. */
function ngrams(token: string, order: number): string[] {
  const chars = [BEGIN, ...token, END]
  const out: string[] = []
  for (let n = 1; n <= order; n++)
    for (let i = 0; i + n <= chars.length; i++) {
      const g = chars.slice(i, i + n).join('')
      if (g !== BEGIN && g !== END) out.push(g)
    }
  return out
}
