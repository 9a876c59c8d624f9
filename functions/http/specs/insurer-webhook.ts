import * as z from 'zod';
import { defineSpec } from '../../lib/route-spec.ts';
import { Fen, Line, problem, Text } from '../schemas.ts';

export const InsurerEventBody = z
  .strictObject({
    id: Line(128).min(1),
    type: z.enum(['payout.succeeded', 'payout.declined']),
    packageId: Line(128).min(1),
    amountFen: Fen.optional(),
    paidAt: z.iso.datetime({ offset: true }).optional(),
    transactionRef: Line(128).min(1).optional(),
    reason: Text(1000).optional(),
  })
  .meta({ id: 'InsurerEvent' });

/** Log line (Powertools `message`) the webhook writes when it rejects a callback: a metric filter counts them. */
export const WEBHOOK_REJECTED_MESSAGE = 'webhook.rejected';

/**
 * `POST /insurer/webhooks` — the insurer (PICC) confirms or declines a payout. No court token (not a
 * court route; CDK may add IAM authorisation, `-c insurerIamAuth=true`): the `Relief-Signature` HMAC
 * over the raw body is verified first (several v1 during rotation, ±300 s), before the body is even
 * parsed. Rejections log `webhook.rejected` (an alarm counts them).
 */
export const insurerWebhook = defineSpec({
  operationId: 'insurerWebhook',
  method: 'POST',
  path: '/insurer/webhooks',
  summary: 'Payout confirmation from the insurer (signed; no JWT)',
  tags: ['insurer'],
  auth: 'public',
  body: InsurerEventBody,
  headers: [
    {
      name: 'Relief-Signature',
      required: true,
      description: 't=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>',
    },
  ],
  responses: [
    {
      status: 200,
      description: 'Accepted, or a replayed event id (changes nothing)',
      schema: z.object({ received: z.boolean() }).loose(),
    },
    problem(400, 'Malformed body'),
    problem(401, 'INVALID_SIGNATURE'),
    problem(404, 'UNKNOWN_PACKAGE'),
    problem(409, 'PACKAGE_NOT_AWAITING_PAYOUT'),
    problem(422, 'AMOUNT_MISMATCH (flagged, not paid)'),
  ],
  // Verifies the signature with the insurer secret, records the outcome and answers the payout task
  // token (deliver-payout outbox).
  access: {
    // Unauthenticated at the gateway, so the narrowest grant of all writers: a payout outcome
    // (handleInsurerEvent) settles the application, commits or releases its quota reservation, counts the
    // payout in the report and frees the duplicate lock when declined, in one transaction. No campaign,
    // court, quota trail, idempotency or fund item.
    table: {
      read: ['CAMPAIGNS', 'COURTS'],
      write: ['APP', 'DUP', 'INSURER_EVENT', 'QUOTA', 'REPORT', 'SEALQ'],
    },
    workflow: 'respond',
    insurer: 'receive',
  },
});
