import { realpathSync, statSync } from 'node:fs'
import { dirname, extname, isAbsolute, relative, resolve } from 'node:path'
import { isoTime, speakerCode } from '../../../shared/contract/fields'
import type { ConsentImportSummary, ConsentScope, TableProblem } from '../../../shared/domain'
import { consentScopes } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { parseTable, pickColumn } from '../formats/table'
import { readTextFile } from '../formats/text-file'
import type { ProjectPaths } from '../project/paths'
import { storeEvidence } from './evidence'
import { requireLead } from './roles'
import { ensureSpeaker, recordConsent } from './speakers'

export type ConsentTable = { path: string } | { name: string; text: string }

const columns = {
  speaker: ['speaker', 'speaker_code', 'code'],
  scopes: ['scopes', 'scope'],
  granted: ['granted', 'granted_at', 'granted_on', 'date'],
  expires: ['expires', 'expires_at', 'expiry'],
  evidence: ['evidence', 'evidence_file'],
  note: ['note', 'notes', 'evidence_note'],
} as const
type Column = keyof typeof columns

interface GrantRow {
  line: number
  code: string
  speakerId: number | null
  scopes: ConsentScope[]
  grantedAt: string
  expiresAt: string | null
  evidence: string | null
  note: string
}

/** Problems are listed in full in the error's details; the message names the first ones. */
const MESSAGE_PROBLEMS = 30

