/**
 * Reading a stack's whole history. `pulumi stack history` returns one page, 10 entries unless asked for more, so an
 * unpaged read silently drops the older part of the audit trail. Pages are read newest first until one comes back
 * short. On file backends every entry's version is 0, so nothing here orders by version.
 */

/** Entries per page: large enough that most generations fit in one CLI call. */
export const HISTORY_PAGE_SIZE = 100;

/**
 * Every entry (or the newest `limit`), newest first, from a page reader (`stack.history(size, page)`; pages count
 * from 1).
 */
export async function pagedHistory<T>(readPage: (size: number, page: number) => Promise<T[]>, limit?: number): Promise<T[]> {
  const size = limit !== undefined ? Math.min(limit, HISTORY_PAGE_SIZE) : HISTORY_PAGE_SIZE;
  const entries: T[] = [];
  for (let page = 1; ; page++) {
    const batch = await readPage(size, page);
    entries.push(...batch);
    if (batch.length < size || (limit !== undefined && entries.length >= limit)) break;
  }
  return limit !== undefined ? entries.slice(0, limit) : entries;
}
