/** The project room's calls: the app, the open project, its lists and its jobs. */
import { z } from 'zod'
import type {
  AppInfo,
  DoctorReport,
  JobInfo,
  Page,
  ProjectRef,
  ProjectSummary,
  Recording,
  Utterance,
} from '../domain'
import { call, id, languageTag, pageInput } from './fields'

export const projectContract = {
  'app.info': call<AppInfo>()(
    z.object({}).strict(),
    'Version, host, data folder and the open project.',
  ),
  'app.doctor': call<DoctorReport>()(
    z.object({}).strict(),
    'Versions, execution providers, data folder and database integrity.',
  ),
  'project.list': call<ProjectRef[]>()(z.object({}).strict(), 'Projects in the data folder.'),
  'project.summary': call<ProjectSummary>()(
    z.object({}).strict(),
    'Counts and duration of the open project.',
  ),
  'project.setDefaultLanguage': call<ProjectSummary>()(
    z.object({ language: languageTag.nullable() }).strict(),
    'The language new spans and utterances without one default to.',
  ),
  'project.setPrefill': call<ProjectSummary>()(
    z.object({ prefill: z.enum(['automatic', 'always', 'never']) }).strict(),
    "Whether the editor starts from the model's hypothesis: when fixing it is expected to take fewer keys than typing (automatic), always, or never.",
  ),
  'recording.list': call<Page<Recording>>()(
    z.object({ ...pageInput }).strict(),
    'Recordings of the open project, newest import last.',
  ),
  'recording.get': call<Recording>()(z.object({ id }).strict(), 'One recording.'),
  'utterance.list': call<Page<Utterance>>()(
    z
      .object({
        recordingId: id.optional(),
        ...pageInput,
      })
      .strict(),
    'Utterances with their newest transcript, in recording order.',
  ),
  'job.list': call<JobInfo[]>()(z.object({}).strict(), 'Background jobs of this session.'),
  'job.cancel': call<{ cancelled: boolean }>()(
    z.object({ jobId: z.string().min(1).max(64) }).strict(),
    'Cancel a running job; files already imported stay, the file in flight is rolled back.',
  ),
} as const
