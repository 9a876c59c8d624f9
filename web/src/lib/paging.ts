/**
 * The cursor trail of server-side pages, as the URL keeps it (`?cursor=&trail=`): `trail` holds the
 * cursors of the pages before the current one (the first page has none), so "previous" needs no
 * server support. Each function gives the query parameters to set (null removes one).
 */
export type PagingParams = { cursor: string | null; trail: string | null };

export function nextPage(cursor: string, trail: readonly string[], nextCursor: string): PagingParams {
  return { cursor: nextCursor, trail: cursor ? [...trail, cursor].join(' ') : null };
}

export function previousPage(trail: readonly string[]): PagingParams {
  return { cursor: trail.at(-1) ?? null, trail: trail.slice(0, -1).join(' ') || null };
}

/** 1 on the first page; one more for every cursor behind the current one. */
export function pageNumberOf(cursor: string, trail: readonly string[]): number {
  return trail.length + (cursor ? 2 : 1);
}
