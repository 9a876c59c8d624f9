import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Radio,
  Space,
  Steps,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { useParams } from 'react-router-dom';
import { type Application, type AuditEntry, api, data, newIdempotencyKey, unwrap } from '../api/client.ts';
import { courtName, useCampaigns, useCourt, useCourts } from '../api/queries.ts';
import { ROLE_KEYS } from '../auth/roles.ts';
import { hasRole } from '../auth/session.ts';
import { useSession } from '../auth/use-session.ts';
import { ReturnRequest, RouteSoFar } from '../components/ApprovalHistory.tsx';
import { AfterPayout } from '../components/Closure.tsx';
import { Materials } from '../components/Materials.tsx';
import { itemMessage, ProblemAlert } from '../components/ProblemAlert.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { actionLabel, categoryLabel, statusLabel } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { shanghaiTime, yuan } from '../lib/format.ts';

const MOVING: readonly string[] = ['pending_approval', 'awaiting_payout'];

function CourtLabel({ code }: { code: string | null | undefined }) {
  const court = useCourt(code);
  return <>{courtName(court.data, code)}</>;
}

function RouteSteps({ app }: { app: Application }) {
  const waiting = app.pendingAt ? app.route.indexOf(app.pendingAt) : -1;
  const done = !['draft', 'returned', 'pending_approval', 'rejected'].includes(app.status);
  return (
    <Steps
      size="small"
      current={done ? app.route.length : Math.max(waiting, 0)}
      status={app.status === 'rejected' ? 'error' : done ? 'finish' : waiting >= 0 ? 'process' : 'wait'}
      items={app.route.map((code) => ({ key: code, title: <CourtLabel code={code} /> }))}
    />
  );
}

function Facts({ app }: { app: Application }) {
  const { t, lang, aside } = useLocale();
  const campaigns = useCampaigns();
  const yn = (v: boolean) => (v ? t('yes') : t('no'));
  return (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, md: 2 }}
      items={[
        { key: 'court', label: t('executingCourt'), children: <CourtLabel code={app.courtCode} /> },
        {
          key: 'campaign',
          label: t('campaign'),
          children: campaigns.data?.items.find((c) => c.id === app.campaignId)?.name ?? app.campaignId,
        },
        { key: 'case', label: t('caseNumber'), children: app.case.caseNumber },
        {
          key: 'category',
          label: t('category'),
          children: `${categoryLabel(app.case.category, lang)}${app.case.categoryReason ? aside(app.case.categoryReason) : ''}`,
        },
        {
          key: 'kind',
          label: t('kind'),
          children: app.case.kind === 'enforcement' ? t('kindEnforcement') : t('kindPreservation'),
        },
        { key: 'concluded', label: t('concluded'), children: yn(app.case.concluded) },
        { key: 'claim', label: t('claimAmount'), children: yuan(app.case.claimAmountFen) },
        { key: 'relief', label: t('reliefAmount'), children: <strong>{yuan(app.reliefAmountFen)}</strong> },
        {
          key: 'termination',
          label: t('terminationMet'),
          children: `${yn(app.case.terminationConditions.met)}${app.case.terminationConditions.basis ? ` · ${app.case.terminationConditions.basis}` : ''}`,
          span: 2,
        },
        ...(app.case.filedAt
          ? [{ key: 'filedAt', label: t('filedAt'), children: app.case.filedAt.slice(0, 10) }]
          : []),
        ...(app.debtors && app.debtors.length > 0
          ? [
              {
                key: 'debtors',
                label: t('sectionDebtors'),
                span: 2,
                children: (
                  <span data-testid="debtors-facts">
                    {app.debtors
                      .map(
                        (d) =>
                          `${d.name}${aside(`${d.kind === 'legal' ? t('debtorLegal') : t('debtorNatural')}${lang === 'zh' ? '，' : ', '}${d.idNumber}`)}`,
                      )
                      .join(lang === 'zh' ? '；' : '; ')}
                  </span>
                ),
              },
            ]
          : []),
        { key: 'name', label: t('applicantName'), children: app.applicant.name },
        {
          key: 'id',
          label: `${t('idNumber')}${aside(app.applicant.idType === 'resident-id' ? t('idTypeResident') : t('idTypeOther'))}`,
          // As the API sent it: masked unless the reader is a clerk of the executing court.
          children: <span data-testid="applicant-id-number">{app.applicant.idNumber}</span>,
        },
        ...(app.applicant.phone ? [{ key: 'phone', label: t('phone'), children: app.applicant.phone }] : []),
        { key: 'hardship', label: t('hardship'), children: app.hardship.statement, span: 2 },
        { key: 'consent', label: t('consent'), children: yn(app.consentToTermination) },
        { key: 'prior', label: t('priorRelief'), children: yn(app.priorJudicialRelief) },
        ...(app.specialCircumstance
          ? [{ key: 'special', label: t('specialReason'), children: app.specialCircumstance.reason, span: 2 }]
          : []),
        { key: 'bank', label: t('bankName'), children: app.bankAccount.bankName },
        { key: 'holder', label: t('holderName'), children: app.bankAccount.holderName },
        {
          key: 'account',
          label: t('accountNumber'),
          children: <span data-testid="account-number">{app.bankAccount.accountNumber}</span>,
        },
        { key: 'holderId', label: t('holderIdNumber'), children: app.bankAccount.holderIdNumber },
        { key: 'createdAt', label: t('createdAt'), children: shanghaiTime(app.createdAt) },
        { key: 'updatedAt', label: t('updatedAt'), children: shanghaiTime(app.updatedAt) },
        { key: 'createdBy', label: t('createdBy'), children: app.createdBy },
      ]}
    />
  );
}

