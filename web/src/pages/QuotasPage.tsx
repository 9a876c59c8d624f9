import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, data, newIdempotencyKey, type Schemas } from '../api/client.ts';
import { courtName, useHighCourts } from '../api/queries.ts';
import { hasRole } from '../auth/session.ts';
import { useSession } from '../auth/use-session.ts';
import { BarChart } from '../components/BarChart.tsx';
import { CampaignPicker, useCampaignParam } from '../components/CampaignPicker.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { fenOf, shanghaiTime, yuan } from '../lib/format.ts';

type Quota = Schemas['Quota'];

const COLORS = { disbursed: '#237804', reserved: '#d46b08', remaining: '#1677ff' };

/** The SPC sets a high court's allocation (PUT, Idempotency-Key); refusals in words from their code. */
function AllocationForm({
  campaignId,
  initial,
  onDone,
}: {
  campaignId: string;
  initial: { highCourtCode?: string; allocatedFen?: number };
  onDone: () => void;
}) {
  const { t, aside } = useLocale();
  const queryClient = useQueryClient();
  const highCourts = useHighCourts();
  const [saved, setSaved] = useState<string | null>(null);
  const allocate = useMutation({
    mutationFn: (v: { highCourtCode: string; amount: string }) =>
      data(
        api().PUT('/campaigns/{campaignId}/quotas/{highCourtCode}', {
          params: { path: { campaignId, highCourtCode: v.highCourtCode } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { allocatedFen: fenOf(v.amount) ?? 0 },
        }),
      ),
    onSuccess: async (quota) => {
      const court = highCourts.data?.items.find((c) => c.code === quota.highCourtCode);
      setSaved(
        t('allocateSaved', {
          court: courtName(court, quota.highCourtCode),
          amount: yuan(quota.allocatedFen),
        }),
      );
      await queryClient.invalidateQueries({ queryKey: ['quotas', campaignId] });
      await queryClient.invalidateQueries({ queryKey: ['report', campaignId] });
      onDone();
    },
  });
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('allocateTitle')}</h2>}>
      <Form
        name="allocation"
        layout="inline"
        key={`${initial.highCourtCode ?? ''}:${initial.allocatedFen ?? ''}`}
        initialValues={{
          highCourtCode: initial.highCourtCode,
          amount: initial.allocatedFen === undefined ? '' : (initial.allocatedFen / 100).toFixed(2),
        }}
        onFinish={(v: { highCourtCode: string; amount: string }) => {
          setSaved(null);
          allocate.mutate(v);
        }}
        style={{ rowGap: 12 }}
      >
        <Form.Item
          label={t('highCourt')}
          name="highCourtCode"
          rules={[{ required: true, message: t('required') }]}
        >
          <Select
            aria-label={t('highCourt')}
            showSearch={{ optionFilterProp: 'label' }}
            style={{ minWidth: 260 }}
            loading={highCourts.isPending}
            options={(highCourts.data?.items ?? []).map((c) => ({
              value: c.code,
              label: `${c.name}${aside(c.code)}`,
            }))}
          />
        </Form.Item>
        <Form.Item
          label={t('allocateAmount')}
          name="amount"
          rules={[
            {
              validator(_, value: string | undefined) {
                if (!value) return Promise.reject(new Error(t('required')));
                return fenOf(value) === undefined
                  ? Promise.reject(new Error(t('amountFormat')))
                  : Promise.resolve();
              },
            },
          ]}
        >
          <Input inputMode="decimal" style={{ width: 180 }} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={allocate.isPending}>
          {t('allocateSave')}
        </Button>
      </Form>
      <div style={{ marginTop: 12 }}>
        {allocate.isError ? <ProblemAlert error={allocate.error} /> : null}
        {saved ? <Alert type="success" showIcon role="status" title={saved} /> : null}
      </div>
    </Card>
  );
}

export default function QuotasPage() {
  const { t } = useLocale();
  const session = useSession();
  const spc = hasRole(session, 'spc-admin') && session?.court === 'SPC';
  const { campaignId } = useCampaignParam();
  const highCourts = useHighCourts();
  const [editing, setEditing] = useState<{ highCourtCode?: string; allocatedFen?: number }>({});
  const quotas = useQuery({
    queryKey: ['quotas', campaignId],
    enabled: Boolean(campaignId),
    queryFn: () =>
      data(
        api().GET('/campaigns/{campaignId}/quotas', {
          params: { path: { campaignId: campaignId as string } },
        }),
      ),
  });
  const courts = highCourts.data?.items;
  const nameOf = (code: string) =>
    courtName(
      courts?.find((c) => c.code === code),
      code,
    );
  const items = quotas.data?.items ?? [];
  const categories = useMemo(
    () =>
      items.map((q) =>
        courtName(
          courts?.find((c) => c.code === q.highCourtCode),
          q.highCourtCode,
        ),
      ),
    [items, courts],
  );
  const series = useMemo(
    () => [
      { name: t('disbursed'), values: items.map((q) => q.disbursedFen), color: COLORS.disbursed },
      { name: t('reserved'), values: items.map((q) => q.reservedFen), color: COLORS.reserved },
      { name: t('remaining'), values: items.map((q) => q.remainingFen), color: COLORS.remaining },
    ],
    [items, t],
  );

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('quotasTitle')}
        </Typography.Title>
        <CampaignPicker />
      </Space>
      {quotas.isError ? <ProblemAlert error={quotas.error} /> : null}
      {spc && campaignId ? (
        <AllocationForm campaignId={campaignId} initial={editing} onDone={() => setEditing({})} />
      ) : null}
      <Card size="small">
        {items.length > 0 ? (
          <BarChart
            categories={categories}
            series={series}
            stacked
            label={t('quotaChartLabel')}
            testId="quota-chart"
          />
        ) : quotas.isSuccess ? (
          <Typography.Paragraph>{t('noQuotas')}</Typography.Paragraph>
        ) : null}
        <Table<Quota>
          rowKey="highCourtCode"
          size="small"
          loading={quotas.isPending && Boolean(campaignId)}
          dataSource={items}
          pagination={false}
          style={{ marginTop: 16 }}
          onRow={(q) => ({ 'data-quota': q.highCourtCode }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { key: 'court', title: t('highCourt'), render: (_, q) => nameOf(q.highCourtCode) },
            {
              key: 'allocated',
              title: t('allocated'),
              align: 'right',
              render: (_, q) => yuan(q.allocatedFen),
            },
            { key: 'reserved', title: t('reserved'), align: 'right', render: (_, q) => yuan(q.reservedFen) },
            {
              key: 'disbursed',
              title: t('disbursed'),
              align: 'right',
              render: (_, q) => yuan(q.disbursedFen),
            },
            {
              key: 'remaining',
              title: t('remaining'),
              align: 'right',
              render: (_, q) => yuan(q.remainingFen),
            },
            { key: 'updated', title: t('updatedAt'), render: (_, q) => shanghaiTime(q.updatedAt) },
            ...(spc
              ? [
                  {
                    key: 'edit',
                    title: t('actions'),
                    render: (_: unknown, q: Quota) => (
                      <Button
                        size="small"
                        aria-label={`${t('edit')} ${nameOf(q.highCourtCode)}`}
                        onClick={() =>
                          setEditing({ highCourtCode: q.highCourtCode, allocatedFen: q.allocatedFen })
                        }
                      >
                        {t('edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </Space>
  );
}
