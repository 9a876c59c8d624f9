import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type ApiResponse, api, eventually, sha256Hex, token } from '../../support/api.ts';
import { applicationBody, residentId } from '../../support/applications.ts';
import { show } from './support.ts';

/**
 * Personal data (api-contract "Personal data"): ID numbers and bank account numbers appear in full only
 * for the executing court's clerks; everyone else who may read the application sees them masked
 * (`110105********123X`, `6222 **** **** 1234`). Documents are never public: presigned URLs only,
 * short-lived (upload ≤ 15 min, download ≤ 5 min), bound to their method, key and expiry.
 *
 * Executing court: 杭州市上城区人民法院 (ZJ0102, route ZJ0102 → ZJ01 → ZJ), used by no other suite.
 */

const COURT = 'ZJ0102';
const PREFIX = '浙0102';
const ID_A = residentId('330102', '19880615', '357');
const HOLDER_A = ID_A; // the account must be the applicant's own (BANK_ACCOUNT_NOT_APPLICANTS)
const ACCOUNT_A = '6222 0812 3456 1234'; // 16 digits, typed with spaces
const ID_B = residentId('330102', '19910228', '468');
const ACCOUNT_B = '6217001234567890123'; // 19 digits

const digits = (s: string) => s.replace(/\s+/g, '');

/** The contract's masks, written out independently of the product's functions. */
const maskedId = (id: string) => `${id.slice(0, 6)}********${id.slice(14)}`;
function maskedAccount(account: string) {
  const d = digits(account);
  const groups = Math.ceil((d.length - 8) / 4);
  return [d.slice(0, 4), ...Array.from({ length: groups }, () => '****'), d.slice(-4)].join(' ');
}

interface Reader {
  label: string;
  token: string;
  full: boolean;
}

let clerk: string;
let readers: Reader[];
let idA: string;
let idB: string;

beforeAll(async () => {
  clerk = await token(COURT, ['clerk'], 'pd-clerk');
  readers = [
    { label: 'clerk of the executing court', token: clerk, full: true },
    {
      label: 'approver of the executing court',
      token: await token(COURT, ['approver'], 'pd-approver'),
      full: false,
    },
    {
      label: 'clerk of the superior court (ZJ01)',
      token: await token('ZJ01', ['clerk'], 'pd-zj01-clerk'),
      full: false,
    },
    {
      label: 'approver of the superior court (ZJ01)',
      token: await token('ZJ01', ['approver'], 'pd-zj01'),
      full: false,
    },
    {
      label: 'approver of the high court (ZJ)',
      token: await token('ZJ', ['approver'], 'pd-zj'),
      full: false,
    },
    { label: 'SPC administrator', token: await token('SPC', ['spc-admin'], 'pd-spc'), full: false },
  ];
  const a = applicationBody({ courtPrefix: PREFIX });
  a.applicant.idNumber = ID_A;
  a.bankAccount.holderIdNumber = HOLDER_A;
  a.bankAccount.accountNumber = ACCOUNT_A;
  const b = applicationBody({ courtPrefix: PREFIX });
  b.applicant.idNumber = ID_B;
  b.bankAccount.holderIdNumber = ID_B;
  b.bankAccount.accountNumber = ACCOUNT_B;
  const [createdA, createdB] = await Promise.all([
    api('POST', '/applications', { token: clerk, body: a }),
    api('POST', '/applications', { token: clerk, body: b }),
  ]);
  expect(createdA.status, show(createdA)).toBe(201);
  expect(createdB.status, show(createdB)).toBe(201);
  idA = createdA.body.id;
  idB = createdB.body.id;
});

type View = {
  applicant: { idNumber: string };
  bankAccount: { holderIdNumber: string; accountNumber: string };
};

function expectFull(view: View, id: string, holder: string, account: string) {
  expect(view.applicant.idNumber).toBe(id);
  expect(view.bankAccount.holderIdNumber).toBe(holder);
  expect(digits(view.bankAccount.accountNumber)).toBe(digits(account));
}

