import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Form, Input, Row, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { api, type Campaign, newIdempotencyKey, unwrap } from '../api/client.ts';
import { useCampaigns } from '../api/queries.ts';
import { hasRole } from '../auth/session.ts';
import { useSession } from '../auth/use-session.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { fenOf, yuan } from '../lib/format.ts';

interface Values {
  id: string;
  name: string;
  preparationStart: string;
  preparationEnd: string;
  handlingStart: string;
  handlingEnd: string;
  reportDue: string;
  standardLimit: string;
  specialLimit: string;
}

/** Campaign times are stored in Beijing time (+08:00): the first ten characters are the Beijing date. */
const day = (iso: string) => iso.slice(0, 10);

function valuesOf(c: Campaign): Values {
  return {
    id: c.id,
    name: c.name,
    preparationStart: day(c.preparation.start),
    preparationEnd: day(c.preparation.end),
    handlingStart: day(c.handling.start),
    handlingEnd: day(c.handling.end),
    reportDue: day(c.reportDue),
    standardLimit: (c.standardLimitFen / 100).toFixed(2),
    specialLimit: (c.specialLimitFen / 100).toFixed(2),
  };
}

function bodyOf(v: Values) {
  return {
    name: v.name.trim(),
    preparation: { start: v.preparationStart, end: v.preparationEnd },
    handling: { start: v.handlingStart, end: v.handlingEnd },
    reportDue: v.reportDue,
    standardLimitFen: fenOf(v.standardLimit) ?? 0,
    specialLimitFen: fenOf(v.specialLimit) ?? 0,
  };
}

/** Only what changed, as PATCH wants it (a window is sent whole when either end changed). */
function changesOf(before: Values, after: Values) {
  const b = bodyOf(before);
  const a = bodyOf(after);
  const out: Partial<ReturnType<typeof bodyOf>> = {};
  if (a.name !== b.name) out.name = a.name;
  if (JSON.stringify(a.preparation) !== JSON.stringify(b.preparation)) out.preparation = a.preparation;
  if (JSON.stringify(a.handling) !== JSON.stringify(b.handling)) out.handling = a.handling;
  if (a.reportDue !== b.reportDue) out.reportDue = a.reportDue;
  if (a.standardLimitFen !== b.standardLimitFen) out.standardLimitFen = a.standardLimitFen;
  if (a.specialLimitFen !== b.specialLimitFen) out.specialLimitFen = a.specialLimitFen;
  return out;
}

