import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Radio, Select, Space, Table, Tag, Typography } from 'antd';
import { type Application, api, data, newIdempotencyKey } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { shanghaiTime, shanghaiToday } from '../lib/format.ts';
import { MEASURE_LABELS } from './DebtorAndTermination.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

/**
 * The relief-closed case (后续管理, notice 三(一)1-2): the measures that stay in force, the asset-check
 * schedule (终本规定 Art. 9 by analogy) with the form to record a check, and — when a check found assets
 * or evasion — the prompt to resume enforcement or record why not.
 */

type AssetCheck = NonNullable<Application['assetChecks']>[number];
type Measure = NonNullable<Application['case']['measures']>[number];

export const METHOD_LABELS: Record<AssetCheck['method'], MessageKey> = {
  'network-inquiry': 'checkNetwork',
  'field-investigation': 'checkField',
  'lead-from-applicant': 'checkLead',
};
export const RESULT_LABELS: Record<AssetCheck['result'], MessageKey> = {
  'none-found': 'checkNoneFound',
  'assets-found': 'checkAssetsFound',
  'evasion-found': 'checkEvasionFound',
};

const heading = (text: string) => <h2 style={{ fontSize: 16, margin: 0 }}>{text}</h2>;

function useRefresh(id: string) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['application', id] });
}

/** A due date in words: overdue (past, Beijing time) or due, never only by colour. */
export function DueTag({ due, overdue }: { due: string; overdue?: boolean }) {
  const { t } = useLocale();
  const late = overdue ?? due < shanghaiToday();
  return (
    <Tag color={late ? '#a8071a' : '#0958d9'} data-overdue={late ? 'true' : 'false'}>
      {late ? t('checkOverdue', { date: due }) : t('checkDueOn', { date: due })}
    </Tag>
  );
}

