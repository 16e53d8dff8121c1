import { describe, expect, it } from 'vitest'
import {
  mixedErrorRate,
  pointOfInterestErrorRate,
  scoreCodeSwitching,
  transliteratedWordErrorRate,
  type CodeSwitchScores,
  type EvaluatedUtterance,
} from '../../../src/shared/metrics/code-switch'
import { addCounts, noErrors, type ErrorCounts } from '../../../src/shared/metrics/errors'
import { scoreTranscripts } from '../../../src/shared/metrics/score'
import { recommendedRules } from '../../../src/shared/text/normalize'

/** N, S, D, I of a count, for compact expectations. */
const nsdi = (c: ErrorCounts): number[] => [c.n, c.substitutions, c.deletions, c.insertions]
const total = (rows: ErrorCounts[]): number[] => nsdi(rows.reduce(addCounts, noErrors))

describe('transliteration-normalised WER', () => {
  const reference = 'मुझे कल office जाना है'
  const spans = [{ start: 2, end: 3, lang: 'en' }]

  it('does not count an English word the hypothesis wrote in Devanagari; plain WER does', () => {
    const u = { id: 'u1', reference, hypothesis: 'मुझे कल ऑफिस जाना है', spans }
    const r = scoreCodeSwitching([u], { matrixLanguage: 'hi' })
    expect(nsdi(r.wer)).toEqual([5, 1, 0, 0])
    expect(r.wer.rate).toBe(0.2)
    expect(nsdi(r.translitWer)).toEqual([5, 0, 0, 0])
    expect(r.translitWer.rate).toBe(0)
    expect(transliteratedWordErrorRate([u])).toEqual(r.translitWer)
    // The same the other way round: a Devanagari reference word, a Latin hypothesis.
    const back = { id: 'u2', reference: 'मुझे कल ऑफिस जाना है', hypothesis: reference }
    expect(transliteratedWordErrorRate([back]).rate).toBe(0)
  })

  it('still counts a genuinely different word', () => {
    const u = { id: 'u1', reference, hypothesis: 'मुझे कल घर जाना है', spans }
    expect(nsdi(transliteratedWordErrorRate([u]))).toEqual([5, 1, 0, 0])
  })

  it('compares keys only across scripts unless asked to always', () => {
    // "kal" and "cool" share the key "kl": a false match the cross-script default avoids.
    const u = { id: 'u1', reference: 'cool', hypothesis: 'kal' }
    expect(transliteratedWordErrorRate([u]).rate).toBe(1)
    expect(transliteratedWordErrorRate([u], undefined, 'always').rate).toBe(0)
  })
})

describe('PIER', () => {
  // 11 words; "office" (word 3) is English, so the points of interest are सुबह, office, जाना.
  const reference = 'मुझे कल सुबह office जाना है और फिर मैं घर आऊँगा'
  const utterance = (hypothesis: string): EvaluatedUtterance => ({
    id: 'u1',
    reference,
    hypothesis,
    spans: [{ start: 3, end: 4, lang: 'en' }],
  })
  const score = (hypothesis: string, switchPoints = true): CodeSwitchScores =>
    scoreCodeSwitching([utterance(hypothesis)], { matrixLanguage: 'hi', switchPoints })

  it('moves with the switched word: one error is 1/11 of WER but 1/3 of PIER', () => {
    const right = score(reference)
    const wrong = score('मुझे कल सुबह offers जाना है और फिर मैं घर आऊँगा')
    expect([right.wer.rate, right.pier.rate]).toEqual([0, 0])
    expect(nsdi(wrong.wer)).toEqual([11, 1, 0, 0])
    expect(nsdi(wrong.pier)).toEqual([3, 1, 0, 0])
    expect(wrong.wer.rate).toBeCloseTo(1 / 11, 12)
    expect(wrong.pier.rate).toBeCloseTo(1 / 3, 12)
    expect(wrong.pier.rate! - right.pier.rate!).toBeGreaterThan(
      3 * (wrong.wer.rate - right.wer.rate),
    )
  })

  it('does not move when only matrix-language words away from a switch change', () => {
    const wrong = score('मुझे कल सुबह office जाना है और फिर मैं घड़ी आऊँगा गा')
    expect(nsdi(wrong.wer)).toEqual([11, 1, 0, 1])
    expect(nsdi(wrong.pier)).toEqual([3, 0, 0, 0])
    expect(wrong.pier.rate).toBe(0)
  })

  it('counts the matrix word at a switch point only when switch points are included', () => {
    const hypothesis = 'मुझे कल शाम office जाना है और फिर मैं घर आऊँगा'
    expect(nsdi(score(hypothesis).pier)).toEqual([3, 1, 0, 0])
    expect(nsdi(score(hypothesis, false).pier)).toEqual([1, 0, 0, 0])
  })

  it('reproduces Ugan et al.’s example with embedded words only', () => {
    // An insertion after the last word belongs to the last word (their tool does the same).
    const u = {
      id: 'de',
      reference: 'Hast du das File gedownloadet?',
      hypothesis: 'Hast du das File geload et',
      spans: [{ start: 3, end: 5, lang: 'en' }],
    }
    const only = pointOfInterestErrorRate([u], { matrixLanguage: 'de', switchPoints: false })
    expect(nsdi(only)).toEqual([2, 1, 0, 1])
    expect(only.rate).toBe(1)
    const withSwitch = pointOfInterestErrorRate([u], { matrixLanguage: 'de' })
    expect(nsdi(withSwitch)).toEqual([3, 1, 0, 1])
  })

  it('has no rate without points of interest', () => {
    const u = { id: 'mono', reference: 'habari yako', hypothesis: 'habari yako leo' }
    expect(pointOfInterestErrorRate([u], { matrixLanguage: 'sw' })).toMatchObject({
      n: 0,
      insertions: 0,
      rate: null,
    })
  })
})

