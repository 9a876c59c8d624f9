import type { RouteSpec } from '../../functions/lib/route-spec.ts';
import { type Settings, unauthenticatedRoutesAllowed, webhookIamAuthorised } from './settings.ts';

/**
 * The insurer webhook (保险公司回调) is the route whose spec receives insurer callbacks
 * (`access.insurer: 'receive'`): not a court route, it carries no court JWT (its entry verifies the
 * insurer's signature) and may be IAM-authorised at the gateway.
 */
export function isInsurerWebhook(route: Pick<RouteSpec, 'access'>): boolean {
  return route.access.insurer === 'receive' || route.access.insurer === 'both';
}

/**
 * How the gateway authorises a route: court routes by the JWT authorizer; the insurer webhook by IAM when
 * `webhookIamAuthorised`, else not at all (its handler verifies the HMAC signature either way); the public
 * routes (health, OpenAPI) not at all where unauthenticated routes are allowed (ICP 备案, see
 * `unauthenticatedRoutesAllowed`), else by the court JWT authorizer.
 */
export function routeAuthorization(
  route: Pick<RouteSpec, 'auth' | 'access'>,
  settings: Pick<Settings, 'region' | 'icpLicensed' | 'insurerIamAuth'>,
): 'jwt' | 'iam' | 'none' {
  if (isInsurerWebhook(route)) return webhookIamAuthorised(settings) ? 'iam' : 'none';
  if (route.auth === 'jwt') return 'jwt';
  return unauthenticatedRoutesAllowed(settings) ? 'none' : 'jwt';
}
