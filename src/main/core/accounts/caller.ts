/**
 * Who makes a call, as the host established it (docs/team-server.md): the machine's owner (the
 * desktop app, a loopback `sauti serve`, the CLI) or a team account. The core reads the
 * account's role from the store on every call, so a change of role or a disabled account
 * applies to sessions already open.
 */
export type Caller = { kind: 'owner' } | { kind: 'account'; accountId: number }

export const localOwner: Caller = { kind: 'owner' }

export const accountCaller = (accountId: number): Caller => ({ kind: 'account', accountId })
