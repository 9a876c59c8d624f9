import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Descriptions, Form, Input, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { ApiProblem, type Application, api, data, newIdempotencyKey } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { downloadFrom } from '../lib/download.ts';
import { fenOf, shanghaiTime, shanghaiToday, yuan } from '../lib/format.ts';
import { AfterClosure } from './AfterClosure.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const RULED: readonly string[] = ['paid', 'closed', 'resumed'];

const heading = (text: string) => <h2 style={{ fontSize: 16, margin: 0 }}>{text}</h2>;

function useRefresh(id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['application', id] });
}

/** 终结执行裁定书: the text as the server writes it, and the .docx as a download. */
function Ruling({ app }: { app: Application }) {
  const { t } = useLocale();
  const ruling = useQuery({
    queryKey: ['ruling', app.id, app.status],
    queryFn: async () => {
      const ruling = await data(api().GET('/applications/{id}/ruling', { params: { path: { id: app.id } } }));
      if (typeof ruling === 'string') throw new ApiProblem(200, 'UNEXPECTED_RESPONSE', '');
      return ruling;
    },
  });
  const [saved, setSaved] = useState<string | null>(null);
  const download = useMutation({
    mutationFn: () =>
      downloadFrom(
        api().GET('/applications/{id}/ruling', {
          params: { path: { id: app.id } },
          headers: { Accept: DOCX },
          parseAs: 'blob',
        }),
        `ruling-${app.id}.docx`,
      ),
    onSuccess: setSaved,
  });
  return (
    <Card size="small" title={heading(t('rulingTitle'))}>
      {ruling.isError ? <ProblemAlert error={ruling.error} /> : null}
      {ruling.data ? (
        <div data-testid="ruling-text" lang="zh-CN">
          {ruling.data.paragraphs.map((p, i) => (
            // The server's paragraphs in order; they have no identity of their own.
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed, ordered text
            <Typography.Paragraph key={i}>{p}</Typography.Paragraph>
          ))}
        </div>
      ) : null}
      {download.isError ? <ProblemAlert error={download.error} /> : null}
      <Space>
        <Button onClick={() => download.mutate()} loading={download.isPending}>
          {t('rulingDownload')}
        </Button>
        {saved ? <Typography.Text>{t('downloaded', { name: saved })}</Typography.Text> : null}
      </Space>
    </Card>
  );
}