function inside(path: string, folder: string): boolean {
  const rel = relative(folder, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/** An evidence cell as a file in the table's folder (or below), or why it is not one. */
function evidenceFile(cell: string, folder: string | null): { path: string } | { problem: string } {
  if (folder === null)
    return {
      problem: `evidence "${cell}": files can be named only in a table read from a folder (sauti consent import FILE, or the table's path in the dialog); leave the column empty or use the note column`,
    }
  const path = resolve(folder, cell)
  let real: string
  try {
    real = realpathSync(path)
  } catch {
    return { problem: `evidence "${cell}": no such file beside the table` }
  }
  if (!inside(path, folder) || !inside(real, realpathSync(folder)))
    return { problem: `evidence "${cell}": must be a file in the table's folder or below it` }
  if (!statSync(real).isFile()) return { problem: `evidence "${cell}": not a regular file` }
  return { path }
}

async function readConsentTable(
  table: ConsentTable,
): Promise<{ name: string; text: string; folder: string | null }> {
  if ('path' in table) {
    const path = resolve(table.path)
    return {
      name: table.path,
      text: await readTextFile(path, 'the consent table'),
      folder: dirname(path),
    }
  }
  return { name: table.name, text: table.text, folder: null }
}

/** Every row checked against the project; the problems of all rows, or rows ready to record. */
function checkRows(
  db: WriteDb,
  name: string,
  text: string,
  folder: string | null,
  createSpeakers: boolean,
): { rows: GrantRow[]; problems: TableProblem[] } {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
  const tsv = extname(name).toLowerCase() === '.tsv' || header.includes('\t')
  const table = parseTable(text, name, tsv)
  const problems: TableProblem[] = []
  const problem = (line: number, what: string): void => {
    problems.push({ file: name, line, problem: what })
  }
  const picked = Object.fromEntries(
    (Object.keys(columns) as Column[]).map((c) => [c, pickColumn(table.header, columns[c])]),
  ) as Record<Column, string | undefined>
  const known = new Set<string>(Object.values(columns).flat())
  for (const h of table.header)
    if (!known.has(h))
      problem(
        1,
        `unknown column "${h}" (columns: speaker, scopes, granted, expires, evidence, note)`,
      )
  for (const c of ['speaker', 'scopes', 'granted'] as const)
    if (!picked[c]) problem(1, `no "${c}" column`)
  if (problems.length) return { rows: [], problems }
  if (table.rows.length === 0) problem(1, 'the table has a header but no rows')

  const speakers = new Map(
    (
      db.prepare('SELECT id, code, merged_into FROM speaker').all() as {
        id: number
        code: string
        merged_into: number | null
      }[]
    ).map((s) => [s.code, s]),
  )
  const rows: GrantRow[] = []
  for (const { line, values } of table.rows) {
    const cell = (c: Column): string => (picked[c] ? (values[picked[c]] ?? '') : '')
    const before = problems.length
    const code = cell('speaker')
    const known = speakers.get(code)
    if (!code) problem(line, 'no speaker code')
    else if (!speakerCode.safeParse(code).success)
      problem(line, `"${code}" is not a speaker code (no spaces or slashes, at most 64 characters)`)
    else if (known?.merged_into)
      problem(line, `speaker ${code} was merged into another speaker: record consent there`)
    else if (!known && !createSpeakers)
      problem(
        line,
        `no speaker "${code}" in the project: register it first, or let the import register new speakers`,
      )
    const scopes = cell('scopes')
      .split(/[\s,;|]+/)
      .filter(Boolean)
    const unknownScopes = scopes.filter((s) => !(consentScopes as readonly string[]).includes(s))
    if (scopes.length === 0) problem(line, 'no scopes')
    for (const s of unknownScopes)
      problem(line, `unknown scope "${s}" (scopes: ${consentScopes.join(', ')})`)
    const granted = isoTime.safeParse(cell('granted'))
    if (!cell('granted')) problem(line, 'no granted date')
    else if (!granted.success) problem(line, `granted: ${granted.error.issues[0]!.message}`)
    const expiresCell = cell('expires')
    const expires = expiresCell ? isoTime.safeParse(expiresCell) : null
    if (expires && !expires.success) problem(line, `expires: ${expires.error.issues[0]!.message}`)
    if (granted.success && expires?.success && expires.data <= granted.data)
      problem(line, 'consent must expire after it is granted')
    const evidenceCell = cell('evidence')
    const evidence = evidenceCell ? evidenceFile(evidenceCell, folder) : null
    if (evidence && 'problem' in evidence) problem(line, evidence.problem)
    const note = cell('note')
    if (note.length > 2000) problem(line, 'the note is longer than 2,000 characters')
    if (problems.length > before) continue
    rows.push({
      line,
      code,
      speakerId: known?.id ?? null,
      scopes: [...new Set(scopes)] as ConsentScope[],
      grantedAt: granted.data!,
      expiresAt: expires?.data ?? null,
      evidence: evidence && 'path' in evidence ? evidence.path : null,
      note,
    })
  }
  return { rows, problems }
}

/**
 * Consent for many speakers from one CSV or TSV table, all rows or none: every row is checked
 * first and every problem is named (file, line, what); only a table without problems is
 * recorded, in one transaction, after its evidence files are copied into the project.
 */
export async function importConsentTable(
  db: WriteDb,
  paths: ProjectPaths,
  input: { actorId: number; table: ConsentTable; createSpeakers: boolean; dryRun: boolean },
  now = new Date().toISOString(),
): Promise<ConsentImportSummary> {
  const lead = requireLead(db, input.actorId, 'recordConsent')
  const { name, text, folder } = await readConsentTable(input.table)
  const { rows, problems } = checkRows(db, name, text, folder, input.createSpeakers)
  if (problems.length) {
    const shown = problems.slice(0, MESSAGE_PROBLEMS).map((p) => `line ${p.line}: ${p.problem}`)
    const more = problems.length - shown.length
    throw new SautiError(
      'bad_input',
      `${name}: ${problems.length} problem${problems.length === 1 ? '' : 's'}, nothing was recorded:\n${shown.join('\n')}${more ? `\n… and ${more} more` : ''}`,
      { problems },
    )
  }
  const newCodes = [...new Set(rows.filter((r) => r.speakerId === null).map((r) => r.code))]
  const evidenceFiles = [...new Set(rows.flatMap((r) => (r.evidence ? [r.evidence] : [])))]
  const summary: ConsentImportSummary = {
    file: name,
    dryRun: input.dryRun,
    rows: rows.length,
    speakers: new Set(rows.map((r) => r.code)).size,
    records: rows.reduce((n, r) => n + r.scopes.length, 0),
    createdSpeakers: newCodes,
    evidenceFiles: evidenceFiles.length,
  }
  if (input.dryRun) return summary
  const stored = new Map<string, string>()
  for (const file of evidenceFiles)
    stored.set(file, (await storeEvidence(db, paths, file, now)).sha256)
  db.transaction(() => {
    const ids = new Map(newCodes.map((code) => [code, ensureSpeaker(db, { code })]))
    for (const row of rows)
      for (const scope of row.scopes)
        recordConsent(
          db,
          {
            speakerId: row.speakerId ?? ids.get(row.code)!,
            scope,
            grantedAt: row.grantedAt,
            expiresAt: row.expiresAt,
            evidenceSha256: row.evidence ? stored.get(row.evidence)! : null,
            evidenceNote: row.note,
            recordedBy: lead.id,
          },
          now,
        )
  }).immediate()
  return summary
}
