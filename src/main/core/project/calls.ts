import type { projectContract } from '../../../shared/contract/project'
import type { AppInfo } from '../../../shared/domain'
import { cancelRefusal, mayCancel } from '../accounts/access'
import { setDefaultLanguage } from '../annotate/annotators'
import { setPrefillSetting } from '../annotate/prefill'
import { latestInference } from '../asr/labeller'
import type { CallContext, CallTable } from '../call-context'
import { runDoctor } from '../doctor'
import { listProjects } from './projects'
import { getRecording, listRecordings, listUtterances, projectSummary } from './queries'

type Calls = keyof typeof projectContract

/** The app, the open project, its recordings and utterances as lists, and its jobs. */
export function projectCalls(
  ctx: CallContext,
  app: { version: string; host: AppInfo['host'] },
): CallTable<Calls> {
  const { db, project, dataDir, dbOptions, jobs } = ctx
  return {
    'app.info': async () => ({
      version: app.version,
      inference: latestInference(db),
      host: app.host,
      dataDir,
      project: projectSummary(db, project),
      uiLanguages: ['en', 'sw'],
    }),
    'app.doctor': async () => runDoctor({ version: app.version, dataDir, ...dbOptions }),
    'project.list': async () => listProjects(dataDir, dbOptions),
    'project.summary': async () => projectSummary(db, project),
    'project.setDefaultLanguage': async ({ language }) => {
      setDefaultLanguage(db, language)
      return projectSummary(db, project)
    },
    'project.setPrefill': async ({ prefill }) => {
      setPrefillSetting(db, prefill)
      return projectSummary(db, project)
    },
    'recording.list': async ({ offset, limit }) => listRecordings(db, offset, limit),
    'recording.get': async ({ id }) => getRecording(db, id),
    'utterance.list': async ({ recordingId, offset, limit }) =>
      listUtterances(db, recordingId, offset, limit),
    'job.list': async (_input, caller) =>
      jobs.list().map(({ startedBy, ...job }) => ({
        ...job,
        cancellable: mayCancel(db, caller, startedBy),
      })),
    'job.cancel': async ({ jobId }, caller) => {
      const refused = cancelRefusal(db, caller, jobs.about(jobId))
      if (refused) throw refused
      return { cancelled: jobs.cancel(jobId) }
    },
  }
}
