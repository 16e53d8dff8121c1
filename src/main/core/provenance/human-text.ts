/*
 * The rule for "a person's transcript", written once in SQL (docs/ARCHITECTURE.md, "A person's
 * transcript"): a revision that is a decision (`draft = 0`: not an autosave draft, not machine
 * output imported for correction, migration 19) and was written by an annotator or imported as
 * people's. Its JavaScript twins are `isHumanText`, `isAnnotatorText` and `isMachineImport` in
 * shared/domain/provenance.ts. Every query that counts, trains on, evaluates or ranks by a
 * person's text asks these fragments; a test scans the core for the rule written out by hand.
 *
 * The fragments are conditions over a revision alias, so each query keeps its own shape and its
 * plan: the per-utterance ones walk `revision_by_utterance (utterance_id, id)` as before.
 */

/**
 * A decision over revision alias `v`: what someone settled on (a person, an import or a model),
 * not an autosave draft nor machine output waiting for a person.
 */
export function decision(v: string): string {
  return `${v}.draft = 0`
}

/** A person's transcript over revision alias `v` (the twin of `isHumanText`). */
export function humanText(v: string): string {
  return `${decision(v)} AND ${v}.source_kind IN ('annotator', 'import')`
}

/**
 * A person's transcript that an annotator wrote in the project, not imported (the twin of
 * `isAnnotatorText`): the finished work throughput, annotator cost and blind versions count.
 */
export function annotatorText(v: string): string {
  return `${decision(v)} AND ${v}.source_kind = 'annotator'`
}

/** Machine output an import brought, waiting for a person (the twin of `isMachineImport`). */
export function machineImport(v: string): string {
  return `${v}.draft = 1 AND ${v}.source_kind = 'import'`
}

/**
 * Whether the utterance whose id is the SQL expression `utteranceId` (`u.id`) has a person's
 * transcript: an `EXISTS` condition. "Transcribed" everywhere means this.
 */
export function hasHumanText(utteranceId: string): string {
  return `EXISTS (SELECT 1 FROM revision hv WHERE hv.utterance_id = ${utteranceId} AND ${humanText('hv')})`
}

/** The id of the newest person's transcript of `utteranceId` (NULL without one): its text now. */
export function newestHumanText(utteranceId: string): string {
  return `(SELECT max(hv.id) FROM revision hv WHERE hv.utterance_id = ${utteranceId} AND ${humanText('hv')})`
}

/** The id of the first person's transcript of `utteranceId`: when it became transcribed. */
export function firstHumanText(utteranceId: string): string {
  return `(SELECT min(hv.id) FROM revision hv WHERE hv.utterance_id = ${utteranceId} AND ${humanText('hv')})`
}
