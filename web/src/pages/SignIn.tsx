import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Input, Select, Space, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, type Court, data, mintLocalToken } from '../api/client.ts';
import { ROLE_KEYS } from '../auth/roles.ts';
import { type Role, saveSession, sessionFromToken } from '../auth/session.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useConfig } from '../config-context.ts';
import { useLocale } from '../i18n/locale.tsx';

/** Only paths inside the console: never an absolute URL from the query string (open redirect). */
function safeReturnTo(value: string | null): string {
  return value?.startsWith('/') && !value.startsWith('//') ? value : '/applications';
}

/**
 * Local mode: the court list is court data, readable with any token, so a short-lived reader token
 * is minted just to fetch it (local runner only, like POST /dev/tokens itself).
 */
async function loadAllCourts(): Promise<Court[]> {
  const reader = await mintLocalToken({
    sub: 'console-sign-in',
    court: 'SPC',
    roles: ['clerk'],
    expiresInSeconds: 300,
  });
  const courts: Court[] = [];
  let cursor: string | undefined;
  do {
    const page = await data(
      api().GET('/courts', {
        params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } },
        headers: { authorization: `Bearer ${reader}` },
      }),
    );
    courts.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return courts;
}

interface LocalForm {
  court: string;
  roles: Role[];
  sub: string;
}

function LocalSignIn({ returnTo }: { returnTo: string }) {
  const { t, aside } = useLocale();
  const navigate = useNavigate();
  const [form] = Form.useForm<LocalForm>();
  const [subTouched, setSubTouched] = useState(false);
  const courts = useQuery({ queryKey: ['sign-in-courts'], queryFn: loadAllCourts, staleTime: 10 * 60_000 });
  const options = useMemo(
    () =>
      (courts.data ?? []).map((c) => ({
        value: c.code,
        label: `${c.name}${aside(c.code)}`,
        search: `${c.name} ${c.code}`.toLowerCase(),
      })),
    [courts.data, aside],
  );
  const signIn = useMutation({
    mutationFn: async (values: LocalForm) => {
      const token = await mintLocalToken({
        sub: values.sub.trim(),
        court: values.court,
        roles: values.roles,
      });
      return sessionFromToken(token, 'local');
    },
    onSuccess: (session) => {
      saveSession(session);
      navigate(returnTo, { replace: true });
    },
  });
  const suggestSub = (values: Partial<LocalForm>) => {
    if (subTouched || !values.court) return;
    const role = values.roles?.[0] ?? 'clerk';
    form.setFieldValue('sub', `${role}-${values.court.toLowerCase()}`);
  };

  return (
    <>
      <Typography.Paragraph>{t('signInLocalHint')}</Typography.Paragraph>
      {courts.isError ? <ProblemAlert error={courts.error} /> : null}
      <Form<LocalForm>
        form={form}
        name="sign-in"
        layout="vertical"
        initialValues={{ roles: ['clerk'] }}
        onValuesChange={(changed: Partial<LocalForm>, all) => {
          if ('sub' in changed) setSubTouched(true);
          else suggestSub(all);
        }}
        onFinish={(values) => signIn.mutate(values)}
        requiredMark={false}
      >
        <Form.Item label={t('court')} name="court" rules={[{ required: true, message: t('required') }]}>
          <Select
            showSearch={{
              filterOption: (input, option) => (option?.search ?? '').includes(input.trim().toLowerCase()),
            }}
            loading={courts.isPending}
            placeholder={t('courtPlaceholder')}
            options={options}
            aria-label={t('court')}
          />
        </Form.Item>
        <Form.Item
          label={t('roles')}
          name="roles"
          // A validator, not `required`: antd would put aria-required on the group, which ARIA forbids.
          rules={[
            {
              validator: (_, v: Role[] | undefined) =>
                v && v.length > 0 ? Promise.resolve() : Promise.reject(new Error(t('required'))),
            },
          ]}
        >
          <Checkbox.Group
            options={(['clerk', 'approver', 'spc-admin'] as const).map((r) => ({
              value: r,
              label: t(ROLE_KEYS[r]),
            }))}
          />
        </Form.Item>
        <Form.Item
          label={t('userId')}
          name="sub"
          extra={t('userIdHelp')}
          rules={[{ required: true, whitespace: true, max: 128, message: t('required') }]}
        >
          <Input autoComplete="username" />
        </Form.Item>
        {signIn.isError ? <ProblemAlert error={signIn.error} /> : null}
        <Button type="primary" htmlType="submit" loading={signIn.isPending} style={{ marginTop: 16 }} block>
          {t('signIn')}
        </Button>
      </Form>
    </>
  );
}

function OidcSignIn({ returnTo }: { returnTo: string }) {
  const { t } = useLocale();
  const config = useConfig();
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    try {
      const { startSignIn } = await import('../auth/oidc.ts');
      await startSignIn(config.oidc as NonNullable<typeof config.oidc>, returnTo);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Paragraph>{t('signInOidcHint')}</Typography.Paragraph>
      {error ? <Alert type="error" title={error} showIcon /> : null}
      <Button type="primary" block onClick={() => void start()}>
        {t('signInOidcButton')}
      </Button>
    </Space>
  );
}

export default function SignIn() {
  const { t } = useLocale();
  const config = useConfig();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get('returnTo'));
  return (
    <main
      style={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        background: '#f5f5f5',
        padding: 24,
      }}
    >
      <Card style={{ width: 480, maxWidth: '100%' }}>
        <Space style={{ width: '100%', justifyContent: 'space-between' }} align="start">
          <div>
            <Typography.Text>{t('appTitle')}</Typography.Text>
            <Typography.Title level={1} style={{ fontSize: 24, marginTop: 4 }}>
              {t('signInTitle')}
            </Typography.Title>
          </div>
          <LanguageSwitch />
        </Space>
        {config.mode === 'oidc' ? <OidcSignIn returnTo={returnTo} /> : <LocalSignIn returnTo={returnTo} />}
      </Card>
    </main>
  );
}
