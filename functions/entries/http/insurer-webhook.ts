import { applicationDeps } from '../../factories/dynamodb.ts';
import { approvalWorkflow } from '../../factories/sfn.ts';
import { insurerWebhook as spec, WEBHOOK_REJECTED_MESSAGE } from '../../http/specs/insurer-webhook.ts';
import { PACKAGE_CORRELATION_HEADER } from '../../lib/correlation.ts';
import { ServiceUnavailableError, UnauthenticatedError } from '../../lib/errors.ts';
import { defineRoute, noAuthenticator } from '../../lib/http.ts';
import { logger } from '../../lib/logger.ts';
import { BusinessMetric, countEvent } from '../../lib/metrics.ts';
import { insurerSecrets } from '../../lib/secrets.ts';
import { verifySignature } from '../../lib/webhook-signature.ts';
import { handleInsurerEvent } from '../../usecases/handle-insurer-event.ts';

/** Runs before the body is parsed: a forged request never reaches JSON parsing or the store. */
async function verify(req: { headers: Record<string, string | undefined>; rawBody: string | undefined }) {
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
    logger.warn(WEBHOOK_REJECTED_MESSAGE, { reason: `SIGNATURE_${result.reason}` });
    throw new UnauthenticatedError(
      'INVALID_SIGNATURE',
      'The Relief-Signature header is missing, stale or does not match.',
    );
  }
}

export const route = defineRoute(
  spec,
  noAuthenticator,
  async (req) => {
    // The package's correlation id comes back as Relief-Correlation-Id (and is this request's, lib/http.ts).
    logger.info('insurer event', {
      eventType: req.body.type,
      packageCorrelationId: req.headers[PACKAGE_CORRELATION_HEADER] ?? null,
    });
    const receipt = await handleInsurerEvent(
      { ...applicationDeps(), workflow: approvalWorkflow() },
      req.body,
    );
    if (!('duplicate' in receipt))
      countEvent(BusinessMetric.Payouts, { name: 'outcome', value: req.body.type });
    return { status: 200, body: receipt };
  },
  { verify },
);
export const { handler } = route;