describe('MER on Japanese mixed with English', () => {
  const utterances: EvaluatedUtterance[] = [
    // 私 は office に 行 き ま す  vs  私 が offices に 行 き ま し た
    { id: 'j1', reference: '私はofficeに行きます', hypothesis: '私がofficesに行きました' },
    // 明 日 the meeting が あ り ま す  vs  明 日 meeting が あ り ま す ね
    {
      id: 'j2',
      reference: '明日 the meeting があります',
      hypothesis: '明日 meeting が あります ね',
      spans: [{ start: 1, end: 3, lang: 'en' }],
    },
  ]

  it('counts characters for Japanese and words for English', () => {
    const r = scoreCodeSwitching(utterances, { matrixLanguage: 'ja' })
    const [j1, j2] = r.perUtterance
    expect(nsdi(j1!.mer)).toEqual([8, 3, 0, 1])
    expect(nsdi(j2!.mer)).toEqual([9, 0, 1, 1])
    expect(nsdi(r.mer)).toEqual([17, 3, 1, 2])
    expect(r.mer.rate).toBeCloseTo(6 / 17, 12)
    expect(mixedErrorRate(utterances)).toEqual(r.mer)
    // Whitespace words see one long "word" in j1.
    expect(nsdi(j1!.wer)).toEqual([1, 1, 0, 0])
  })

  it('gives each language its own MER units, adding up to the total', () => {
    const r = scoreCodeSwitching(utterances, { matrixLanguage: 'ja' })
    const rows = Object.fromEntries(r.byLanguage.map((l) => [l.lang, nsdi(l.mer)]))
    expect(rows).toEqual({ en: [2, 0, 1, 0], ja: [15, 3, 0, 2] })
    expect(total(r.byLanguage.map((l) => l.mer))).toEqual(nsdi(r.mer))
  })
})

