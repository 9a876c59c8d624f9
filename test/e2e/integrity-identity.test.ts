import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, token } from '../support/api.ts';
import { applicationBody } from '../support/applications.ts';
import { close, decide, footprint, paidAt, pendingAt, show } from './security/support.ts';

/**
 * Issue "Integrity": one person is one person, and text is clean. The repros of defect 1 (the same
 * person applying again for the same case with another document type, or with the ID number typed
 * with hyphens, spaces, an invisible character or full-width digits), the duplicate lock while
 * returned and after payout, and INVALID_TEXT. Everything runs at 南京市玄武区人民法院 (JS0102, case
 * prefix 苏0102; route JS0102 → JS01 → JS), which no other suite uses, so paying here moves no
 * quota another suite measures.
 */

const COURT = 'JS0102';
const PREFIX = '苏0102';
type Body = ReturnType<typeof applicationBody>;

let clerk: string;
let approvers: string[];

beforeAll(async () => {
  clerk = await token(COURT, ['clerk'], 'clerk-integrity');
  approvers = await Promise.all(
    [COURT, 'JS01', 'JS'].map((court) => token(court, ['approver'], `approver-integrity-${court}`)),
  );
});

/** A fresh eligible body of JS0102 with a small relief amount. */
function freshBody(): Body {
  const body = applicationBody({ courtPrefix: PREFIX });
  body.reliefAmountFen = 100_000;
  return body;
}

/** The same application with the applicant's (and account holder's) ID number typed differently. */
function typedAs(body: Body, idNumber: string, idType = body.applicant.idType): Body {
  const copy = structuredClone(body);
  copy.applicant.idNumber = idNumber;
  copy.applicant.idType = idType;
  copy.bankAccount.holderIdNumber = idNumber;
  return copy;
}

const create = (body: unknown) => api('POST', '/applications', { token: clerk, body });

