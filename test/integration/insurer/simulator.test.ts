import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebhookSecretError } from '../../../functions/lib/webhook-signature.ts';
import {
  accountEndsInZeros,
  type InsurerSimulator,
  type InsurerSimulatorOptions,
  startInsurerSimulator,
  transactionRefAt,
} from '../../../infra/local/insurer-simulator.ts';
import {
  type DocumentServer,
  makePackage,
  nowSeconds,
  PACKAGE_SECRET,
  postPackage,
  startDocumentServer,
  startWebhookReceiver,
  WEBHOOK_SECRET,
  type WebhookReceiver,
} from './support.ts';

let receiver: WebhookReceiver;
let docs: DocumentServer;
const simulators: InsurerSimulator[] = [];
const logs: Record<string, unknown>[] = [];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  docs = await startDocumentServer();
});

afterAll(async () => {
  await receiver?.close();
  await docs?.close();
});

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((s) => s.close()));
  receiver.reset();
  docs.reset();
  logs.length = 0;
});

async function simulator(overrides: Partial<InsurerSimulatorOptions> = {}): Promise<InsurerSimulator> {
  const sim = await startInsurerSimulator({
    packageSecrets: [PACKAGE_SECRET],
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: receiver.url,
    payDelayMs: 20,
    webhookRetry: { attempts: 6, initialDelayMs: 10 },
    log: (entry) => logs.push(entry),
    ...overrides,
  });
  simulators.push(sim);
  return sim;
}

describe('insurer simulator: payouts', () => {
  it('answers 202 to a correctly signed package, then sends a signed payout.succeeded for the relief amount', async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_paid');

    const answer = await postPackage(sim.packagesUrl, pkg);
    expect(answer).toEqual({ status: 202, json: { received: true, packageId: 'pkg_paid' } });

    const [delivery] = await receiver.waitFor(1);
    expect(delivery?.verification.ok).toBe(true);
    expect(delivery?.status).toBe(200);
    const body = delivery?.body;
    expect(body).toMatchObject({ type: 'payout.succeeded', packageId: 'pkg_paid', amountFen: 3_500_000 });
    if (body?.type !== 'payout.succeeded') throw new Error('expected a payout');
    expect(body.id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(body.transactionRef).toMatch(/^PICC\d{8}\d{10}$/);
    expect(Number.isNaN(Date.parse(body.paidAt))).toBe(false);
    expect(Object.keys(body).sort()).toEqual([
      'amountFen',
      'id',
      'packageId',
      'paidAt',
      'transactionRef',
      'type',
    ]);

    // every document was fetched through its (presigned) URL and checked
    expect(new Set(docs.hits)).toEqual(new Set(pkg.documents.map((d) => new URL(d.url).pathname.slice(6))));
    await sim.settled();
    expect(sim.received()).toMatchObject([{ packageId: 'pkg_paid', duplicate: false }]);
    expect(sim.webhooks()).toMatchObject([
      { id: body.id, type: 'payout.succeeded', delivered: true, gaveUp: false },
    ]);
  });

  it('echoes the package’s Relief-Correlation-Id on its webhook, and sends none for a package without one', async () => {
    const sim = await simulator();
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_corr'), {
      headers: { 'relief-correlation-id': 'corr-pkg-1' },
    });
    const [first] = await receiver.waitFor(1);
    expect(first?.body.packageId).toBe('pkg_corr');
    expect(first?.correlationId).toBe('corr-pkg-1');
    expect(sim.received()).toMatchObject([{ packageId: 'pkg_corr', correlationId: 'corr-pkg-1' }]);
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_nocorr'));
    const [, second] = await receiver.waitFor(2);
    expect(second?.body.packageId).toBe('pkg_nocorr');
    expect(second?.correlationId).toBeUndefined();
  });

  it('declines an account ending in 0000 (spaces ignored) with ACCOUNT_REJECTED', async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_zero');
    pkg.bankAccount.accountNumber = '6222 0212 3456 0000';

    expect((await postPackage(sim.packagesUrl, pkg)).status).toBe(202);
    const [delivery] = await receiver.waitFor(1);
    expect(delivery?.verification.ok).toBe(true);
    expect(delivery?.body).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'payout.declined',
      packageId: 'pkg_zero',
      reason: 'ACCOUNT_REJECTED',
    });
  });

  it('uses a custom declineRule and payout amount when given', async () => {
    const sim = await simulator({
      declineRule: (pkg) => pkg.category === 'other',
      payoutAmountFen: (pkg) => pkg.reliefAmountFen - 1,
    });
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_other', { category: 'other' }));
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_short'));
    await sim.settled();
    const byPackage = Object.fromEntries(receiver.deliveries.map((d) => [d.body.packageId, d.body]));
    expect(byPackage.pkg_other).toMatchObject({ type: 'payout.declined', reason: 'ACCOUNT_REJECTED' });
    expect(byPackage.pkg_short).toMatchObject({ type: 'payout.succeeded', amountFen: 3_499_999 });
  });

  it('declines with DOCUMENT_CHECKSUM_MISMATCH when a document’s bytes differ from its sha256', async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_tampered');
    docs.put('pkg_tampered-hardship-proof.pdf', Buffer.from('%PDF-1.7 a different file'));

    expect((await postPackage(sim.packagesUrl, pkg)).status).toBe(202);
    await sim.settled();
    expect(receiver.deliveries.map((d) => d.body)).toEqual([
      {
        id: expect.stringMatching(/^evt_/),
        type: 'payout.declined',
        packageId: 'pkg_tampered',
        reason: 'DOCUMENT_CHECKSUM_MISMATCH',
      },
    ]);
    expect(receiver.deliveries[0]?.verification.ok).toBe(true);
  });

  it('declines with DOCUMENT_UNAVAILABLE when a document cannot be downloaded', async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_gone');
    docs.failFirst('pkg_gone-identity.pdf', 100, 403); // e.g. an expired presigned URL

    await postPackage(sim.packagesUrl, pkg);
    await sim.settled();
    expect(receiver.deliveries.map((d) => d.body)).toMatchObject([
      { type: 'payout.declined', packageId: 'pkg_gone', reason: 'DOCUMENT_UNAVAILABLE' },
    ]);
    // a 4xx is final: one request for that document
    expect(docs.hits.filter((h) => h === 'pkg_gone-identity.pdf')).toHaveLength(1);
  });

  it('retries a document download that fails with 5xx, then pays', async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_flaky');
    docs.failFirst('pkg_flaky-bank-account.pdf', 2, 503);

    await postPackage(sim.packagesUrl, pkg);
    await sim.settled();
    expect(receiver.deliveries.map((d) => d.body)).toMatchObject([{ type: 'payout.succeeded' }]);
    expect(docs.hits.filter((h) => h === 'pkg_flaky-bank-account.pdf')).toHaveLength(3);
  });
});

