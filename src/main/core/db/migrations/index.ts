import type { WriteDb } from '../connection'
import { m001People } from './001-people'
import { m002Audio } from './002-audio'
import { m003Models } from './003-models'
import { m004Provenance } from './004-provenance'
import { m005Runs } from './005-runs'
import { m006Workspace } from './006-workspace'
import { m007Adaptation } from './007-adaptation'
import { m008ConsentAudit } from './008-consent-audit'
import { m009Review } from './009-review'
import { m010RevisionHead } from './010-revision-head'
import { m011RecordingSplit } from './011-recording-split'
import { m012Calibration } from './012-calibration'
import { m013Accounts } from './013-accounts'
import { m014Owners } from './014-owners'
import { m015Discussion } from './015-discussion'
import { m016Search } from './016-search'
import { m017QualityAndTags } from './017-quality-and-tags'
import { m018Tiers } from './018-tiers'
import { m019MachineImport } from './019-machine-import'
import { m020DecodedSpans } from './020-decoded-spans'

export interface Migration {
  version: number
  name: string
  /** Rebuilds a table that others reference: run with foreign keys off (migrate.ts). */
  rebuildsTables?: boolean
  up(db: WriteDb): void
}

/** Numbered migrations, applied in order. Never edit one that has shipped: add the next. */
export const migrations: readonly Migration[] = [
  m001People,
  m002Audio,
  m003Models,
  m004Provenance,
  m005Runs,
  m006Workspace,
  m007Adaptation,
  m008ConsentAudit,
  m009Review,
  m010RevisionHead,
  m011RecordingSplit,
  m012Calibration,
  m013Accounts,
  m014Owners,
  m015Discussion,
  m016Search,
  m017QualityAndTags,
  m018Tiers,
  m019MachineImport,
  m020DecodedSpans,
]