function expectMasked(view: View, id: string, holder: string, account: string) {
  expect(view.applicant.idNumber).toBe(maskedId(id));
  expect(view.bankAccount.holderIdNumber).toBe(maskedId(holder));
  expect(view.bankAccount.accountNumber).toBe(maskedAccount(account));
}

/** Nowhere in the response text: the full numbers, nor the hidden middle of the ID. */
function expectAbsent(res: ApiResponse, secrets: string[]) {
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  for (const secret of secrets) {
    expect(text).not.toContain(secret);
    expect(text).not.toContain(digits(secret));
  }
}

const secretsOf = (id: string, holder: string, account: string) => [
  id,
  holder,
  account,
  id.slice(6, 14),
  holder.slice(6, 14),
  digits(account).slice(4, -4),
];

describe('masking on GET /applications/{id}', () => {
  it('shows the executing court’s clerk the full ID and account numbers (as entered, spaces allowed)', async () => {
    const res = await api('GET', `/applications/${idA}`, { token: clerk });
    expect(res.status).toBe(200);
    expectFull(res.body, ID_A, HOLDER_A, ACCOUNT_A);
  });

  it.each([
    'approver of the executing court',
    'clerk of the superior court (ZJ01)',
    'approver of the superior court (ZJ01)',
    'approver of the high court (ZJ)',
    'SPC administrator',
  ])('masks them for the %s (110105********123X, 6222 **** **** 1234)', async (label) => {
    const reader = readers.find((r) => r.label === label) as Reader;
    for (const [id, holder, account, appId] of [
      [ID_A, HOLDER_A, ACCOUNT_A, idA],
      [ID_B, ID_B, ACCOUNT_B, idB],
    ] as const) {
      const res = await api('GET', `/applications/${appId}`, { token: reader.token });
      expect(res.status, show(res)).toBe(200);
      expectMasked(res.body, id, holder, account);
      expectAbsent(res, secretsOf(id, holder, account));
    }
  });

  it('masks the contract’s own examples exactly', () => {
    expect(maskedAccount('6222 0812 3456 1234')).toBe('6222 **** **** 1234');
    expect(maskedId('11010519491231002X')).toBe('110105********002X');
  });
});

