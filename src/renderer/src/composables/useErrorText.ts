import { useI18n } from 'vue-i18n'
import {
  formatMessage,
  translatedArgs,
  type MessageArgs,
  type Said,
  type ServerMessageKey,
} from '../../../shared/messages'

/**
 * What the core says (what went wrong, what a job is doing): its English text, and its key and
 * arguments when it has them.
 */
export interface SaidMessage {
  message: string
  said?: Said
  key?: ServerMessageKey
  args?: MessageArgs
}

type Translate = (key: string, args?: Record<string, unknown>) => string
type Has = (key: string) => boolean

/** A message by key in the interface language, with the messages among its arguments. */
function say(said: Said, t: Translate, te: Has): string {
  if (!te(`serverMessage.${said.key}`)) return formatMessage(said.key, said.args)
  const args = Object.fromEntries(
    Object.entries(said.args).map(([name, value]) => {
      if (typeof value === 'object') return [name, say(value, t, te)]
      const list = translatedArgs[name]
      return [name, list && te(`${list}.${value}`) ? t(`${list}.${value}`) : value]
    }),
  )
  return t(`serverMessage.${said.key}`, args)
}

/**
 * The text of an error in the interface language: a message the core sent by key is translated
 * (shared/messages.ts; role names and the job a refusal names among its arguments too); any
 * other stays as the core wrote it.
 */
export function errorText(error: SaidMessage, t: Translate, te: Has): string {
  const said = error.said ?? (error.key && error.args ? { key: error.key, args: error.args } : null)
  if (!said || !te(`serverMessage.${said.key}`)) return error.message
  return say(said, t, te)
}

/** `errorText` in the component's i18n. */
export function useErrorText(): (error: SaidMessage) => string {
  const { t, te } = useI18n()
  return (error) => errorText(error, t as Translate, te)
}
