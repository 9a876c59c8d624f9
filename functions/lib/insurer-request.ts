import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ServiceUnavailableError, UnauthenticatedError } from './errors.ts';
import { logger } from './logger.ts';
import { insurerSecrets } from './secrets.ts';
import { verifySignature } from './webhook-signature.ts';

/**
 * What the insurer signs for a request without a body (docs/insurer.md): `<METHOD> <path>`, the path
 * exactly as sent (no query string), under the webhook's scheme: HMAC-SHA256(secret, "<t>.<METHOD> <path>").
 */
export function signedRequestPayload(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** 401 INVALID_SIGNATURE unless the insurer signed this method and path within ±300 s. */
export async function verifyInsurerRequest(event: APIGatewayProxyEventV2): Promise<void> {
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
  let ok: boolean;
  try {
    const { webhookSecrets } = await insurerSecrets();
    const payload = signedRequestPayload(event.requestContext.http.method, event.rawPath);
    ok = verifySignature(
      headers['relief-signature'],
      payload,
      webhookSecrets,
      Math.floor(Date.now() / 1000),
    ).ok;
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'WebhookSecretError' || name === 'ConfigError') {
      throw new ServiceUnavailableError(
        'INSURER_NOT_CONFIGURED',
        'Insurer verification is not configured yet.',
      );
    }
    throw error;
  }
  if (!ok) {
    logger.warn('insurer.request-rejected');
    throw new UnauthenticatedError(
      'INVALID_SIGNATURE',
      'The Relief-Signature header is missing, stale or does not match.',
    );
  }
}