/** 限制消费和财产控制措施: what stays in force, what was lifted, and (clerk) a request to lift one. */
function MeasuresPanel({ app, clerk }: { app: Application; clerk: boolean }) {
  const { t } = useLocale();
  const refresh = useRefresh(app.id);
  const inForce: Measure[] = app.closure?.measuresInForce ?? app.case.measures ?? [];
  const lifted = app.liftedMeasures ?? [];
  const [form] = Form.useForm<{ reference: string; basis: string }>();
  const lift = useMutation({
    mutationFn: (v: { reference: string; basis: string }) =>
      data(
        api().POST('/applications/{id}/measure-liftings', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { reference: v.reference, basis: v.basis.trim() },
        }),
      ),
    onSuccess: async () => {
      form.resetFields();
      await refresh();
    },
  });
  return (
    <Card size="small" title={heading(t('measuresInForceTitle'))} data-testid="measures-in-force">
      <Typography.Paragraph>
        {app.restrictionsLifted ? t('restrictionsAllLifted') : t('measuresStayNote')}
      </Typography.Paragraph>
      <Table<Measure>
        rowKey="reference"
        size="small"
        pagination={false}
        dataSource={inForce}
        locale={{ emptyText: t('noMeasures') }}
        columns={[
          { title: t('measureKind'), key: 'kind', render: (_, m) => t(MEASURE_LABELS[m.kind]) },
          { title: t('measureReference'), key: 'reference', dataIndex: 'reference' },
          { title: t('measureSince'), key: 'since', render: (_, m) => m.since.slice(0, 10) },
        ]}
      />
      {lifted.length > 0 ? (
        <>
          <Typography.Paragraph strong style={{ marginTop: 12 }}>
            {t('measuresLifted')}
          </Typography.Paragraph>
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {lifted.map((l) => (
              <li key={l.reference}>
                {l.reference} · {shanghaiTime(l.liftedAt)} · {l.basis}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {clerk && inForce.length > 0 ? (
        <Form
          form={form}
          name="measure-lifting"
          layout="vertical"
          style={{ marginTop: 12 }}
          onFinish={(v) => lift.mutate(v)}
        >
          <Form.Item
            label={t('liftMeasure')}
            name="reference"
            rules={[{ required: true, message: t('required') }]}
          >
            <Select
              options={inForce.map((m) => ({
                value: m.reference,
                label: `${t(MEASURE_LABELS[m.kind])} · ${m.reference}`,
              }))}
            />
          </Form.Item>
          <Form.Item
            label={t('liftBasis')}
            name="basis"
            rules={[{ required: true, whitespace: true, message: t('required') }]}
          >
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
          {lift.isError ? <ProblemAlert error={lift.error} /> : null}
          <Button htmlType="submit" loading={lift.isPending} style={{ marginTop: 8 }}>
            {t('liftButton')}
          </Button>
        </Form>
      ) : null}
    </Card>
  );
}

interface CheckForm {
  checkedAt: string;
  method: AssetCheck['method'];
  result: AssetCheck['result'];
  detail: string;
  applicantNotifiedAt?: string;
}

/** 财产查询: the schedule, the checks so far, and (clerk) the form to record one. */
function AssetChecksPanel({ app, clerk }: { app: Application; clerk: boolean }) {
  const { t } = useLocale();
  const refresh = useRefresh(app.id);
  const [form] = Form.useForm<CheckForm>();
  const record = useMutation({
    mutationFn: (v: CheckForm) =>
      data(
        api().POST('/applications/{id}/asset-checks', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: {
            checkedAt: v.checkedAt,
            method: v.method,
            result: v.result,
            detail: v.detail.trim(),
            ...(v.applicantNotifiedAt ? { applicantNotifiedAt: v.applicantNotifiedAt } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      form.resetFields();
      await refresh();
    },
  });
  const checks = [...(app.assetChecks ?? [])].reverse();
  return (
    <Card size="small" title={heading(t('assetChecksTitle'))} data-testid="asset-checks">
      <Typography.Paragraph data-testid="next-asset-check">
        {app.nextAssetCheckDue ? (
          <>
            {t('nextCheckDue')} <DueTag due={app.nextAssetCheckDue} />
          </>
        ) : (
          t('noCheckDue')
        )}
      </Typography.Paragraph>
      <Table<AssetCheck>
        rowKey={(c) => `${c.checkedAt}:${c.method}`}
        size="small"
        pagination={false}
        dataSource={checks}
        locale={{ emptyText: t('noChecks') }}
        columns={[
          { title: t('checkedAt'), key: 'at', render: (_, c) => c.checkedAt.slice(0, 10) },
          { title: t('checkMethod'), key: 'method', render: (_, c) => t(METHOD_LABELS[c.method]) },
          {
            title: t('checkResult'),
            key: 'result',
            render: (_, c) => <span data-check-result={c.result}>{t(RESULT_LABELS[c.result])}</span>,
          },
          { title: t('checkDetail'), key: 'detail', dataIndex: 'detail' },
          {
            title: t('applicantNotifiedAt'),
            key: 'notified',
            render: (_, c) => c.applicantNotifiedAt?.slice(0, 10) ?? t('notYet'),
          },
        ]}
      />
      {clerk ? (
        <Form<CheckForm>
          form={form}
          name="asset-check"
          layout="vertical"
          style={{ marginTop: 12 }}
          initialValues={{ checkedAt: shanghaiToday(), method: 'network-inquiry', result: 'none-found' }}
          onFinish={(v) => record.mutate(v)}
        >
          <Typography.Paragraph strong>{t('recordCheck')}</Typography.Paragraph>
          <Space wrap align="start">
            <Form.Item
              label={t('checkedAt')}
              name="checkedAt"
              rules={[{ required: true, message: t('required') }]}
            >
              <Input type="date" />
            </Form.Item>
            <Form.Item label={t('checkMethod')} name="method">
              <Select
                style={{ minWidth: 200 }}
                options={Object.entries(METHOD_LABELS).map(([value, key]) => ({ value, label: t(key) }))}
              />
            </Form.Item>
            <Form.Item label={t('applicantNotifiedAt')} name="applicantNotifiedAt">
              <Input type="date" />
            </Form.Item>
          </Space>
          <Form.Item label={t('checkResult')} name="result">
            <Radio.Group
              optionType="button"
              options={Object.entries(RESULT_LABELS).map(([value, key]) => ({ value, label: t(key) }))}
            />
          </Form.Item>
          <Form.Item
            label={t('checkDetail')}
            name="detail"
            rules={[{ required: true, whitespace: true, message: t('required') }]}
          >
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
          {record.isError ? <ProblemAlert error={record.error} /> : null}
          <Button type="primary" htmlType="submit" loading={record.isPending}>
            {t('recordCheckButton')}
          </Button>
        </Form>
      ) : null}
    </Card>
  );
}

/** 不予恢复执行: why enforcement is not resumed although a check prompted it. */
function DismissForm({ app }: { app: Application }) {
  const { t } = useLocale();
  const refresh = useRefresh(app.id);
  const dismiss = useMutation({
    mutationFn: (v: { reason: string }) =>
      data(
        api().POST('/applications/{id}/resumption-dismissals', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { reason: v.reason.trim() },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <Form
      name="resumption-dismissal"
      layout="vertical"
      onFinish={(v: { reason: string }) => dismiss.mutate(v)}
      style={{ marginTop: 8 }}
    >
      <Form.Item
        label={t('dismissReason')}
        name="reason"
        rules={[{ required: true, whitespace: true, message: t('required') }]}
      >
        <Input.TextArea rows={2} maxLength={4000} />
      </Form.Item>
      {dismiss.isError ? <ProblemAlert error={dismiss.error} /> : null}
      <Button htmlType="submit" loading={dismiss.isPending}>
        {t('dismissButton')}
      </Button>
    </Form>
  );
}

/** The prompt a check that found assets or evasion leaves until a resumption or a dismissal is recorded. */
export function ResumptionDuePanel({ app, clerk }: { app: Application; clerk: boolean }) {
  const { t } = useLocale();
  const dismissals = app.resumptionDismissals ?? [];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {app.resumptionDue ? (
        <Alert
          type="warning"
          showIcon
          data-testid="resumption-due"
          title={t('resumptionDueTitle')}
          description={
            <>
              <div>{clerk ? t('resumptionDueClerk') : t('resumptionDueOthers')}</div>
              {clerk ? <DismissForm app={app} /> : null}
            </>
          }
        />
      ) : null}
      {dismissals.length > 0 ? (
        <Card size="small" title={heading(t('dismissalsTitle'))}>
          <ul style={{ margin: 0, paddingInlineStart: 20 }}>
            {dismissals.map((d) => (
              <li key={d.dismissedAt}>
                {shanghaiTime(d.dismissedAt)} · {d.reason}
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </Space>
  );
}

/** Everything after closure that is not the ruling, the resumption or the recoveries. */
export function AfterClosure({ app, clerk }: { app: Application; clerk: boolean }) {
  if (app.status !== 'closed' && app.status !== 'resumed') return null;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <ResumptionDuePanel app={app} clerk={clerk} />
      <AssetChecksPanel app={app} clerk={clerk} />
      <MeasuresPanel app={app} clerk={clerk} />
    </Space>
  );
}