/** How many applications of the court are stored for this case number. */
async function storedFor(caseNumber: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await api(
      'GET',
      `/applications?courtCode=${COURT}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: clerk },
    );
    expect(page.status, show(page)).toBe(200);
    count += page.body.items.filter((a: Body) => a.case.caseNumber === caseNumber).length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}

/** Full-width digits (U+FF10-U+FF19) and X (U+FF38). */
const fullWidth = (id: string) => id.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

function expectDuplicate(res: Awaited<ReturnType<typeof create>>) {
  expect(res.status, show(res)).toBe(409);
  expect(res.body.code).toBe('DUPLICATE_APPLICATION');
}

describe('one person is one person: the same case and applicant, however the ID number is typed', () => {
  let first: Body;
  const id = () => first.applicant.idNumber;

  beforeAll(async () => {
    first = freshBody();
    const created = await create(first);
    expect(created.status, show(created)).toBe(201);
  });

  it('refuses the same application sent with idType "other" (422 ID_TYPE_MISMATCH) and writes nothing', async () => {
    const res = await create(typedAs(first, id(), 'other'));
    expect(res.status, show(res)).toBe(422);
    expect(res.body.code).toBe('ID_TYPE_MISMATCH');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'ID_TYPE_MISMATCH', path: 'applicant.idType' }),
      ]),
    );
    expect(await storedFor(first.case.caseNumber)).toBe(1);
  });

  it('refuses a valid resident ID number sent as "other" for a new case too', async () => {
    const body = freshBody();
    const res = await create(typedAs(body, body.applicant.idNumber, 'other'));
    expect(res.status, show(res)).toBe(422);
    expect(res.body.code).toBe('ID_TYPE_MISMATCH');
    expect(await storedFor(body.case.caseNumber)).toBe(0);
  });

  it('refuses the ID number typed with hyphens (409 DUPLICATE_APPLICATION)', async () => {
    const v = id();
    expectDuplicate(await create(typedAs(first, `${v.slice(0, 6)}-${v.slice(6, 14)}-${v.slice(14)}`)));
  });

  it('refuses the ID number typed with spaces', async () => {
    const v = id();
    expectDuplicate(await create(typedAs(first, `${v.slice(0, 6)} ${v.slice(6, 14)} ${v.slice(14)}`)));
  });

  it('refuses the ID number with a trailing zero-width space (U+200B)', async () => {
    expectDuplicate(await create(typedAs(first, `${id()}\u200B`)));
  });

  it('refuses the ID number in full-width digits', async () => {
    expectDuplicate(await create(typedAs(first, fullWidth(id()))));
  });

  it('refuses the same person when only the account holder ID number is typed differently', async () => {
    const body = structuredClone(first);
    body.bankAccount.holderIdNumber = `\uFEFF${id().slice(0, 6)}\u2013${id().slice(6)}`;
    expectDuplicate(await create(body));
  });

  it('still lets another person apply in the same case', async () => {
    const other = freshBody();
    const body = structuredClone(first);
    body.applicant.idNumber = other.applicant.idNumber;
    body.bankAccount.holderIdNumber = other.applicant.idNumber;
    expect(body.applicant.idNumber).not.toBe(first.applicant.idNumber);
    const res = await create(body);
    expect(res.status, show(res)).toBe(201);
  });
});

describe('stored values are the canonical form', () => {
  it('stores the canonical ID numbers and refuses the plain form of the same person afterwards', async () => {
    const body = freshBody();
    const canonical = body.applicant.idNumber;
    const typed = typedAs(body, `${fullWidth(canonical.slice(0, 6))}-${canonical.slice(6)}\u200B`);
    const created = await create(typed);
    expect(created.status, show(created)).toBe(201);
    const read = await api('GET', `/applications/${created.body.id}`, { token: clerk });
    expect(read.body.applicant.idNumber).toBe(canonical);
    expect(read.body.bankAccount.holderIdNumber).toBe(canonical);
    expectDuplicate(await create(body));
  });

  it('keys another document type by its canonical number (E1234-5678 is e12345678)', async () => {
    const body = freshBody();
    const created = await create(typedAs(body, 'E1234-5678', 'other'));
    expect(created.status, show(created)).toBe(201);
    const read = await api('GET', `/applications/${created.body.id}`, { token: clerk });
    expect(read.body.applicant.idNumber).toBe('E12345678');
    expectDuplicate(await create(typedAs(body, 'e12345678', 'other')));
  });

  it('refuses an edit to idType "other" with a resident ID number and leaves the application unchanged', async () => {
    const created = await create(freshBody());
    expect(created.status).toBe(201);
    const before = await footprint(created.body.id, clerk);
    const res = await api('PATCH', `/applications/${created.body.id}`, {
      token: clerk,
      body: { applicant: { ...created.body.applicant, idType: 'other' } },
      headers: { 'if-match': created.headers.get('etag') as string },
    });
    expect(res.status, show(res)).toBe(422);
    expect(res.body.code).toBe('ID_TYPE_MISMATCH');
    expect(await footprint(created.body.id, clerk)).toEqual(before);
  });
});

describe('the duplicate lock holds while the application is open or paid', () => {
  it('refuses the same case and applicant while the application is returned', async () => {
    let body: Body | undefined;
    const id = await pendingAt(clerk, PREFIX, (b) => {
      b.reliefAmountFen = 100_000;
      body = b;
    });
    const returned = await decide(id, approvers[0] as string, 'return', '请补充困难证明');
    expect(returned.body.status, show(returned)).toBe('returned');
    expectDuplicate(await create(body));
  });

  it('refuses the same case and applicant after payout, and after closure', async () => {
    let body: Body | undefined;
    const id = await paidAt(clerk, PREFIX, approvers, (b) => {
      b.reliefAmountFen = 100_000;
      body = b;
    });
    expectDuplicate(await create(body));
    expectDuplicate(await create(typedAs(body as Body, fullWidth((body as Body).applicant.idNumber))));
    await close(id, clerk);
    expectDuplicate(await create(body));
  });

  it('lets the same case and applicant apply again once rejected (no longer open)', async () => {
    let body: Body | undefined;
    const id = await pendingAt(clerk, PREFIX, (b) => {
      body = b;
    });
    const rejected = await decide(id, approvers[0] as string, 'reject', '不符合困难条件');
    expect(rejected.body.status, show(rejected)).toBe('rejected');
    const again = await create(body);
    expect(again.status, show(again)).toBe(201);
  });
});

describe('INVALID_TEXT: control characters, bidi overrides and lone surrogates', () => {
  it('refuses a bidi override in the applicant name with 400 naming the path, and writes nothing', async () => {
    const body = freshBody();
    const bad = structuredClone(body);
    bad.applicant.name = `张\u202E三`;
    bad.bankAccount.holderName = bad.applicant.name;
    const res = await create(bad);
    expect(res.status, show(res)).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('INVALID_TEXT');
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'INVALID_TEXT', path: 'applicant.name' }),
        expect.objectContaining({ code: 'INVALID_TEXT', path: 'bankAccount.holderName' }),
      ]),
    );
    expect(await storedFor(body.case.caseNumber)).toBe(0);
    // no duplicate lock was left behind either: the clean application goes through
    const clean = await create(body);
    expect(clean.status, show(clean)).toBe(201);
    expect(await storedFor(body.case.caseNumber)).toBe(1);
  });

  it('refuses bidi isolates in a decision comment, changing nothing', async () => {
    const id = await pendingAt(clerk, PREFIX, (b) => {
      b.reliefAmountFen = 100_000;
    });
    const before = await footprint(id, clerk);
    const comment = await api('POST', `/applications/${id}/decisions`, {
      token: approvers[0],
      body: { decision: 'return', comment: '请补充\u2066材料\u2069' },
    });
    expect(comment.status, show(comment)).toBe(400);
    expect(comment.body.code).toBe('INVALID_TEXT');
    expect(comment.body.errors).toEqual([expect.objectContaining({ path: 'comment' })]);
    expect(await footprint(id, clerk)).toEqual(before);
  });

  it('refuses a line break in a ruling number and a tab in a reviewer name', async () => {
    const draft = await create(freshBody());
    const submit = await api('POST', `/applications/${draft.body.id}/submit`, {
      token: clerk,
      body: { approvalForm: { reviewOpinion: '材料齐全\n同意报请审批', reviewedBy: '王\t法官' } },
    });
    expect(submit.status, show(submit)).toBe(400);
    expect(submit.body.errors).toEqual([
      expect.objectContaining({ code: 'INVALID_TEXT', path: 'approvalForm.reviewedBy' }),
    ]);
    const closure = await api('POST', `/applications/${draft.body.id}/closure`, {
      token: clerk,
      body: { rulingNumber: '(2024)苏0102执恢1号\n', issuedAt: new Date().toISOString() },
    });
    expect(closure.status, show(closure)).toBe(400);
    expect(closure.body.code).toBe('INVALID_TEXT');
  });

  it('reports INVALID_TEXT per candidate in screening', async () => {
    const { campaignId: _, ...candidate } = freshBody();
    candidate.hardship.statement = '失业\u0000';
    const res = await api('POST', '/eligibility-checks', {
      token: clerk,
      body: { campaignId: 'demo', candidates: [candidate] },
    });
    expect(res.status, show(res)).toBe(200);
    expect(res.body.results[0].failures).toEqual([
      expect.objectContaining({ code: 'INVALID_TEXT', path: 'hardship.statement' }),
    ]);
  });
});
