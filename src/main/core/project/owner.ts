import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'

/**
 * This process as the owner of jobs and staging folders: its machine, its pid and when it
 * started. A pid alone is not an identity: after a crash the system may give the same number to
 * another program, which must not be taken for the crashed Sauti.
 */
export interface ProcessIdentity {
  /** A short hash of the machine's name (a folder-name-safe key part). */
  host: string
  pid: number
  /** The process's start time: /proc's start ticks on Linux, else its start in ms. */
  start: string
}

const hostKey = (): string => createHash('sha256').update(hostname()).digest('hex').slice(0, 8)

/** Linux's start time of a process in clock ticks since boot (field 22 of /proc/PID/stat). */
function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) is in parentheses and may hold spaces: count after its end.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] ?? null
  } catch {
    return null
  }
}

let self: ProcessIdentity | null = null

export function thisProcess(): ProcessIdentity {
  self ??= {
    host: hostKey(),
    pid: process.pid,
    start: procStart(process.pid) ?? String(Math.round(Date.now() - process.uptime() * 1000)),
  }
  return self
}

/** `host-pid-start`: names a lease, a job's owner and a staging folder. */
export const keyOf = (p: ProcessIdentity): string => `${p.host}-${p.pid}-${p.start}`

export function parseKey(key: string): ProcessIdentity | null {
  const m = /^([0-9a-f]{8})-(\d+)-(\d+)$/.exec(key)
  return m ? { host: m[1]!, pid: Number(m[2]), start: m[3]! } : null
}

/**
 * Whether the process is still running, where this machine can tell: a process on another
 * machine gives `null` (the caller decides by its heartbeat). On Linux the start time must match
 * too, so a reused pid is seen as the stranger it is.
 */
export function isRunning(p: ProcessIdentity): boolean | null {
  const me = thisProcess()
  if (p.host !== me.host) return null
  if (p.pid === me.pid) return p.start === me.start
  try {
    process.kill(p.pid, 0)
  } catch (error) {
    // EPERM: a process of another user holds the pid, so it is not ours either way.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const start = procStart(p.pid)
  return start === null ? true : start === p.start
}
