import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { Link } from 'react-router-dom';
import { api, data, type Schemas } from '../api/client.ts';
import { courtName, useCourt, useHighCourts } from '../api/queries.ts';
import { CampaignPicker, useCampaignParam } from '../components/CampaignPicker.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { yuan } from '../lib/format.ts';

type FundHighCourt = Schemas['ReliefFund']['highCourts'][number];
type FundCase = FundHighCourt['cases'][number];

function CourtCell({ code }: { code: string }) {
  const court = useCourt(code);
  return <>{courtName(court.data, code)}</>;
}

/** The cases of one high court in the fund: each credited recovery, in yuan. */
function Cases({ row }: { row: FundHighCourt }) {
  const { t } = useLocale();
  return (
    <Table<FundCase>
      rowKey="applicationId"
      size="small"
      pagination={false}
      dataSource={row.cases}
      onRow={(c) => ({ 'data-fund-case': c.applicationId }) as HTMLAttributes<HTMLElement>}
      columns={[
        {
          key: 'app',
          title: t('fundApplication'),
          render: (_, c) => <Link to={`/applications/${c.applicationId}`}>{c.applicationId}</Link>,
        },
        { key: 'court', title: t('executingCourt'), render: (_, c) => <CourtCell code={c.courtCode} /> },
        { key: 'entries', title: t('fundEntries'), dataIndex: 'entries', align: 'right' },
        { key: 'amount', title: t('fundCredited'), align: 'right', render: (_, c) => yuan(c.recoveredFen) },
      ]}
    />
  );
}

/**
 * 救助款回收 (notice 三.4): enforcement recoveries after resumption, credited to the national relief fund,
 * per high court and per case, with the totals and whether the ledger reconciles to the recoveries
 * recorded on the applications. The SPC sees every province; a high court its own (the API scopes it).
 */
export default function ReliefFundPage() {
  const { t } = useLocale();
  const { campaignId } = useCampaignParam();
  const highCourts = useHighCourts();
  const names = new Map((highCourts.data?.items ?? []).map((c) => [c.code, c.name]));
  const fund = useQuery({
    queryKey: ['relief-fund', campaignId],
    enabled: Boolean(campaignId),
    queryFn: () =>
      data(api().GET('/relief-fund', { params: { query: { campaignId: campaignId as string } } })),
  });
  const rows = fund.data?.highCourts ?? [];
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('fundTitle')}
        </Typography.Title>
        <CampaignPicker />
      </Space>
      <Typography.Paragraph style={{ margin: 0 }}>{t('fundIntro')}</Typography.Paragraph>
      {fund.isError ? <ProblemAlert error={fund.error} /> : null}
      {fund.data ? (
        <>
          <Row gutter={16} data-testid="fund-totals">
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('fundTotal')} value={yuan(fund.data.totals.recoveredFen)} />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('fundReported')} value={yuan(fund.data.totals.reportedRecoveredFen)} />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('fundEntries')} value={fund.data.totals.entries} />
              </Card>
            </Col>
          </Row>
          {fund.data.totals.reconciled ? (
            <Alert type="success" showIcon title={t('fundReconciled')} />
          ) : (
            <Alert type="warning" showIcon title={t('fundNotReconciled')} />
          )}
          <Table<FundHighCourt>
            rowKey="highCourtCode"
            size="small"
            pagination={false}
            dataSource={rows}
            locale={{ emptyText: t('fundEmpty') }}
            expandable={{
              expandedRowRender: (row) => <Cases row={row} />,
              rowExpandable: (row) => row.cases.length > 0,
              defaultExpandAllRows: true,
            }}
            onRow={(r) => ({ 'data-fund-row': r.highCourtCode }) as HTMLAttributes<HTMLElement>}
            columns={[
              {
                key: 'court',
                title: t('highCourt'),
                render: (_, r) => names.get(r.highCourtCode) ?? r.highCourtCode,
              },
              { key: 'cases', title: t('fundCases'), align: 'right', render: (_, r) => r.cases.length },
              { key: 'entries', title: t('fundEntries'), dataIndex: 'entries', align: 'right' },
              {
                key: 'credited',
                title: t('fundCredited'),
                align: 'right',
                render: (_, r) => yuan(r.recoveredFen),
              },
              {
                key: 'reported',
                title: t('fundReported'),
                align: 'right',
                render: (_, r) => yuan(r.reportedRecoveredFen),
              },
              {
                key: 'reconciled',
                title: t('fundReconciledCol'),
                render: (_, r) => (r.reconciled ? t('yes') : t('fundDiffers')),
              },
            ]}
          />
        </>
      ) : null}
    </Space>
  );
}