function SubmitPanel({ app }: { app: Application }) {
  const { t } = useLocale();
  const session = useSession();
  const queryClient = useQueryClient();
  const submit = useMutation({
    mutationFn: (form: { reviewOpinion: string; reviewedBy: string }) =>
      data(
        api().POST('/applications/{id}/submit', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { approvalForm: form },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['application', app.id] });
    },
  });
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('submitTitle')}</h2>} size="small">
      <Form
        name="submit"
        layout="vertical"
        initialValues={{ reviewedBy: session?.sub ?? '' }}
        onFinish={(v: { reviewOpinion: string; reviewedBy: string }) => submit.mutate(v)}
      >
        <Form.Item
          label={t('reviewOpinion')}
          name="reviewOpinion"
          rules={[{ required: true, whitespace: true, message: t('required') }]}
        >
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
        <Form.Item
          label={t('reviewedBy')}
          name="reviewedBy"
          rules={[{ required: true, whitespace: true, message: t('required') }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        {submit.isError ? <ProblemAlert error={submit.error} /> : null}
        <Button type="primary" htmlType="submit" loading={submit.isPending} style={{ marginTop: 8 }}>
          {t('submitButton')}
        </Button>
      </Form>
    </Card>
  );
}

function DecisionPanel({ app }: { app: Application }) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ decision: 'approve' | 'reject' | 'return'; comment: string }>();
  const decision = Form.useWatch('decision', form);
  const decide = useMutation({
    mutationFn: (v: { decision: 'approve' | 'reject' | 'return'; comment?: string }) =>
      data(
        api().POST('/applications/{id}/decisions', {
          params: { path: { id: app.id } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { decision: v.decision, comment: v.comment ?? '' },
        }),
      ),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['application', app.id] });
    },
  });
  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('decisionTitle')}</h2>} size="small">
      <Typography.Paragraph>
        {t('decisionWaitsHere')} {t('returnRejectFirst')}
      </Typography.Paragraph>
      <Form
        form={form}
        name="decision"
        layout="vertical"
        initialValues={{ decision: 'approve', comment: '' }}
        onFinish={(v) => decide.mutate(v)}
      >
        <Form.Item label={t('decision')} name="decision">
          <Radio.Group
            optionType="button"
            options={[
              { value: 'approve', label: t('approve') },
              { value: 'reject', label: t('reject') },
              { value: 'return', label: t('return') },
            ]}
          />
        </Form.Item>
        <Form.Item
          label={t('comment')}
          name="comment"
          rules={[
            {
              required: decision !== 'approve',
              whitespace: true,
              message: t('commentRequired'),
            },
          ]}
        >
          <Input.TextArea rows={3} maxLength={4000} />
        </Form.Item>
        {decide.isError ? <ProblemAlert error={decide.error} /> : null}
        <Button
          type="primary"
          danger={decision === 'reject'}
          htmlType="submit"
          loading={decide.isPending}
          style={{ marginTop: 8 }}
        >
          {t('decide')}
        </Button>
      </Form>
    </Card>
  );
}

function AuditTrail({ entries, chain }: { entries: AuditEntry[]; chain: string | null }) {
  const { t, lang } = useLocale();
  const broken = chain?.match(/^broken; seq=(\d+); reason=(.+)$/);
  const courts = useCourts([...new Set(entries.map((e) => e.actor.court))]);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {chain === 'valid' ? (
        <Tag color="#237804" data-audit-chain="valid">
          {t('auditValid')}
        </Tag>
      ) : broken ? (
        <Tag color="#a8071a" data-audit-chain="broken">
          {t('auditBroken', { seq: broken[1] ?? '', reason: broken[2] ?? '' })}
        </Tag>
      ) : (
        <Tag data-audit-chain="unknown">{t('auditUnknown')}</Tag>
      )}
      <Timeline
        items={entries.map((e) => ({
          // Each document has its own chain (and seq numbers): the key names the chain too.
          key: `${e.documentId ?? ''}#${e.seq}`,
          color: e.action.startsWith('decision.reject') || e.action.includes('declined') ? 'red' : 'blue',
          title: <time dateTime={e.at}>{t('auditAt', { time: shanghaiTime(e.at) })}</time>,
          content: (
            <div data-audit-action={e.action}>
              <Typography.Text strong>{actionLabel(e.action, lang)}</Typography.Text>
              {e.fromStatus !== e.toStatus && e.toStatus ? (
                <Typography.Text>
                  {' '}
                  · {e.fromStatus ? `${statusLabel(e.fromStatus, lang)} → ` : ''}
                  {statusLabel(e.toStatus, lang)}
                </Typography.Text>
              ) : null}
              <div>
                <Typography.Text>
                  {e.actor.roles.length > 0
                    ? t('auditActor', {
                        sub: e.actor.sub,
                        court: courtName(courts.get(e.actor.court), e.actor.court),
                        roles: e.actor.roles
                          .map((r) => (r in ROLE_KEYS ? t(ROLE_KEYS[r as keyof typeof ROLE_KEYS]) : r))
                          .join(t('listSeparator')),
                      })
                    : t('auditSystem', {
                        sub: e.actor.sub,
                        court: courtName(courts.get(e.actor.court), e.actor.court),
                      })}
                </Typography.Text>
              </div>
              {typeof e.detail.comment === 'string' && e.detail.comment ? (
                <div>
                  <Typography.Text>“{e.detail.comment}”</Typography.Text>
                </div>
              ) : null}
            </div>
          ),
        }))}
      />
    </Space>
  );
}

