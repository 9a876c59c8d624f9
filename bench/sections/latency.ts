import { getCourt } from '../../functions/domain/courts.ts';
import { signPayload } from '../../functions/lib/webhook-signature.ts';
import { ApiError, type ApiResponse, DOCUMENT_TYPES, putScan, scanFor, sha256Hex } from '../lib/api.ts';
import type { BenchContext } from '../lib/context.ts';
import { APPROVAL_FORM, documentsSettled, nextCase, uploadAll } from '../lib/flow.ts';
import { mapLimit, percentile, round, type Spread, sleep, spread } from '../lib/stats.ts';

export const OPERATIONS = [
  ['create', 'create application (POST /applications)'],
  ['requestUpload', 'request upload (POST /applications/{id}/documents)'],
  ['submit', 'submit (POST /applications/{id}/submit)'],
  ['decideLevel', 'decide, first level → next (POST …/decisions)'],
  ['decideHigh', 'decide, high court: reserves quota (POST …/decisions)'],
  ['webhookReal', 'webhook payout.succeeded, first delivery (POST /insurer/webhooks)'],
  ['webhookReplay', 'webhook, replayed event id (POST /insurer/webhooks)'],
  ['report', 'report'],
  ['quotas', 'quotas (GET /campaigns/demo/quotas)'],
] as const;

export type Operation = (typeof OPERATIONS)[number][0];
export type Mode = 'http' | 'inProcess';

export interface OperationFigures {
  samplesPerRun: number;
  p50: Spread;
  p99: Spread;
}

export type LatencyResult = Record<Mode, Record<Operation, OperationFigures>>;

type Call = (
  method: string,
  route: string,
  opts: {
    params?: Record<string, string>;
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  },
) => Promise<ApiResponse>;

const RELIEF_FEN = 100_000;
/** Operations that set background work going (S3 events, the workflow): a short pause after each sample. */
const GAP_MS = 15;

function caller(ctx: BenchContext, mode: Mode): Call {
  if (mode === 'inProcess') return (method, route, opts) => ctx.inproc.invoke(method, route, opts);
  return (method, route, opts) => {
    const path = route.replace(/\{([^}]+)\}/g, (_, name: string) => opts.params?.[name] ?? '');
    return ctx.api.request(method, path, opts);
  };
}