function CampaignForm({ editing, onDone }: { editing: Campaign | null; onDone: () => void }) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const [nothing, setNothing] = useState(false);
  const save = useMutation({
    mutationFn: async (v: Values) => {
      if (!editing) {
        return (
          await unwrap(
            api().POST('/campaigns', {
              headers: { 'Idempotency-Key': newIdempotencyKey() },
              body: { id: v.id.trim(), ...bodyOf(v) },
            }),
          )
        ).data;
      }
      // If-Match: the ETag of the campaign as the SPC last saved it, read now (a consistent read).
      const current = await unwrap(
        api().GET('/campaigns/{campaignId}', { params: { path: { campaignId: editing.id } } }),
      );
      const changes = changesOf(valuesOf(editing), v);
      if (Object.keys(changes).length === 0) return null;
      return (
        await unwrap(
          api().PATCH('/campaigns/{campaignId}', {
            params: {
              path: { campaignId: editing.id },
              header: { 'If-Match': current.response.headers.get('etag') ?? '' },
            },
            headers: { 'Idempotency-Key': newIdempotencyKey() },
            body: changes,
          }),
        )
      ).data;
    },
    onSuccess: async (saved) => {
      setNothing(saved === null);
      if (saved === null) return;
      await queryClient.invalidateQueries({ queryKey: ['campaigns'] });
      onDone();
    },
  });
  const required = [{ required: true, whitespace: true, message: t('required') }];
  const amount = [
    {
      validator(_: unknown, value: string | undefined) {
        if (!value) return Promise.reject(new Error(t('required')));
        const fen = fenOf(value);
        if (fen === undefined) return Promise.reject(new Error(t('amountFormat')));
        return fen > 0 ? Promise.resolve() : Promise.reject(new Error(t('amountPositive')));
      },
    },
  ];
  const date = (name: keyof Values, label: string) => (
    <Col xs={24} md={8}>
      <Form.Item label={label} name={name} rules={required}>
        <Input type="date" />
      </Form.Item>
    </Col>
  );
  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{editing ? t('editCampaign') : t('newCampaign')}</h2>}
    >
      <Form<Values>
        name="campaign"
        layout="vertical"
        key={editing?.id ?? 'new'}
        initialValues={
          editing
            ? valuesOf(editing)
            : {
                id: '',
                name: '',
                preparationStart: '',
                preparationEnd: '',
                handlingStart: '',
                handlingEnd: '',
                reportDue: '',
                standardLimit: '50000',
                specialLimit: '100000',
              }
        }
        onFinish={(v) => {
          setNothing(false);
          save.mutate(v);
        }}
      >
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item
              label={t('campaignId')}
              name="id"
              extra={t('campaignIdHelp')}
              rules={editing ? [] : required}
            >
              <Input disabled={Boolean(editing)} maxLength={64} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item label={t('campaignName')} name="name" rules={required}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          {date('preparationStart', t('preparationStart'))}
          {date('preparationEnd', t('preparationEnd'))}
          <Col xs={0} md={8} />
          {date('handlingStart', t('handlingStart'))}
          {date('handlingEnd', t('handlingEnd'))}
          {date('reportDue', t('reportDue'))}
          <Col xs={24} md={8}>
            <Form.Item label={t('standardLimit')} name="standardLimit" rules={amount}>
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label={t('specialLimit')} name="specialLimit" rules={amount}>
              <Input inputMode="decimal" />
            </Form.Item>
          </Col>
        </Row>
        {save.isError ? <ProblemAlert error={save.error} /> : null}
        {nothing ? <Alert type="info" showIcon title={t('nothingChanged')} /> : null}
        <Space style={{ marginTop: 8 }}>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('save')}
          </Button>
          <Button onClick={onDone}>{t('cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

export default function CampaignsPage() {
  const { t } = useLocale();
  const session = useSession();
  const spc = hasRole(session, 'spc-admin') && session?.court === 'SPC';
  const campaigns = useCampaigns();
  const [form, setForm] = useState<{ editing: Campaign | null } | null>(null);
  const [saved, setSaved] = useState(false);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('campaignsTitle')}
        </Typography.Title>
        {spc ? (
          <Button type="primary" onClick={() => setForm({ editing: null })}>
            {t('newCampaign')}
          </Button>
        ) : null}
      </Space>
      {saved ? <Alert type="success" showIcon role="status" title={t('campaignSaved')} /> : null}
      {form && spc ? (
        <CampaignForm
          editing={form.editing}
          onDone={() => {
            setSaved(true);
            setForm(null);
          }}
        />
      ) : null}
      {campaigns.isError ? <ProblemAlert error={campaigns.error} /> : null}
      <Table<Campaign>
        rowKey="id"
        size="small"
        loading={campaigns.isPending}
        dataSource={campaigns.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(c) => ({ 'data-campaign': c.id }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'name', title: t('campaignName'), dataIndex: 'name' },
          { key: 'id', title: t('campaignId'), dataIndex: 'id' },
          {
            key: 'preparation',
            title: t('preparation'),
            render: (_, c) => `${day(c.preparation.start)} ~ ${day(c.preparation.end)}`,
          },
          {
            key: 'handling',
            title: t('handling'),
            render: (_, c) => `${day(c.handling.start)} ~ ${day(c.handling.end)}`,
          },
          { key: 'due', title: t('reportDue'), render: (_, c) => day(c.reportDue) },
          {
            key: 'limits',
            title: t('limits'),
            align: 'right',
            render: (_, c) => `${yuan(c.standardLimitFen)} / ${yuan(c.specialLimitFen)}`,
          },
          ...(spc
            ? [
                {
                  key: 'edit',
                  title: t('actions'),
                  render: (_: unknown, c: Campaign) => (
                    <Button
                      size="small"
                      aria-label={`${t('edit')} ${c.name}`}
                      onClick={() => {
                        setSaved(false);
                        setForm({ editing: c });
                      }}
                    >
                      {t('edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}