describe('insurer simulator: package authentication and shape', () => {
  it('answers 401 to a package signed with another secret, records nothing and sends nothing', async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_forged');

    const answer = await postPackage(sim.packagesUrl, pkg, { secret: 'somebody-elses-secret-key' });
    expect(answer.status).toBe(401);
    expect(answer.json).toMatchObject({ status: 401, code: 'INVALID_SIGNATURE' });
    await sim.settled();
    expect(sim.received()).toEqual([]);
    expect(sim.webhooks()).toEqual([]);
    expect(receiver.deliveries).toEqual([]);
    expect(docs.hits).toEqual([]);
  });

  it.each([
    ['no signature header', { header: null }, 'MISSING'],
    ['a malformed header', { header: 't=now,v1=abc' }, 'MALFORMED'],
    ['a stale signature (301 s old)', { signedAt: nowSeconds() - 301 }, 'STALE'],
  ] as const)('answers 401 to %s', async (_name, opts, reason) => {
    const sim = await simulator();
    const answer = await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_unsigned'), opts);
    expect(answer.status).toBe(401);
    expect(answer.json.detail).toContain(reason);
    expect(sim.received()).toEqual([]);
  });

  it('verifies against every configured package secret (rotation)', async () => {
    const sim = await simulator({ packageSecrets: ['relief-outbound-secret-new', PACKAGE_SECRET] });
    expect((await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_old_key'))).status).toBe(202);
  });

  it('refuses a body changed after signing', async () => {
    const sim = await simulator();
    const raw = JSON.stringify(makePackage(docs, 'pkg_changed'));
    const { signPayload } = await import('../../../functions/lib/webhook-signature.ts');
    const header = signPayload(raw, PACKAGE_SECRET, nowSeconds());
    const answer = await postPackage(sim.packagesUrl, raw.replace('3500000', '9900000'), { header });
    expect(answer.status).toBe(401);
    expect(sim.received()).toEqual([]);
  });

  it('answers 400 INVALID_PACKAGE, naming the paths, to a signed package of the wrong shape', async () => {
    const sim = await simulator();
    const { bankAccount: _omitted, ...pkg } = makePackage(docs, 'pkg_shape');
    const answer = await postPackage(sim.packagesUrl, { ...pkg, reliefAmountFen: 12.5 });
    expect(answer.status).toBe(400);
    expect(answer.json.code).toBe('INVALID_PACKAGE');
    const paths = (answer.json.errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['bankAccount', 'reliefAmountFen']);
    expect(sim.received()).toEqual([]);
  });

  it('answers 400 MALFORMED_JSON to a signed body that is not JSON', async () => {
    const sim = await simulator();
    const answer = await postPackage(sim.packagesUrl, '{"packageId":');
    expect(answer).toMatchObject({ status: 400, json: { code: 'MALFORMED_JSON' } });
  });

  it('answers 404 off /packages and 405 to another method', async () => {
    const sim = await simulator();
    expect((await fetch(`${sim.url}/payouts`, { method: 'POST', body: '{}' })).status).toBe(404);
    const get = await fetch(sim.packagesUrl);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('refuses secrets shorter than 16 bytes at start', async () => {
    await expect(
      startInsurerSimulator({ packageSecrets: ['short'], webhookSecret: WEBHOOK_SECRET }),
    ).rejects.toThrow(WebhookSecretError);
    await expect(
      startInsurerSimulator({ packageSecrets: [PACKAGE_SECRET], webhookSecret: 'short' }),
    ).rejects.toThrow(WebhookSecretError);
    await expect(
      startInsurerSimulator({ packageSecrets: [], webhookSecret: WEBHOOK_SECRET }),
    ).rejects.toThrow(WebhookSecretError);
  });
});

describe('insurer simulator: idempotency and webhook delivery', () => {
  it('answers 200 to a duplicate package and pays it once', async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_twice');

    expect((await postPackage(sim.packagesUrl, pkg)).status).toBe(202);
    const again = await postPackage(sim.packagesUrl, pkg);
    expect(again).toEqual({ status: 200, json: { received: true, packageId: 'pkg_twice', duplicate: true } });
    await sim.settled();

    expect(receiver.deliveries).toHaveLength(1);
    expect(receiver.deliveries[0]?.body).toMatchObject({ type: 'payout.succeeded', packageId: 'pkg_twice' });
    expect(sim.received().map((r) => r.duplicate)).toEqual([false, true]);
    expect(sim.webhooks()).toHaveLength(1);
  });

  it('answers 200 to a duplicate even while the first is still being processed', async () => {
    const sim = await simulator({ payDelayMs: 60_000 });
    const pkg = makePackage(docs, 'pkg_racing');
    const answers = await Promise.all([postPackage(sim.packagesUrl, pkg), postPackage(sim.packagesUrl, pkg)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 202]);
  });

  it('retries a failing webhook endpoint with the same event id until it answers 2xx', async () => {
    receiver.respondWith((n) => (n === 1 ? 503 : n === 2 ? 500 : 200));
    const sim = await simulator();

    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_retry'));
    await sim.settled();

    expect(receiver.deliveries.map((d) => d.status)).toEqual([503, 500, 200]);
    expect(receiver.deliveries.every((d) => d.verification.ok)).toBe(true);
    expect(new Set(receiver.deliveries.map((d) => d.body.id)).size).toBe(1);
    expect(new Set(receiver.deliveries.map((d) => d.rawBody)).size).toBe(1);
    const [webhook] = sim.webhooks();
    expect(webhook?.id).toBe(receiver.deliveries[0]?.body.id);
    expect(webhook).toMatchObject({ delivered: true, gaveUp: false });
    expect(webhook?.attempts.map((a) => a.status)).toEqual([503, 500, 200]);
  });

  it('tells onDelivered listeners of a webhook once, when an attempt is answered 2xx, and never of a refused one', async () => {
    receiver.respondWith((n) => (n === 1 ? 503 : n === 2 ? 200 : 422));
    const sim = await simulator();
    const told: { packageId: string; statuses: (number | undefined)[] }[] = [];
    const stop = sim.onDelivered((w) =>
      told.push({ packageId: w.packageId, statuses: w.attempts.map((a) => a.status) }),
    );
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_told'));
    await sim.settled();
    expect(told).toEqual([{ packageId: 'pkg_told', statuses: [503, 200] }]);
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_refused_untold'));
    await sim.settled();
    stop();
    receiver.respondWith(() => 200);
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_after_stop'));
    await sim.settled();
    expect(told.map((t) => t.packageId)).toEqual(['pkg_told']);
    expect(sim.webhooks().map((w) => w.delivered)).toEqual([true, false, true]);
  });

  it('retries on 409 and 429', async () => {
    receiver.respondWith((n) => (n === 1 ? 409 : n === 2 ? 429 : 204));
    const sim = await simulator();
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_conflict'));
    await sim.settled();
    expect(receiver.deliveries.map((d) => d.status)).toEqual([409, 429, 204]);
    expect(sim.webhooks()[0]?.delivered).toBe(true);
  });

  it('stops retrying on another 4xx (e.g. 422 AMOUNT_MISMATCH) and logs it', async () => {
    receiver.respondWith(() => 422);
    const sim = await simulator();
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_refused'));
    await sim.settled();
    expect(receiver.deliveries).toHaveLength(1);
    expect(sim.webhooks()[0]).toMatchObject({ delivered: false, gaveUp: true });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', status: 422, packageId: 'pkg_refused' }),
    );
  });

  it('stops after the configured number of attempts when the endpoint keeps failing', async () => {
    receiver.respondWith(() => 500);
    const sim = await simulator({ webhookRetry: { attempts: 3, initialDelayMs: 5 } });
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_unreachable'));
    await sim.settled();
    expect(receiver.deliveries.map((d) => d.status)).toEqual([500, 500, 500]);
    expect(sim.webhooks()[0]).toMatchObject({ delivered: false, gaveUp: true });
  });

  it('a webhook signed with another secret is refused by the endpoint (the receiver really verifies)', async () => {
    const sim = await simulator({
      webhookSecret: 'not-the-agreed-webhook-secret',
      webhookRetry: { attempts: 1 },
    });
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_wrong_key'));
    await sim.settled();
    expect(receiver.deliveries).toMatchObject([
      { status: 401, verification: { ok: false, reason: 'MISMATCH' } },
    ]);
    expect(sim.webhooks()[0]).toMatchObject({ delivered: false, gaveUp: true });
  });

  it('sends to a webhook URL set after start', async () => {
    const sim = await simulator({ webhookUrl: undefined });
    sim.setWebhookUrl(receiver.url);
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_late_url'));
    await sim.settled();
    expect(receiver.deliveries.map((d) => d.body.packageId)).toEqual(['pkg_late_url']);
  });

  it('gives up when no webhook URL is ever set', async () => {
    const sim = await simulator({ webhookUrl: undefined, webhookRetry: { attempts: 2, initialDelayMs: 5 } });
    await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_no_url'));
    await sim.settled();
    expect(sim.webhooks()[0]?.attempts.map((a) => a.error)).toEqual([
      'no webhook URL set',
      'no webhook URL set',
    ]);
    expect(sim.webhooks()[0]?.gaveUp).toBe(true);
  });
});

describe('insurer simulator: outage modes and shutdown', () => {
  it("answers 503 in 'down' mode, records nothing, and accepts again back in 'normal'", async () => {
    const sim = await simulator();
    const pkg = makePackage(docs, 'pkg_outage');
    sim.setMode('down');
    const down = await postPackage(sim.packagesUrl, pkg);
    expect(down).toMatchObject({ status: 503, json: { code: 'INSURER_UNAVAILABLE' } });
    expect(sim.received()).toEqual([]);

    sim.setMode('normal');
    expect((await postPackage(sim.packagesUrl, pkg)).status).toBe(202);
    await sim.settled();
    expect(receiver.deliveries).toHaveLength(1);
  });

  it("in 'slow' mode a client that gives up early gets no answer, but the package is still handled", async () => {
    const sim = await simulator();
    sim.setMode('slow', { delayMs: 1_000 });
    const pkg = makePackage(docs, 'pkg_slow');
    await expect(postPackage(sim.packagesUrl, pkg, { signal: AbortSignal.timeout(50) })).rejects.toThrow();

    const [delivery] = await receiver.waitFor(1);
    expect(delivery?.body).toMatchObject({ type: 'payout.succeeded', packageId: 'pkg_slow' });
    // the client's retry is then a duplicate: answered 200 (after the same delay), not paid again
    expect((await postPackage(sim.packagesUrl, pkg)).status).toBe(200);
    await sim.settled();
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('close abandons pending payouts and frees the port', async () => {
    const sim = await simulator({ payDelayMs: 60_000 });
    expect((await postPackage(sim.packagesUrl, makePackage(docs, 'pkg_pending'))).status).toBe(202);
    await sim.close();
    await sim.settled();
    expect(receiver.deliveries).toEqual([]);
    expect(sim.webhooks()).toEqual([]);
    await expect(fetch(sim.packagesUrl, { method: 'POST', body: '{}' })).rejects.toThrow();
  });
});

describe('insurer simulator: helpers', () => {
  it('accountEndsInZeros ignores spaces and looks at the end only', () => {
    const pkg = (accountNumber: string) =>
      ({ bankAccount: { accountNumber } }) as Parameters<typeof accountEndsInZeros>[0];
    expect(accountEndsInZeros(pkg('6222 0000 1234 0000'))).toBe(true);
    expect(accountEndsInZeros(pkg('62220000123400 00'))).toBe(true);
    expect(accountEndsInZeros(pkg('6222 0000 1234 0001'))).toBe(false);
    expect(accountEndsInZeros(pkg('6222 0000 1234 5000'))).toBe(false);
  });

  it('transactionRefAt uses the China Standard Time date', () => {
    // 2018-12-20T16:30Z is already 2018-12-21 00:30 in Beijing
    expect(transactionRefAt(new Date('2018-12-20T16:30:00Z'))).toMatch(/^PICC20181221\d{10}$/);
    expect(transactionRefAt(new Date('2018-12-20T15:59:59Z'))).toMatch(/^PICC20181220\d{10}$/);
  });
});
