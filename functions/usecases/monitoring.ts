import type { AssetCheck } from '../domain/post-closure.ts';
import { BadRequestError } from '../lib/errors.ts';

export interface AssetCheckInput {
  checkedAt: string;
  method: AssetCheck['method'];
  result: AssetCheck['result'];
  detail: string;
  applicantNotifiedAt?: string | undefined;
}

export interface DueInput {
  courtCode?: string | undefined;
  before?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

/** A due-list cursor: which high court's partition, and the index's cursor within it. */
export function encodeDueCursor(h: number, inner: string | null): string {
  return Buffer.from(JSON.stringify({ h, ...(inner ? { c: inner } : {}) })).toString('base64url');
}

export function decodeDueCursor(cursor: string | undefined, partitions: number): { h: number; c?: string } {
  if (!cursor) return { h: 0 };
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { h?: unknown; c?: unknown };
    if (!Number.isInteger(v.h) || (v.h as number) < 0 || (v.h as number) >= partitions) throw new Error('h');
    if (v.c !== undefined && typeof v.c !== 'string') throw new Error('c');
    return { h: v.h as number, ...(typeof v.c === 'string' ? { c: v.c } : {}) };
  } catch {
    throw new BadRequestError('INVALID_CURSOR', 'The cursor is not valid for this list.');
  }
}

/** The sweep's stored position (repo sweep cursor `OVERDUE_SWEEP`): a high court's partition and the index's cursor in it. */
export const OVERDUE_SWEEP = 'asset-checks-overdue';

export interface OverdueSweepOptions {
  /** Index items read per run (default 200); the next run resumes where this one stopped. */
  limit?: number;
  /** Begin a new pass instead of resuming the stored one. */
  fromStart?: boolean;
}

export interface OverdueSweepResult {
  /** Index items read this run. */
  examined: number;
  /** Checks escalated this run (one audit entry each): the operator metric AssetChecksOverdue. */
  escalated: number;
  /** The run reached the end of the last partition: the next run begins a new pass. */
  passComplete: boolean;
  outcomes: Record<string, number>;
}
