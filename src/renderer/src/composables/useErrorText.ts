import { useI18n } from 'vue-i18n'
import type { Said } from '../../../shared/errors'
import { translatedArgs, type MessageArgs, type ServerMessageKey } from '../../../shared/messages'

/** What the core says went wrong: its English text, and its key and arguments when it has them. */
export interface SaidMessage {
  message: string
  said?: Said
  key?: ServerMessageKey
  args?: MessageArgs
}

type Translate = (key: string, args?: Record<string, unknown>) => string
type Has = (key: string) => boolean

/**
 * The text of an error in the interface language: a message the core sent by key is translated
 * (shared/messages.ts; role names among its arguments too); any other stays as the core wrote it.
 */
export function errorText(error: SaidMessage, t: Translate, te: Has): string {
  const said = error.said ?? (error.key && error.args ? { key: error.key, args: error.args } : null)
  if (!said || !te(`serverMessage.${said.key}`)) return error.message
  const args = Object.fromEntries(
    Object.entries(said.args).map(([name, value]) => {
      const list = translatedArgs[name]
      return [name, list && te(`${list}.${value}`) ? t(`${list}.${value}`) : value]
    }),
  )
  return t(`serverMessage.${said.key}`, args)
}

/** `errorText` in the component's i18n. */
export function useErrorText(): (error: SaidMessage) => string {
  const { t, te } = useI18n()
  return (error) => errorText(error, t as Translate, te)
}
