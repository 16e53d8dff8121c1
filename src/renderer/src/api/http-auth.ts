import { CallError, unwrap } from './call-error'

/**
 * A team server's sign-in, sign-out and invitation links: routes of the HTTP host, beside the
 * contract, because they make or end the session every call then rides on.
 */
async function post(path: string, body: unknown): Promise<unknown> {
  let response: Response
  try {
    response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch (error) {
    throw new CallError('unavailable', `cannot reach the Sauti server (${String(error)})`)
  }
  return unwrap(path, await response.json().catch(() => null))
}

export const signIn = (login: string, password: string): Promise<unknown> =>
  post('/auth/login', { login, password })

export const acceptLink = (token: string, password: string): Promise<unknown> =>
  post('/auth/accept', { token, password })

export const signOut = (): Promise<unknown> => post('/auth/logout', {})
