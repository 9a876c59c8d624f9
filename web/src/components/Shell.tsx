import { Button, Layout, Menu, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { courtName, useCourt } from '../api/queries.ts';
import { ROLE_KEYS } from '../auth/roles.ts';
import { clearSession, hasRole } from '../auth/session.ts';
import { useSession } from '../auth/use-session.ts';
import { useConfig } from '../config-context.ts';
import { useLocale } from '../i18n/locale.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

/** Header (court, user, roles, language, sign-out) and navigation around every signed-in page. */
export default function Shell({ children }: { children: ReactNode }) {
  const { t } = useLocale();
  const session = useSession();
  const config = useConfig();
  const court = useCourt(session?.court);
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split('/')[1] ?? '';
  const selected = location.pathname.startsWith('/applications/new')
    ? 'new'
    : ['quotas', 'reports', 'campaigns', 'queue', 'monitoring', 'relief-fund'].includes(section)
      ? section
      : 'applications';
  const spc = hasRole(session, 'spc-admin') && session?.court === 'SPC';
  // A high court's approver reads its own province's report (the API scopes it).
  const highCourtApprover = hasRole(session, 'approver') && court.data?.level === 'high';
  // After closure: clerks and high courts watch the asset checks due; the SPC and high courts the fund.
  const highCourt = court.data?.level === 'high';
  const monitors = hasRole(session, 'clerk') || highCourt;
  // The campaign picked on one campaign page (quotas, report, fund) stays picked on the others.
  const campaign = new URLSearchParams(location.search).get('campaign');
  const inCampaign = (path: string) => (campaign ? `${path}?campaign=${encodeURIComponent(campaign)}` : path);

  const signOut = async () => {
    clearSession();
    if (config.mode === 'oidc' && config.oidc) {
      const { signOutOidc } = await import('../auth/oidc.ts');
      await signOutOidc(config.oidc);
    } else {
      navigate('/sign-in');
    }
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          background: '#fff',
          borderBottom: '1px solid #d9d9d9',
          display: 'flex',
          alignItems: 'center',
          // The menu never folds items into "…" (a folded item is aria-hidden yet focusable, and hides a
          // page): when the header is too narrow for every entry, the user's block wraps to a second row.
          flexWrap: 'wrap',
          height: 'auto',
          columnGap: 24,
          paddingInline: 24,
        }}
      >
        <Link to="/applications" style={{ color: '#1f1f1f', fontWeight: 600, whiteSpace: 'nowrap' }}>
          {t('appTitle')} · {t('appSubtitle')}
        </Link>
        <nav aria-label={t('navApplications')} style={{ flex: '1 1 auto' }}>
          <Menu
            mode="horizontal"
            disabledOverflow
            selectedKeys={[selected]}
            style={{ borderBottom: 'none' }}
            items={[
              { key: 'applications', label: <Link to="/applications">{t('navApplications')}</Link> },
              ...(hasRole(session, 'clerk')
                ? [{ key: 'new', label: <Link to="/applications/new">{t('navNew')}</Link> }]
                : []),
              ...(hasRole(session, 'approver')
                ? [{ key: 'queue', label: <Link to="/queue">{t('navQueue')}</Link> }]
                : []),
              ...(spc
                ? [{ key: 'quotas', label: <Link to={inCampaign('/quotas')}>{t('navQuotas')}</Link> }]
                : []),
              ...(spc || highCourtApprover
                ? [{ key: 'reports', label: <Link to={inCampaign('/reports')}>{t('navReports')}</Link> }]
                : []),
              ...(spc ? [{ key: 'campaigns', label: <Link to="/campaigns">{t('navCampaigns')}</Link> }] : []),
              ...(monitors
                ? [{ key: 'monitoring', label: <Link to="/monitoring">{t('navMonitoring')}</Link> }]
                : []),
              ...(spc || highCourt
                ? [
                    {
                      key: 'relief-fund',
                      label: <Link to={inCampaign('/relief-fund')}>{t('navReliefFund')}</Link>,
                    },
                  ]
                : []),
            ]}
          />
        </nav>
        <Space size="middle">
          <span data-testid="signed-in-as">
            <Typography.Text strong>{courtName(court.data, session?.court)}</Typography.Text>{' '}
            <Typography.Text>
              {session?.sub} · {session?.roles.map((r) => t(ROLE_KEYS[r])).join(t('listSeparator'))}
            </Typography.Text>
          </span>
          <LanguageSwitch />
          <Button onClick={() => void signOut()}>{t('signOut')}</Button>
        </Space>
      </Layout.Header>
      {/* antd's Content is the page's <main> landmark. */}
      <Layout.Content style={{ padding: 24, maxWidth: 1280, width: '100%', margin: '0 auto' }}>
        {children}
      </Layout.Content>
    </Layout>
  );
}
