import { Alert, Button, Result } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { saveSession, sessionFromToken } from '../auth/session.ts';
import { useConfig } from '../config-context.ts';
import { useLocale } from '../i18n/locale.tsx';

/** The OIDC redirect target: exchanges the code (with the PKCE verifier) for tokens, then goes back. */
export default function OidcCallback() {
  const { t } = useLocale();
  const config = useConfig();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current || !config.oidc) return;
    started.current = true;
    import('../auth/oidc.ts')
      .then(({ completeSignIn }) => completeSignIn(config.oidc as NonNullable<typeof config.oidc>))
      .then(({ accessToken, returnTo }) => {
        saveSession(sessionFromToken(accessToken, 'oidc'));
        navigate(returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/applications', {
          replace: true,
        });
      })
      .catch((e: Error) => setError(e.message));
  }, [config.oidc, navigate]);
  return (
    <main style={{ padding: 48 }}>
      {error ? (
        <Result
          status="error"
          title={t('signInTitle')}
          subTitle={<Alert type="error" title={error} />}
          extra={<Button onClick={() => navigate('/sign-in')}>{t('signIn')}</Button>}
        />
      ) : (
        <div role="status">{t('signInCompleting')}</div>
      )}
    </main>
  );
}