async function timed(samples: number[], fn: () => Promise<ApiResponse>, expected: number, what: string) {
  const t0 = performance.now();
  const res = await fn();
  samples.push(performance.now() - t0);
  if (res.status !== expected) throw new ApiError(what, res.status, res.body);
  return res;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One pass of every operation over `n` fresh applications of BJ0105 (朝阳, straight to 北京高院). */
async function pass(ctx: BenchContext, mode: Mode, n: number): Promise<Record<Operation, number[]>> {
  const call = caller(ctx, mode);
  const court = getCourt('BJ0105');
  if (!court) throw new Error('BJ0105 missing');
  const clerk = await ctx.api.clerk('BJ0105');
  const basic = await ctx.api.approver('BJ0105');
  const high = await ctx.api.approver('BJ');
  const spc = await ctx.api.spc();
  const s: Record<Operation, number[]> = {
    create: [],
    requestUpload: [],
    submit: [],
    decideLevel: [],
    decideHigh: [],
    webhookReal: [],
    webhookReplay: [],
    report: [],
    quotas: [],
  };
  const { applicationBody } = await import('../lib/fixtures.ts');
  const debug = process.env.BENCH_DEBUG ? (what: string) => ctx.log(`    ${mode} ${what}`) : () => {};

  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const body = applicationBody(nextCase(court, 'BJ', RELIEF_FEN));
    const res = await timed(
      s.create,
      () => call('POST', '/applications', { token: clerk, body }),
      201,
      'create',
    );
    ids.push(res.body.id);
  }
  const uploads: { url: string; headers?: Record<string, string> }[] = [];
  for (const id of ids) {
    const scan = scanFor(id, 'identity');
    const res = await timed(
      s.requestUpload,
      () =>
        call('POST', '/applications/{id}/documents', {
          params: { id },
          token: clerk,
          body: {
            type: 'identity',
            contentType: 'application/pdf',
            sizeBytes: scan.length,
            sha256: sha256Hex(scan),
          },
        }),
      201,
      'request upload',
    );
    uploads.push(res.body.upload);
  }
  // Untimed: the bytes, the other five materials, and every S3 event handled.
  await mapLimit(ids, 6, async (id, i) => {
    await putScan(uploads[i] as { url: string }, scanFor(id, 'identity'));
    await uploadAll(ctx.api, id, 'BJ0105', DOCUMENT_TYPES.slice(1));
  });
  debug('uploaded');
  await ctx.stack.settled();
  debug('settled');
  for (const id of ids) {
    if (!(await documentsSettled((x) => ctx.deps().repo.listDocuments(x), id)))
      throw new Error(`documents of ${id} never settled`);
  }

  for (const id of ids) {
    await timed(
      s.submit,
      () => call('POST', '/applications/{id}/submit', { params: { id }, token: clerk, body: APPROVAL_FORM }),
      202,
      'submit',
    );
    await sleep(GAP_MS);
  }
  debug('submitted');
  const decision = { decision: 'approve', comment: '同意' };
  for (const id of ids) {
    await timed(
      s.decideLevel,
      () => call('POST', '/applications/{id}/decisions', { params: { id }, token: basic, body: decision }),
      200,
      'decide (level)',
    );
    await sleep(GAP_MS);
  }
  // The insurer is "down" while the high court approves, so no simulated payout races the webhooks sent here:
  // the package id is recorded before the (failing) send, and the workflow retries the dispatch 30 s later.
  ctx.stack.insurer?.setMode('down');
  try {
    for (const id of ids) {
      await timed(
        s.decideHigh,
        () => call('POST', '/applications/{id}/decisions', { params: { id }, token: high, body: decision }),
        200,
        'decide (high court)',
      );
      await sleep(GAP_MS);
    }
    debug('decided');
    const events: string[] = [];
    for (const id of ids) {
      const packageId = await waitFor(
        async () => (await ctx.deps().repo.get(id))?.payout?.packageId ?? undefined,
        `package of ${id}`,
      );
      const paidAt = new Date().toISOString();
      events.push(
        JSON.stringify({
          id: `evt_bench_${id}`,
          type: 'payout.succeeded',
          packageId,
          amountFen: RELIEF_FEN,
          paidAt,
          transactionRef: `PICC${paidAt.slice(0, 10).replaceAll('-', '')}${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`,
        }),
      );
    }
    const webhook = (rawBody: string) => () =>
      call('POST', '/insurer/webhooks', {
        rawBody,
        headers: {
          'content-type': 'application/json',
          'relief-signature': signPayload(rawBody, ctx.stack.webhookSecret, Math.floor(Date.now() / 1000)),
        },
      });
    debug('packages recorded');
    for (const raw of events) {
      await timed(s.webhookReal, webhook(raw), 200, 'webhook');
      await sleep(GAP_MS);
    }
    for (const raw of events) {
      const res = await timed(s.webhookReplay, webhook(raw), 200, 'webhook replay');
      if (res.body?.duplicate !== true)
        throw new Error('a replayed webhook was not recognised as a duplicate');
    }
    debug('webhooks');
  } finally {
    ctx.stack.insurer?.setMode('normal');
  }
  debug('webhooks done');
  for (let i = 0; i < n; i++) {
    await timed(
      s.quotas,
      () => call('GET', '/campaigns/{campaignId}/quotas', { params: { campaignId: 'demo' }, token: spc }),
      200,
      'quotas',
    );
  }
  for (let i = 0; i < n; i++) {
    await timed(
      s.report,
      () => call('GET', ctx.reportRoute, { params: { campaignId: 'demo' }, token: spc }),
      200,
      'report',
    );
  }
  debug('report');
  return s;
}

export async function latency(
  ctx: BenchContext,
  opts: { runs: number; n: number; warmup: number; deadline: number },
): Promise<LatencyResult> {
  // Quota for BJ large enough for every approval of this section.
  await ctx.api.expect(200, 'PUT', '/campaigns/demo/quotas/BJ', {
    token: await ctx.api.spc(),
    body: { allocatedFen: 50_000_000_000 },
  });
  // Warm-up: load every module and open connections on both paths; discarded.
  for (const mode of ['http', 'inProcess'] as const) await pass(ctx, mode, opts.warmup);
  const perRun: Record<Mode, Record<Operation, { p50: number[]; p99: number[] }>> = {
    http: {} as never,
    inProcess: {} as never,
  };
  for (const mode of ['http', 'inProcess'] as const)
    for (const [op] of OPERATIONS) perRun[mode][op] = { p50: [], p99: [] };
  for (let run = 0; run < opts.runs; run++) {
    if (run > 0 && performance.now() > opts.deadline) {
      ctx.log(`  latency: time box reached after ${run} runs`);
      break;
    }
    // Alternate the order so neither path always runs on a warmer or fuller table.
    const order: Mode[] = run % 2 === 0 ? ['http', 'inProcess'] : ['inProcess', 'http'];
    for (const mode of order) {
      const samples = await pass(ctx, mode, opts.n);
      for (const [op] of OPERATIONS) {
        perRun[mode][op].p50.push(percentile(samples[op], 50));
        perRun[mode][op].p99.push(percentile(samples[op], 99));
      }
    }
    ctx.log(
      `  latency run ${run + 1}/${opts.runs}: http create p50 ${round(perRun.http.create.p50.at(-1) ?? 0, 1)} ms`,
    );
  }
  const out = { http: {}, inProcess: {} } as LatencyResult;
  for (const mode of ['http', 'inProcess'] as const)
    for (const [op] of OPERATIONS)
      out[mode][op] = {
        samplesPerRun: opts.n,
        p50: spread(perRun[mode][op].p50),
        p99: spread(perRun[mode][op].p99),
      };
  return out;
}