describe('masking on GET /applications (the list)', () => {
  it('lists the same numbers in full for the clerk and masked for every other reader', async () => {
    for (const reader of readers) {
      const res = await api('GET', `/applications?courtCode=${COURT}&limit=200`, { token: reader.token });
      expect(res.status, `${reader.label}: ${show(res)}`).toBe(200);
      const a = res.body.items.find((i: { id: string }) => i.id === idA);
      const b = res.body.items.find((i: { id: string }) => i.id === idB);
      expect(a && b, reader.label).toBeTruthy();
      if (reader.full) {
        expectFull(a, ID_A, HOLDER_A, ACCOUNT_A);
        expectFull(b, ID_B, ID_B, ACCOUNT_B);
      } else {
        expectMasked(a, ID_A, HOLDER_A, ACCOUNT_A);
        expectMasked(b, ID_B, ID_B, ACCOUNT_B);
        expectAbsent(res, [...secretsOf(ID_A, HOLDER_A, ACCOUNT_A), ...secretsOf(ID_B, ID_B, ACCOUNT_B)]);
      }
    }
  });

  it('never shows the numbers in the audit trail or the document list, to anyone', async () => {
    for (const reader of readers) {
      for (const path of [`/applications/${idA}/audit`, `/applications/${idA}/documents`]) {
        const res = await api('GET', path, { token: reader.token });
        expect(res.status, `${reader.label} ${path}`).toBe(200);
        expectAbsent(res, secretsOf(ID_A, HOLDER_A, ACCOUNT_A));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Documents

const scan = Buffer.from('%PDF-1.4\n% 身份证明 (personal-data suite)\n%%EOF\n');

function expiresParam(url: string): number {
  const value = new URL(url).searchParams.get('X-Amz-Expires');
  expect(value, url).toMatch(/^\d+$/);
  return Number(value);
}

describe('document URLs', () => {
  let upload: { url: string; headers: Record<string, string>; expiresAt: string };
  let documentId: string;
  let downloadUrl: string;

  beforeAll(async () => {
    const requested = Date.now();
    const res = await api('POST', `/applications/${idA}/documents`, {
      token: clerk,
      body: {
        type: 'identity',
        contentType: 'application/pdf',
        sizeBytes: scan.length,
        sha256: sha256Hex(scan),
      },
    });
    expect(res.status, show(res)).toBe(201);
    ({ upload, documentId } = res.body);
    expect(new Date(upload.expiresAt).getTime() - requested).toBeLessThanOrEqual(900_000 + 2_000);
  });

  it('gives an upload URL valid 15 minutes or less (X-Amz-Expires ≤ 900)', () => {
    const seconds = expiresParam(upload.url);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(900);
  });

  it('gives no download URL before the object has landed', async () => {
    const res = await api('GET', `/applications/${idA}/documents/${documentId}`, { token: clerk });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('pending');
    expect(res.body.url).toBeUndefined();
  });

  it('gives a download URL valid 5 minutes or less (X-Amz-Expires ≤ 300) that serves the exact bytes', async () => {
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: scan });
    expect(put.status).toBe(200);
    const doc = await eventually(async () => {
      const res = await api('GET', `/applications/${idA}/documents/${documentId}`, { token: clerk });
      return res.body.status === 'uploaded' ? res : undefined;
    }, 'document uploaded');
    downloadUrl = doc.body.url;
    const seconds = expiresParam(downloadUrl);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(300);
    expect(new Date(doc.body.urlExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(300_000 + 2_000);
    const download = await fetch(downloadUrl);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(scan)).toBe(true);
  });

  it('never serves the object without a signature (unsigned GET and HEAD of its path → 403)', async () => {
    expect(downloadUrl).toBeDefined();
    const objectUrl = `${inject('s3Endpoint')}${new URL(downloadUrl).pathname}`;
    const get = await fetch(objectUrl);
    expect(get.status).toBe(403);
    expect(Buffer.from(await get.arrayBuffer()).includes(scan)).toBe(false);
    expect((await fetch(objectUrl, { method: 'HEAD' })).status).toBe(403);
  });

  it('never lists the bucket without a signature (→ 403)', async () => {
    const bucket = new URL(downloadUrl).pathname.split('/')[1];
    for (const query of ['', '?list-type=2', `?list-type=2&prefix=applications/${idA}`]) {
      const res = await fetch(`${inject('s3Endpoint')}/${bucket}${query}`);
      expect(res.status, query).toBe(403);
      expect(await res.text()).not.toContain(documentId);
    }
  });

  it('refuses a download URL whose expiry was lengthened, whose signature was removed, or used to write', async () => {
    const longer = new URL(downloadUrl);
    longer.searchParams.set('X-Amz-Expires', '604800');
    expect((await fetch(longer)).status).toBe(403);
    const unsigned = new URL(downloadUrl);
    unsigned.searchParams.delete('X-Amz-Signature');
    expect([400, 403]).toContain((await fetch(unsigned)).status);
    const overwrite = await fetch(downloadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'application/pdf' },
      body: Buffer.from('%PDF-1.4 forged'),
    });
    expect(overwrite.status).toBe(403);
    const again = await fetch(downloadUrl);
    expect(Buffer.from(await again.arrayBuffer()).equals(scan)).toBe(true);
  });

  it('refuses the upload URL for reading the object back', async () => {
    const res = await fetch(upload.url);
    expect(res.status).toBe(403);
  });
});
