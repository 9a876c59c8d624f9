import { useMutation, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { ApiProblem, api, data, type Schemas } from '../api/client.ts';
import { BarChart } from '../components/BarChart.tsx';
import { CampaignPicker, useCampaignParam } from '../components/CampaignPicker.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { categoryLabel } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { downloadFrom } from '../lib/download.ts';
import { yuan } from '../lib/format.ts';

type HighCourtRow = Schemas['Report']['byHighCourt'][number];

const FORMATS = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

function ExportButton({ campaignId, format }: { campaignId: string; format: keyof typeof FORMATS }) {
  const { t } = useLocale();
  const download = useMutation({
    mutationFn: () =>
      downloadFrom(
        api().GET('/campaigns/{campaignId}/reports', {
          params: { path: { campaignId } },
          headers: { Accept: FORMATS[format] },
          parseAs: 'blob',
        }),
        `report-${campaignId}.${format}`,
      ),
  });
  return (
    <>
      <Button onClick={() => download.mutate()} loading={download.isPending}>
        {format === 'csv' ? t('exportCsv') : t('exportXlsx')}
      </Button>
      {download.isError ? <ProblemAlert error={download.error} /> : null}
    </>
  );
}

export default function ReportPage() {
  const { t, lang } = useLocale();
  const { campaignId } = useCampaignParam();
  const report = useQuery({
    queryKey: ['report', campaignId],
    enabled: Boolean(campaignId),
    queryFn: async () => {
      const r = await data(
        api().GET('/campaigns/{campaignId}/reports', {
          params: { path: { campaignId: campaignId as string } },
        }),
      );
      if (typeof r === 'string') throw new ApiProblem(200, 'UNEXPECTED_RESPONSE', '');
      return r;
    },
  });
  const rows = report.data?.byHighCourt ?? [];
  const courts = useMemo(
    () => ({
      categories: rows.map((r) => r.name),
      series: [{ name: t('totalAmount'), values: rows.map((r) => r.amountFen), color: '#237804' }],
    }),
    [rows, t],
  );
  const categories = useMemo(() => {
    const sums = new Map<string, number>();
    for (const r of rows) {
      for (const [category, c] of Object.entries(r.byCategory)) {
        sums.set(category, (sums.get(category) ?? 0) + c.amountFen);
      }
    }
    const entries = [...sums.entries()].filter(([, fen]) => fen > 0);
    return {
      categories: entries.map(([c]) => categoryLabel(c, lang)),
      series: [{ name: t('totalAmount'), values: entries.map(([, fen]) => fen), color: '#1677ff' }],
    };
  }, [rows, t, lang]);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
          {t('reportTitle')}
        </Typography.Title>
        <CampaignPicker />
        {campaignId ? (
          <>
            <ExportButton campaignId={campaignId} format="csv" />
            <ExportButton campaignId={campaignId} format="xlsx" />
          </>
        ) : null}
      </Space>
      {report.isError ? <ProblemAlert error={report.error} /> : null}
      {report.data ? (
        <>
          <Row gutter={16} data-testid="report-totals">
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('totalCases')} value={report.data.totals.cases} />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('totalPersons')} value={report.data.totals.persons} />
              </Card>
            </Col>
            <Col xs={24} md={8}>
              <Card size="small">
                <Statistic title={t('totalAmount')} value={yuan(report.data.totals.amountFen)} />
              </Card>
            </Col>
          </Row>
          {report.data.reconciliation.consistent ? (
            <Alert type="success" showIcon title={t('reconciled')} />
          ) : (
            <Alert
              type="warning"
              showIcon
              title={t('notReconciled')}
              description={report.data.reconciliation.differences
                .map((d) => `${d.between}: ${yuan(d.differenceFen)}`)
                .join('；')}
            />
          )}
          <Row gutter={16}>
            <Col xs={24} lg={12}>
              <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('byHighCourt')}</h2>}>
                {rows.length > 0 ? (
                  <BarChart {...courts} label={t('reportChartCourts')} testId="report-courts-chart" />
                ) : (
                  <Typography.Paragraph>{t('noReportRows')}</Typography.Paragraph>
                )}
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('byCategory')}</h2>}>
                {categories.categories.length > 0 ? (
                  <BarChart
                    {...categories}
                    label={t('reportChartCategories')}
                    testId="report-category-chart"
                  />
                ) : (
                  <Typography.Paragraph>{t('noReportRows')}</Typography.Paragraph>
                )}
              </Card>
            </Col>
          </Row>
          <Table<HighCourtRow>
            rowKey="highCourtCode"
            size="small"
            pagination={false}
            dataSource={rows}
            onRow={(r) => ({ 'data-report-row': r.highCourtCode }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { key: 'court', title: t('highCourt'), dataIndex: 'name' },
              { key: 'cases', title: t('totalCases'), dataIndex: 'cases', align: 'right' },
              { key: 'persons', title: t('totalPersons'), dataIndex: 'persons', align: 'right' },
              { key: 'amount', title: t('totalAmount'), align: 'right', render: (_, r) => yuan(r.amountFen) },
              { key: 'pending', title: t('pendingCount'), dataIndex: 'pending', align: 'right' },
              { key: 'rejected', title: t('rejectedCount'), dataIndex: 'rejected', align: 'right' },
              { key: 'declined', title: t('declinedCount'), dataIndex: 'declined', align: 'right' },
            ]}
          />
        </>
      ) : null}
    </Space>
  );
}
