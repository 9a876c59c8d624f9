/** What the approver's and the clerk's pages read from an application's audit trail (pure, unit-tested). */

interface Entry {
  seq: number;
  at: string;
  action: string;
  actor: { sub: string; court: string };
  detail: Record<string, unknown>;
}

interface Doc {
  documentId: string;
  type: string;
  status: string;
  createdAt: string;
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The route so far: each submission and each level's decision, oldest first. */
export function routeSteps<E extends Entry>(entries: readonly E[]): E[] {
  return entries.filter((e) => e.action === 'application.submitted' || e.action.startsWith('decision.'));
}

/** The words recorded with a step: a decision's comment, or the submission's review opinion (审查意见). */
export function stepComment(entry: Entry): string {
  const form = entry.detail.approvalForm;
  const opinion =
    typeof form === 'object' && form !== null
      ? text((form as { reviewOpinion?: unknown }).reviewOpinion)
      : '';
  return text(entry.detail.comment) || opinion;
}

export interface ReturnRequestView {
  court: string;
  by: string;
  at: string;
  comment: string;
  documents: { documentId: string; type: string; reason: string; replaced: boolean }[];
}

/**
 * The latest return (decision.return): who returned it, why, and the documents it asks to replace,
 * each `replaced` once a document of its type registered after the return has been uploaded (materials
 * are frozen while the case waits, so nothing earlier can be a replacement). Undefined when the
 * application was never returned.
 */
export function lastReturn(entries: readonly Entry[], docs: readonly Doc[]): ReturnRequestView | undefined {
  const last = entries.findLast((e) => e.action === 'decision.return');
  if (!last) return undefined;
  const asked = Array.isArray(last.detail.documentsToReplace) ? last.detail.documentsToReplace : [];
  return {
    court: last.actor.court,
    by: last.actor.sub,
    at: last.at,
    comment: text(last.detail.comment),
    documents: asked.flatMap((d: unknown) => {
      if (typeof d !== 'object' || d === null) return [];
      const { documentId, type, reason } = d as Record<string, unknown>;
      if (typeof documentId !== 'string' || typeof type !== 'string') return [];
      const replaced = docs.some((x) => x.type === type && x.status === 'uploaded' && x.createdAt > last.at);
      return [{ documentId, type, reason: text(reason), replaced }];
    }),
  };
}

/** `?limit=` of the queue page: 1–200, 50 when absent or not a number. */
export function queuePageSize(raw: string | null): number {
  const n = Math.trunc(Number(raw ?? ''));
  return Number.isFinite(n) && n >= 1 ? Math.min(200, n) : 50;
}
