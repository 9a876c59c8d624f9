import type { Court, CourtLevel } from '../domain/court-registry.ts';
import { BadRequestError } from '../lib/errors.ts';
import type { CourtDirectory } from '../ports/courts.ts';

/** Courts filtered by level, parent or province, in registry order; the cursor is the last code seen. */
export async function listCourts(
  deps: { courts: CourtDirectory },
  query: {
    level?: CourtLevel | undefined;
    parentCode?: string | undefined;
    province?: string | undefined;
    limit: number;
    cursor?: string | undefined;
  },
): Promise<{ items: Court[]; nextCursor: string | null }> {
  const { level, parentCode, province, limit, cursor } = query;
  const all = (await deps.courts.registry()).courts.filter(
    (c) =>
      (!level || c.level === level) &&
      (!parentCode || c.parentCode === parentCode) &&
      (!province || c.province === province),
  );
  let start = 0;
  if (cursor) {
    const index = all.findIndex((c) => Buffer.from(c.code).toString('base64url') === cursor);
    if (index < 0) throw new BadRequestError('INVALID_CURSOR', 'The cursor is not valid for this list.');
    start = index + 1;
  }
  const items = all.slice(start, start + limit);
  const last = items.at(-1);
  const nextCursor = last && start + limit < all.length ? Buffer.from(last.code).toString('base64url') : null;
  return { items, nextCursor };
}
