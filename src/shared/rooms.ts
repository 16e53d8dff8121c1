/** Every table's entries at once (the rooms' tables have no name in common). */
type AllOf<T extends readonly object[]> = T extends readonly [
  infer First,
  ...infer Rest extends readonly object[],
]
  ? First & AllOf<Rest>
  : unknown

/**
 * One table from the rooms' tables: the contract's calls from each room's share, and the core's
 * handlers from each room's. A call two rooms name is refused here, where a spread would
 * silently keep the second; the type holds every room's calls, so a call no room serves fails
 * to compile where the result must be the whole contract.
 */
export function composeRooms<T extends readonly object[]>(...rooms: T): AllOf<T> {
  const table: Record<string, unknown> = {}
  for (const room of rooms)
    for (const [method, entry] of Object.entries(room)) {
      if (method in table) throw new Error(`the call ${method} is in two rooms`)
      table[method] = entry
    }
  return table as AllOf<T>
}
