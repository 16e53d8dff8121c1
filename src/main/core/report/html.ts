import type { ErrorRate, ProjectReport } from '../../../shared/domain'

export interface ReportCharts {
  metrics: string | null
  agreement: string | null
  throughput: string | null
  learningCurve: string | null
  switchConfusion: string | null
}

/** Every piece of text from the project goes through here: the page holds no markup but ours. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(1)}%`
const num = (x: number, digits = 0): string => x.toFixed(digits)

type Cell = string | number
function table(head: string[], rows: Cell[][]): string {
  if (rows.length === 0) return '<p class="empty">Nothing to show yet.</p>'
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')
  const tr = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
    .join('\n')
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`
}

/** A rate with the counts it came from: "12.5% (N 8, S 1, D 0, I 0)". */
const rateCells = (r: Omit<ErrorRate, 'rate'> & { rate: number | null }): Cell[] => [
  pct(r.rate),
  r.n,
  r.substitutions,
  r.deletions,
  r.insertions,
]
const rateHead = (name: string): string[] => [name, 'N', 'S', 'D', 'I']

function section(id: string, title: string, body: string, chart: string | null): string {
  const figure = chart ? `<figure class="chart">${chart}</figure>` : ''
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>\n${body}\n${figure}</section>`
}

function metricsSection(report: ProjectReport, chart: string | null): string {
  const e = report.evaluation
  if (!e)
    return section(
      'metrics',
      'Model metrics',
      '<p class="empty">No model has labelled this project yet.</p>',
      null,
    )
  const c = e.codeSwitching
  const overall = table(
    ['metric', 'rate', 'N', 'S', 'D', 'I'],
    [
      ['WER', ...rateCells(c.wer)],
      ['CER', ...rateCells(c.cer)],
      ['MER', ...rateCells(c.mer)],
      ['transliteration-normalised WER', ...rateCells(c.translitWer)],
      ['PIER', ...rateCells(c.pier)],
    ],
  )
  const byLanguage = table(
    ['language', ...rateHead('WER'), 'MER', 'translit. WER'],
    c.byLanguage.map((l) => [
      l.lang,
      ...rateCells(l.wer),
      pct(l.mer.rate),
      pct(l.translitWer.rate),
    ]),
  )
  const bySwitch = table(
    ['switch', 'switches', ...rateHead('errors')],
    c.bySwitch.map((s) => [s.type, s.switches, ...rateCells(s.errors)]),
  )
  const byGroup = table(
    ['attribute', 'value', 'utterances', ...rateHead('WER'), 'CER', 'MER', 'PIER', 'PIER N'],
    c.byGroup.map((g) => [
      g.attribute,
      g.value,
      g.utterances,
      ...rateCells(g.wer),
      pct(g.cer.rate),
      pct(g.mer.rate),
      pct(g.pier.rate),
      g.pier.n,
    ]),
  )
  const bySpeaker = table(
    ['speaker', 'utterances', 'WER', 'CER'],
    e.bySpeaker.map((s) => [s.key, s.utterances, pct(s.wer), pct(s.cer)]),
  )
  const q = e.confidence
  const body = `<p>Model <strong>${escapeHtml(e.model)}</strong> on ${e.utterances} utterance(s)${
    e.unlabelled > 0 ? `; ${e.unlabelled} with a transcript but no hypothesis` : ''
  }. Word confidence: AUC-ROC ${q.aucRoc?.toFixed(3) ?? '–'}, ECE ${q.ece?.toFixed(3) ?? '–'}, NCE ${
    q.nce?.toFixed(3) ?? '–'
  } over ${q.words} words.</p>
${overall}
<h3>By language</h3>${byLanguage}
<h3>By switch type</h3>${bySwitch}
<h3>By speaker group</h3>${byGroup}
<h3>By speaker</h3>${bySpeaker}`
  return section('metrics', 'Model metrics', body, chart)
}

function agreementSection(report: ProjectReport, chart: string | null): string {
  const a = report.agreement
  const body = `<p>Double annotation: ${a.waiting} waiting for a second version, ${a.pending} waiting for adjudication, ${a.agreed} settled by agreement, ${a.adjudicated} adjudicated.</p>
${table(
  ['reference', 'other', 'utterances', 'adjudicated', ...rateHead('WER'), 'CER', 'tags differ'],
  a.pairs.map((p) => [
    p.reference,
    p.other,
    p.utterances,
    p.adjudicated,
    ...rateCells(p.wer),
    pct(p.cer.rate),
    `${pct(p.tags.rate)} of ${p.tags.compared}`,
  ]),
)}
<h3>By language</h3>${table(
    ['reference', 'other', 'language', ...rateHead('WER')],
    a.pairs.flatMap((p) =>
      p.byLanguage.map((l) => [p.reference, p.other, l.lang, ...rateCells(l.wer)]),
    ),
  )}
<h3>Against the adjudicated result</h3>${table(
    ['annotator', 'utterances', 'WER vs adjudicated'],
    a.byAnnotator.map((x) => [x.annotator, x.utterances, pct(x.vsAdjudicated?.rate)]),
  )}`
  return section('agreement', 'Agreement between annotators', body, chart)
}

export function renderReportHtml(report: ProjectReport, charts: ReportCharts): string {
  const p = report.project
  const summary = section(
    'summary',
    'Project',
    table(
      ['utterances', 'transcribed', 'reviewed', 'audio minutes'],
      [[p.utterances, p.transcribed, p.reviewed, num(p.audioMinutes, 1)]],
    ),
    null,
  )
  const throughput = section(
    'throughput',
    'Annotator throughput',
    table(
      ['day', 'annotator', 'utterances', 'audio minutes'],
      report.throughput.map((t) => [t.day, t.annotator, t.utterances, num(t.audioMinutes, 2)]),
    ) +
      '<h3>Reviews</h3>' +
      table(
        ['reviewer', 'approved', 'rejected'],
        report.reviews.map((r) => [r.reviewer, r.approved, r.rejected]),
      ),
    charts.throughput,
  )
  const curve = section(
    'learning-curve',
    'Learning curve',
    report.learningCurve.length === 0
      ? '<p class="empty">No checkpoints yet: training makes the first.</p>'
      : table(
          ['checkpoint', 'created', 'corrected minutes', 'dev WER', 'dev CER'],
          report.learningCurve.map((c) => [
            c.checkpointId,
            c.createdAt,
            num(c.correctedMinutes, 1),
            pct(c.devWer),
            pct(c.devCer),
          ]),
        ),
    charts.learningCurve,
  )
  const confusion = section(
    'switch-confusion',
    'Languages at switch points',
    table(
      ['reference language', "model's word", 'words'],
      report.switchConfusion.map((c) => [c.reference, c.hypothesis, c.count]),
    ),
    charts.switchConfusion,
  )
  // No scripts, no external resources: the CSP says so to any browser that opens the file.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`Sauti quality report: ${p.name}`)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
td { font-variant-numeric: tabular-nums; }
.empty { color: #666; }
figure.chart { margin: 0.5rem 0 1.5rem; }
</style>
</head>
<body>
<h1>${escapeHtml(`Quality report: ${p.name}`)}</h1>
<p>Project ${escapeHtml(p.id)}, generated ${escapeHtml(report.generatedAt)}.</p>
${summary}
${metricsSection(report, charts.metrics)}
${agreementSection(report, charts.agreement)}
${throughput}
${curve}
${confusion}
</body>
</html>
`
}