export default function ApplicationPage() {
  const { id = '' } = useParams();
  const { t, lang, problem } = useLocale();
  const session = useSession();

  const app = useQuery({
    queryKey: ['application', id],
    queryFn: () => data(api().GET('/applications/{id}', { params: { path: { id } } })),
    // While it moves through approval and payout, keep it current (the insurer pays asynchronously).
    refetchInterval: (q) => (MOVING.includes(q.state.data?.status ?? '') ? 1500 : false),
  });
  const docs = useQuery({
    queryKey: ['documents', id],
    enabled: app.isSuccess,
    queryFn: () => data(api().GET('/applications/{id}/documents', { params: { path: { id } } })),
    refetchInterval: (q) => (q.state.data?.items.some((d) => d.status === 'pending') ? 1000 : false),
  });
  const uploaded = docs.data?.items.filter((d) => d.status !== 'pending').length ?? 0;
  const audit = useQuery({
    queryKey: ['audit', id, app.data?.version, app.data?.status, uploaded],
    enabled: app.isSuccess,
    placeholderData: (previous) => previous,
    queryFn: async () => {
      const { data: entries, response } = await unwrap(
        api().GET('/applications/{id}/audit', { params: { path: { id } } }),
      );
      return { entries, chain: response.headers.get('audit-chain') };
    },
  });

  if (app.isPending) return <div role="status">{t('loading')}</div>;
  if (app.isError) {
    return (
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('navApplications')}
        </Typography.Title>
        <ProblemAlert error={app.error} />
      </Space>
    );
  }
  const a = app.data;
  const editable =
    hasRole(session, 'clerk') && session?.court === a.courtCode && ['draft', 'returned'].includes(a.status);
  const decides =
    hasRole(session, 'approver') && a.status === 'pending_approval' && a.pendingAt === session?.court;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('appTitleOf', { caseNumber: a.case.caseNumber })}
        </Typography.Title>
        <StatusTag status={a.status} />
      </Space>
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('route')}</h2>}>
        <RouteSteps app={a} />
        {a.pendingAt ? (
          <Typography.Paragraph style={{ marginTop: 12, marginBottom: 0 }}>
            {t('pendingAt')}: <CourtLabel code={a.pendingAt} />
          </Typography.Paragraph>
        ) : null}
        <h3 style={{ fontSize: 14, margin: '16px 0 8px' }}>{t('routeSoFar')}</h3>
        {audit.data ? <RouteSoFar entries={audit.data.entries} /> : null}
      </Card>
      {a.status === 'returned' && audit.data ? (
        <ReturnRequest entries={audit.data.entries} docs={docs.data?.items ?? []} />
      ) : null}
      {decides ? <DecisionPanel app={a} /> : null}
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('facts')}</h2>}>
        <Facts app={a} />
        <div style={{ marginTop: 12 }}>
          {a.eligibility.eligible ? (
            <Alert type="success" showIcon title={t('eligible')} />
          ) : (
            <Alert
              type="error"
              showIcon
              title={t('eligibilityNow')}
              description={
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {a.eligibility.failures.map((f) => (
                    <li key={`${f.code}:${f.path}`}>{itemMessage(f, lang, problem)}</li>
                  ))}
                </ul>
              }
            />
          )}
        </div>
      </Card>
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('documents')}</h2>}>
        {docs.isError ? <ProblemAlert error={docs.error} /> : null}
        <Materials
          applicationId={a.id}
          docs={docs.data?.items ?? []}
          editable={editable}
          reviewable={editable || decides}
        />
      </Card>
      {editable ? <SubmitPanel app={a} /> : null}
      <AfterPayout app={a} clerk={hasRole(session, 'clerk') && session?.court === a.courtCode} />
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('audit')}</h2>}>
        {audit.isError ? <ProblemAlert error={audit.error} /> : null}
        {audit.data ? <AuditTrail entries={audit.data.entries} chain={audit.data.chain} /> : null}
      </Card>
    </Space>
  );
}
