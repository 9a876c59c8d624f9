import { describe, expect, it } from 'vitest';
import { lastReturn, queuePageSize, routeSteps, stepComment } from './approval.ts';

const entry = (seq: number, action: string, detail: Record<string, unknown> = {}, court = 'AH0102') => ({
  seq,
  at: `2026-12-01T10:00:${String(seq).padStart(2, '0')}.000Z`,
  action,
  actor: { sub: `user-${seq}`, court },
  detail,
});

const trail = [
  entry(1, 'application.created'),
  entry(2, 'document.uploaded'),
  entry(3, 'application.submitted', { approvalForm: { reviewOpinion: '材料齐全', reviewedBy: '张' } }),
  entry(4, 'document.review-rejected', { type: 'identity' }),
  entry(5, 'decision.return', {
    comment: '请更换身份证明',
    documentsToReplace: [
      { documentId: 'D1', type: 'identity', reason: '模糊' },
      { documentId: 'D2', type: 'bank-account', reason: '' },
      'not an object',
      { type: 'hardship-proof' },
    ],
  }),
];

describe('routeSteps / stepComment', () => {
  it('keeps the submissions and decisions in order, with their words', () => {
    const steps = routeSteps(trail);
    expect(steps.map((s) => s.action)).toEqual(['application.submitted', 'decision.return']);
    expect(steps.map(stepComment)).toEqual(['材料齐全', '请更换身份证明']);
    expect(stepComment(entry(9, 'decision.approve', { comment: 7 }))).toBe('');
  });
});

describe('lastReturn', () => {
  it('is undefined for an application never returned', () => {
    expect(lastReturn(trail.slice(0, 4), [])).toBeUndefined();
  });

  it('names the returning court, the comment and each well-formed document to replace', () => {
    const view = lastReturn(trail, []);
    expect(view).toEqual({
      court: 'AH0102',
      by: 'user-5',
      at: trail[4]?.at,
      comment: '请更换身份证明',
      documents: [
        { documentId: 'D1', type: 'identity', reason: '模糊', replaced: false },
        { documentId: 'D2', type: 'bank-account', reason: '', replaced: false },
      ],
    });
  });

  it('marks a document replaced only by an upload of its type registered after the return', () => {
    const docs = [
      // Uploaded before the return (an older scan of the type): not a replacement.
      { documentId: 'D0', type: 'identity', status: 'uploaded', createdAt: '2026-12-01T09:00:00.000Z' },
      { documentId: 'D1', type: 'identity', status: 'rejected', createdAt: '2026-12-01T09:30:00.000Z' },
      // After the return, but still pending: not yet.
      { documentId: 'D3', type: 'bank-account', status: 'pending', createdAt: '2026-12-01T10:30:00.000Z' },
    ];
    expect(lastReturn(trail, docs)?.documents.map((d) => d.replaced)).toEqual([false, false]);
    const later = [
      ...docs,
      { documentId: 'D4', type: 'identity', status: 'uploaded', createdAt: '2026-12-01T11:00:00.000Z' },
    ];
    expect(lastReturn(trail, later)?.documents.map((d) => d.replaced)).toEqual([true, false]);
  });

  it('reads the latest of several returns', () => {
    const again = [
      ...trail,
      entry(6, 'application.submitted'),
      entry(7, 'decision.return', { comment: '再次退回' }, 'AH01'),
    ];
    expect(lastReturn(again, [])).toMatchObject({ court: 'AH01', comment: '再次退回', documents: [] });
  });
});

describe('queuePageSize', () => {
  it('is 50 unless ?limit= is a number from 1 to 200', () => {
    expect(queuePageSize(null)).toBe(50);
    expect(queuePageSize('abc')).toBe(50);
    expect(queuePageSize('0')).toBe(50);
    expect(queuePageSize('-3')).toBe(50);
    expect(queuePageSize('3')).toBe(3);
    expect(queuePageSize('3.9')).toBe(3);
    expect(queuePageSize('500')).toBe(200);
  });
});
