import type { ProjectRef, ProjectReport } from '../../../shared/domain'
import { learningCurveSpec } from '../../../shared/charts/learning-curve'
import { evaluateProject, projectModel } from '../asr/evaluate-project'
import type { ReadDb } from '../db/connection'
import { humanText } from '../provenance/human-text'
import { agreementReport } from '../review/agreement'
import { renderSvg } from '../adapt/charts'
import { groupedBarSpec, heatmapSpec } from '../../../shared/charts/report-charts'
import { learningCurve, reviewCounts, switchConfusion, throughput } from './data'
import { renderReportHtml, type ReportCharts } from './html'

/** The model a report scores by default: the one that labelled the project last. */
function lastModel(db: ReadDb): { id: number; name: string } | null {
  return (
    (db
      .prepare(
        'SELECT m.id, m.name FROM label_run r JOIN model m ON m.id = r.model_id ORDER BY r.id DESC LIMIT 1',
      )
      .get() as { id: number; name: string } | undefined) ?? null
  )
}

/** The per-project quality report's data (docs/reports.md). */
export function buildReport(
  db: ReadDb,
  project: ProjectRef,
  options: { model?: string } = {},
  now = new Date().toISOString(),
): ProjectReport {
  const counts = db
    .prepare(
      `SELECT (SELECT count(*) FROM utterance WHERE merged_into IS NULL) AS utterances,
              (SELECT count(DISTINCT v.utterance_id) FROM revision v JOIN utterance u ON u.id = v.utterance_id
                WHERE ${humanText('v')} AND u.merged_into IS NULL) AS transcribed,
              (SELECT count(*) FROM utterance WHERE merged_into IS NULL AND status = 'reviewed') AS reviewed,
              (SELECT coalesce(sum(duration_sec), 0) / 60.0 FROM recording) AS minutes`,
    )
    .get() as { utterances: number; transcribed: number; reviewed: number; minutes: number }
  let evaluation: ProjectReport['evaluation'] = null
  let confusion: ProjectReport['switchConfusion'] = []
  const model = options.model ?? lastModel(db)?.name
  if (model !== undefined) {
    // The report keeps the aggregates; per-utterance rows are `sauti evaluate --json`'s.
    const scores: Partial<ReturnType<typeof evaluateProject>> = evaluateProject(db, model)
    delete scores.perUtterance
    evaluation = scores as ProjectReport['evaluation']
    confusion = switchConfusion(db, projectModel(db, model).id)
  }
  return {
    generatedAt: now,
    project: {
      id: project.id,
      name: project.name,
      utterances: counts.utterances,
      transcribed: counts.transcribed,
      reviewed: counts.reviewed,
      audioMinutes: counts.minutes,
    },
    evaluation,
    agreement: agreementReport(db),
    throughput: throughput(db),
    reviews: reviewCounts(db),
    learningCurve: learningCurve(db),
    switchConfusion: confusion,
  }
}

/** Each section's chart as inline SVG; null where the section has nothing to draw. */
export async function renderCharts(report: ProjectReport): Promise<ReportCharts> {
  const e = report.evaluation
  const groups = e?.codeSwitching.byGroup ?? []
  const curve = report.learningCurve.filter((p) => p.devWer !== null || p.devCer !== null)
  const draw = async (rows: unknown[], spec: () => Record<string, unknown>) =>
    rows.length === 0 ? null : renderSvg(spec())
  return {
    metrics: await draw(groups, () =>
      groupedBarSpec(
        groups.flatMap((g) => [
          { category: `${g.attribute}: ${g.value}`, series: 'WER', value: g.wer.rate },
          ...(g.pier.rate === null
            ? []
            : [{ category: `${g.attribute}: ${g.value}`, series: 'PIER', value: g.pier.rate }]),
        ]),
        { title: 'Error by speaker group', yTitle: 'error rate', percent: true },
      ),
    ),
    agreement: await draw(report.agreement.pairs, () =>
      groupedBarSpec(
        report.agreement.pairs.flatMap((p) => [
          { category: `${p.reference} / ${p.other}`, series: 'WER', value: p.wer.rate },
          { category: `${p.reference} / ${p.other}`, series: 'CER', value: p.cer.rate },
        ]),
        { title: 'Disagreement between annotators', yTitle: 'error rate', percent: true },
      ),
    ),
    throughput: await draw(report.throughput, () =>
      groupedBarSpec(
        report.throughput.map((t) => ({
          category: t.day,
          series: t.annotator,
          value: t.utterances,
        })),
        { title: 'Utterances finished per day', yTitle: 'utterances' },
      ),
    ),
    learningCurve: await draw(curve, () =>
      learningCurveSpec(
        [
          { name: 'dev WER', key: 'devWer' as const },
          { name: 'dev CER', key: 'devCer' as const },
        ].map((s) => ({
          name: s.name,
          points: curve
            .filter((p) => p[s.key] !== null)
            .map((p) => ({ minutes: p.correctedMinutes, value: p[s.key]! })),
        })),
        { title: 'Learning curve', yTitle: 'dev-split error rate' },
      ),
    ),
    switchConfusion: await draw(report.switchConfusion, () =>
      heatmapSpec(
        report.switchConfusion.map((c) => ({
          row: c.reference,
          column: c.hypothesis,
          count: c.count,
        })),
        {
          title: 'Languages at switch points',
          rowTitle: 'reference word',
          columnTitle: "model's word",
        },
      ),
    ),
  }
}

/** The report as data and as one self-contained HTML page. */
export async function projectReport(
  db: ReadDb,
  project: ProjectRef,
  options: { model?: string } = {},
): Promise<{ report: ProjectReport; html: string }> {
  const report = buildReport(db, project, options)
  return { report, html: renderReportHtml(report, await renderCharts(report)) }
}