function CloseForm({ app }: { app: Application }) {
  const { t } = useLocale();
  const refresh = useRefresh(app.id);
  const close = useMutation({
    mutationFn: (v: { rulingNumber: string; issuedAt: string }) =>
      data(
        api().POST('/applications/{id}/closure', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { rulingNumber: v.rulingNumber.trim(), issuedAt: v.issuedAt },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <Card size="small" title={heading(t('closeTitle'))}>
      <Typography.Paragraph>{t('closeHint')}</Typography.Paragraph>
      <Form
        name="closure"
        layout="vertical"
        initialValues={{ rulingNumber: '', issuedAt: shanghaiToday() }}
        onFinish={(v: { rulingNumber: string; issuedAt: string }) => close.mutate(v)}
      >
        <Form.Item
          label={t('rulingNumber')}
          name="rulingNumber"
          rules={[{ required: true, whitespace: true, message: t('required') }]}
        >
          <Input maxLength={64} placeholder={t('rulingNumberPlaceholder')} />
        </Form.Item>
        <Form.Item label={t('issuedAt')} name="issuedAt" rules={[{ required: true, message: t('required') }]}>
          <Input type="date" />
        </Form.Item>
        {close.isError ? <ProblemAlert error={close.error} /> : null}
        <Button type="primary" htmlType="submit" loading={close.isPending}>
          {t('closeButton')}
        </Button>
      </Form>
    </Card>
  );
}

function amountRule(t: ReturnType<typeof useLocale>['t'], capFen: number) {
  return {
    validator(_: unknown, value: string | undefined) {
      if (!value) return Promise.reject(new Error(t('required')));
      const fen = fenOf(value);
      if (fen === undefined) return Promise.reject(new Error(t('amountFormat')));
      if (fen <= 0) return Promise.reject(new Error(t('amountPositive')));
      if (fen > capFen) return Promise.reject(new Error(t('amountOverCap', { cap: yuan(capFen) })));
      return Promise.resolve();
    },
  };
}

interface ResumeValues {
  reason: 'assets-found' | 'evasion';
  basis: string;
  amount: string;
  debtors?: string[];
}

/** 恢复执行: against the named debtor(s), on a ground, capped at the relief paid (shown). */
function ResumeForm({ app }: { app: Application }) {
  const { t, aside } = useLocale();
  const refresh = useRefresh(app.id);
  const cap = app.payout?.amountFen ?? app.reliefAmountFen;
  const debtors = app.debtors ?? [];
  const last = app.assetChecks?.at(-1);
  const resume = useMutation({
    mutationFn: (v: ResumeValues) =>
      data(
        api().POST('/applications/{id}/resumptions', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: {
            reason: v.reason,
            basis: v.basis.trim(),
            amountFen: fenOf(v.amount) ?? 0,
            ...(debtors.length > 0 ? { debtors: v.debtors ?? [] } : {}),
          },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <Card size="small" title={heading(t('resumeTitle'))} data-testid="resume-form">
      <Typography.Paragraph data-testid="resume-cap">
        {t('resumeCapNote', { cap: yuan(cap) })}
      </Typography.Paragraph>
      <Form
        name="resumption"
        layout="vertical"
        initialValues={{
          reason: last?.result === 'evasion-found' ? 'evasion' : 'assets-found',
          basis: '',
          amount: '',
          debtors: debtors.map((d) => d.idNumber),
        }}
        onFinish={(v: ResumeValues) => resume.mutate(v)}
      >
        {debtors.length > 0 ? (
          <Form.Item
            label={t('resumeDebtors')}
            name="debtors"
            // A validator, not `required`: antd would put aria-required on the group's <div>, which
            // has no role that allows it.
            rules={[
              {
                validator: (_, v: string[] | undefined) =>
                  (v ?? []).length > 0
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('resumeDebtorsRequired'))),
              },
            ]}
          >
            <Checkbox.Group
              role="group"
              aria-label={t('resumeDebtors')}
              options={debtors.map((d) => ({ value: d.idNumber, label: `${d.name}${aside(d.idNumber)}` }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item label={t('resumeReason')} name="reason">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'assets-found', label: t('resumeAssetsFound') },
              { value: 'evasion', label: t('resumeEvasion') },
            ]}
          />
        </Form.Item>
        <Form.Item
          label={t('resumeBasis')}
          name="basis"
          rules={[{ required: true, whitespace: true, message: t('required') }]}
        >
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Form.Item
          label={t('resumeAmount')}
          name="amount"
          extra={t('amountCap', { cap: yuan(cap) })}
          rules={[amountRule(t, cap)]}
        >
          <Input inputMode="decimal" />
        </Form.Item>
        {resume.isError ? <ProblemAlert error={resume.error} /> : null}
        <Button type="primary" danger htmlType="submit" loading={resume.isPending}>
          {t('resumeButton')}
        </Button>
      </Form>
    </Card>
  );
}

function RecoveryForm({ app }: { app: Application }) {
  const { t } = useLocale();
  const refresh = useRefresh(app.id);
  const cap = (app.payout?.amountFen ?? app.reliefAmountFen) - (app.recoveredFen ?? 0);
  const record = useMutation({
    mutationFn: (v: { amount: string; receivedAt: string; reference: string }) =>
      data(
        api().POST('/applications/{id}/recoveries', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { amountFen: fenOf(v.amount) ?? 0, receivedAt: v.receivedAt, reference: v.reference.trim() },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <Card size="small" title={heading(t('recoveryTitle'))}>
      <Typography.Paragraph>
        {t('recoveredSoFar', { amount: yuan(app.recoveredFen ?? 0), remaining: yuan(cap) })}
      </Typography.Paragraph>
      <Form
        name="recovery"
        layout="vertical"
        initialValues={{ amount: '', receivedAt: shanghaiToday(), reference: '' }}
        onFinish={(v: { amount: string; receivedAt: string; reference: string }) => record.mutate(v)}
      >
        <Form.Item label={t('recoveryAmount')} name="amount" rules={[amountRule(t, cap)]}>
          <Input inputMode="decimal" />
        </Form.Item>
        <Form.Item
          label={t('recoveryReceivedAt')}
          name="receivedAt"
          rules={[{ required: true, message: t('required') }]}
        >
          <Input type="date" />
        </Form.Item>
        <Form.Item
          label={t('recoveryReference')}
          name="reference"
          rules={[{ required: true, whitespace: true, message: t('required') }]}
        >
          <Input maxLength={128} />
        </Form.Item>
        {record.isError ? <ProblemAlert error={record.error} /> : null}
        <Button type="primary" htmlType="submit" loading={record.isPending}>
          {t('recoveryButton')}
        </Button>
      </Form>
    </Card>
  );
}

/** After payout: the ruling, and for the executing court's clerk closure, resumption and recoveries. */
export function AfterPayout({ app, clerk }: { app: Application; clerk: boolean }) {
  const { t } = useLocale();
  if (!RULED.includes(app.status)) return null;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      {app.closure ? (
        <Card size="small" title={heading(t('closedTitle'))}>
          <Descriptions
            bordered
            size="small"
            column={{ xs: 1, md: 2 }}
            items={[
              { key: 'number', label: t('rulingNumber'), children: app.closure.rulingNumber },
              { key: 'issued', label: t('issuedAt'), children: app.closure.issuedAt.slice(0, 10) },
              { key: 'reason', label: t('closingReason'), children: app.closure.closingReason, span: 2 },
              {
                key: 'restrictions',
                label: t('restrictionsLifted'),
                children: app.closure.restrictionsLifted ? t('yes') : t('no'),
              },
              { key: 'closedAt', label: t('closedAt'), children: shanghaiTime(app.closure.closedAt) },
              ...(app.resumption
                ? [
                    {
                      key: 'resumed',
                      label: t('resumeTitle'),
                      children: `${app.resumption.reason === 'assets-found' ? t('resumeAssetsFound') : t('resumeEvasion')} · ${yuan(app.resumption.amountFen)} · ${shanghaiTime(app.resumption.at)}`,
                      span: 2,
                    },
                    ...(app.resumption.debtors && app.resumption.debtors.length > 0
                      ? [
                          {
                            key: 'resumedAgainst',
                            label: t('resumeDebtors'),
                            children: app.resumption.debtors.join(t('listSeparator')),
                            span: 2,
                          },
                        ]
                      : []),
                    { key: 'basis', label: t('resumeBasis'), children: app.resumption.basis, span: 2 },
                    { key: 'recovered', label: t('recoveredTotal'), children: yuan(app.recoveredFen ?? 0) },
                  ]
                : []),
            ]}
          />
        </Card>
      ) : null}
      <AfterClosure app={app} clerk={clerk} />
      <Ruling app={app} />
      {clerk && app.status === 'paid' ? <CloseForm app={app} /> : null}
      {clerk && app.status === 'closed' ? <ResumeForm app={app} /> : null}
      {clerk && app.status === 'resumed' ? <RecoveryForm app={app} /> : null}
      {!clerk && app.status === 'paid' ? <Alert type="info" showIcon title={t('closeByClerk')} /> : null}
    </Space>
  );
}