describe('breakdowns', () => {
  // Hindi matrix; "office" and "but traffic" English: switches hi→en ×2 and en→hi ×2.
  const cs: EvaluatedUtterance = {
    id: 'cs',
    reference: 'मुझे कल office जाना है but traffic बहुत है',
    hypothesis: 'मुझे कल office जाना है but trafic बहुत है ना',
    spans: [
      { start: 2, end: 3, lang: 'en' },
      { start: 5, end: 7, lang: 'en' },
    ],
  }

  it('per language: each token’s errors once, insertions with the token after them', () => {
    const r = scoreCodeSwitching([cs], { matrixLanguage: 'hi' })
    const rows = Object.fromEntries(r.byLanguage.map((l) => [l.lang, nsdi(l.wer)]))
    // "ना" after the last word belongs to है (Hindi); "trafic" is an English substitution.
    expect(rows).toEqual({ en: [3, 1, 0, 0], hi: [6, 0, 0, 1] })
    expect(total(r.byLanguage.map((l) => l.wer))).toEqual(nsdi(r.wer))
    expect(total(r.byLanguage.map((l) => l.translitWer))).toEqual(nsdi(r.translitWer))
  })

  it('per switch type: the tokens on either side of each switch of that type', () => {
    const r = scoreCodeSwitching([cs], { matrixLanguage: 'hi' })
    expect(r.bySwitch.map((s) => [s.type, s.switches, ...nsdi(s.errors)])).toEqual([
      ['en→hi', 2, 4, 1, 0, 0], // office|जाना, traffic|बहुत
      ['hi→en', 2, 4, 0, 0, 0], // कल|office, है|but
    ])
  })

  it('puts insertions into an empty reference in the matrix language', () => {
    const empty = { id: 'e', reference: '', hypothesis: 'hello there' }
    const r = scoreCodeSwitching([cs, empty], { matrixLanguage: 'hi' })
    expect(r.byLanguage.find((l) => l.lang === 'hi')!.wer.insertions).toBe(3)
    expect(total(r.byLanguage.map((l) => l.wer))).toEqual(nsdi(r.wer))
    expect(total(r.byLanguage.map((l) => l.mer))).toEqual(nsdi(r.mer))
  })

  it('follows spans over the words as typed, punctuation-only words included', () => {
    const u = {
      id: 'p',
      reference: 'अच्छा — office ठीक है',
      hypothesis: 'अच्छा ऑफिस ठीक है',
      spans: [{ start: 2, end: 3, lang: 'en' }],
    }
    const r = scoreCodeSwitching([u], { matrixLanguage: 'hi' })
    expect(r.byLanguage.map((l) => [l.lang, ...nsdi(l.wer)])).toEqual([
      ['en', 1, 1, 0, 0],
      ['hi', 3, 0, 0, 0],
    ])
  })

  it('per speaker group: two dialects get their own rows, which add up to the total', () => {
    const utterances: EvaluatedUtterance[] = [
      {
        id: 'c1',
        reference: 'nitakuja kesho morning',
        hypothesis: 'nitakuja kesho mornings',
        spans: [{ start: 2, end: 3, lang: 'en' }],
        group: { dialect: 'coastal', gender: 'female' },
      },
      {
        id: 'c2',
        reference: 'leo ni holiday kwa hivyo tunapumzika',
        hypothesis: 'leo ni holiday hivyo tunapumzika sana',
        spans: [{ start: 2, end: 3, lang: 'en' }],
        group: { dialect: 'coastal' },
      },
      {
        id: 'i1',
        reference: 'meeting yetu imeahirishwa',
        hypothesis: 'mitting yetu imeahirishwa',
        spans: [{ start: 0, end: 1, lang: 'en' }],
        group: { dialect: 'inland', gender: 'male' },
      },
      {
        id: 'i2',
        reference: 'sawa basi tutaonana',
        hypothesis: 'sawa tutaonana',
        group: { dialect: 'inland', gender: 'female' },
      },
    ]
    const r = scoreCodeSwitching(utterances, { matrixLanguage: 'sw' })
    const dialects = r.byGroup.filter((g) => g.attribute === 'dialect')
    expect(dialects.map((g) => [g.value, g.utterances, ...nsdi(g.wer)])).toEqual([
      ['coastal', 2, 9, 1, 1, 1],
      ['inland', 2, 6, 1, 1, 0],
    ])
    expect(dialects.map((g) => g.wer.rate)).toEqual([3 / 9, 2 / 6])
    expect(nsdi(r.wer)).toEqual([15, 2, 2, 1])
    for (const metric of ['wer', 'cer', 'mer', 'translitWer', 'pier'] as const)
      expect(total(dialects.map((g) => g[metric]))).toEqual(nsdi(r[metric]))
    // An attribute some speakers lack still covers every utterance, under "(none)".
    const genders = r.byGroup.filter((g) => g.attribute === 'gender')
    expect(genders.map((g) => [g.value, g.utterances])).toEqual([
      ['(none)', 1],
      ['female', 2],
      ['male', 1],
    ])
    expect(total(genders.map((g) => g.wer))).toEqual(nsdi(r.wer))
  })
})

describe('project rules in plain scoring', () => {
  it('scores with the project’s normalisation when given', () => {
    const refs = new Map([['u', 'कुल २४ घंटे']])
    const hyps = new Map([['u', 'कुल 24 घंटे']])
    expect(scoreTranscripts(refs, hyps).words.substitutions).toBe(1)
    expect(scoreTranscripts(refs, hyps, recommendedRules).wer).toBe(0)
  })
})
