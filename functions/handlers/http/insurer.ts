import * as z from 'zod';
import { ServiceUnavailableError, UnauthenticatedError } from '../../lib/errors.ts';
import { defineRoute } from '../../lib/http.ts';
import { logger } from '../../lib/logger.ts';
import { insurerSecrets } from '../../lib/secrets.ts';
import { verifySignature } from '../../lib/webhook-signature.ts';
import { handleInsurerEvent } from '../../usecases/payouts.ts';
import { authenticator, deps } from '../deps.ts';
import { Fen, Line, problem, Text } from './schemas.ts';

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

/**
 * `POST /insurer/webhooks` — the insurer (PICC) confirms or declines a payout. No court token: the
 * `Relief-Signature` HMAC over the raw body is verified first (several v1 during rotation, ±300 s),
 * before the body is even parsed. Rejections log `webhook.rejected` (an alarm counts them).
 */
export const insurerWebhook = defineRoute(
  {
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
  },
  authenticator,
  async (req) => handleInsurerEvent(deps(), req.body),
  {
    // Runs before the body is parsed: a forged request never reaches JSON parsing or the store.
    verify: async (req) => {
      let result: ReturnType<typeof verifySignature>;
      try {
        const { webhookSecrets } = await insurerSecrets();
        const now = Math.floor(Date.now() / 1000);
        result = verifySignature(req.headers['relief-signature'], req.rawBody ?? '', webhookSecrets, now);
      } catch (error) {
        // No usable secret configured yet (e.g. a fresh deployment): the insurer should retry later.
        const name = (error as Error).name;
        if (name === 'WebhookSecretError' || name === 'ConfigError') {
          logger.error('insurer secret not configured', { errorName: name });
          throw new ServiceUnavailableError(
            'INSURER_NOT_CONFIGURED',
            'Webhook verification is not configured yet.',
          );
        }
        throw error;
      }
      if (!result.ok) {
        logger.warn('webhook.rejected', { reason: `SIGNATURE_${result.reason}` });
        throw new UnauthenticatedError(
          'INVALID_SIGNATURE',
          'The Relief-Signature header is missing, stale or does not match.',
        );
      }
    },
  },
);
