import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { OidcSettings } from '../config.ts';

/**
 * Sign-in with the courts' OIDC provider: authorization code flow with PKCE (oidc-client-ts does
 * PKCE by default for response_type=code). State and the user live in sessionStorage. Loaded only in
 * oidc mode (a separate chunk).
 */
let manager: UserManager | undefined;

function userManager(settings: OidcSettings): UserManager {
  manager ??= new UserManager({
    authority: settings.issuer,
    client_id: settings.clientId,
    redirect_uri: new URL(`${import.meta.env.BASE_URL}callback`, window.location.origin).href,
    post_logout_redirect_uri: new URL(`${import.meta.env.BASE_URL}sign-in`, window.location.origin).href,
    response_type: 'code',
    scope: settings.scope ?? 'openid profile',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    automaticSilentRenew: false,
  });
  return manager;
}

export async function startSignIn(settings: OidcSettings, returnTo: string): Promise<void> {
  await userManager(settings).signinRedirect({ state: { returnTo } });
}

/** Completes the redirect: the access token (a JWT with sub, court and roles) is what the API accepts. */
export async function completeSignIn(
  settings: OidcSettings,
): Promise<{ accessToken: string; returnTo: string }> {
  const user = await userManager(settings).signinRedirectCallback();
  const state = user.state as { returnTo?: unknown } | undefined;
  return {
    accessToken: user.access_token,
    returnTo: typeof state?.returnTo === 'string' ? state.returnTo : '/applications',
  };
}

export async function signOutOidc(settings: OidcSettings): Promise<void> {
  const m = userManager(settings);
  await m.removeUser();
  try {
    await m.signoutRedirect();
  } catch {
    // An issuer without an end-session endpoint: the local session is gone, which is what matters.
  }
}
