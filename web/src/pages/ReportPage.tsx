import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Input, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useMemo, useState } from 'react';
import { ApiProblem, api, data, newIdempotencyKey, type Schemas, unwrap } from '../api/client.ts';
import { hasRole } from '../auth/session.ts';
import { useSession } from '../auth/use-session.ts';
import {
  ApprovalTimesLines,
  ApprovalTimesTable,
  decidedOf,
  OverLimit,
  overLimitOf,
} from '../components/ApprovalTimes.tsx';
import { BarChart } from '../components/BarChart.tsx';
import { CampaignPicker, useCampaignParam } from '../components/CampaignPicker.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { categoryLabel } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { downloadFrom } from '../lib/download.ts';
import { shanghaiTime, yuan } from '../lib/format.ts';

type HighCourtRow = Schemas['Report']['byHighCourt'][number];
type CourtRow = Schemas['CourtReport'];

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

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

/** The written report (书面报告, .docx): one high court's, or without a code the national one (SPC). */
function WrittenReportButton({ campaignId, highCourtCode }: { campaignId: string; highCourtCode?: string }) {
  const { t } = useLocale();
  const download = useMutation({
    mutationFn: () =>
      downloadFrom(
        api().GET('/campaigns/{campaignId}/reports/summary', {
          params: { path: { campaignId }, query: highCourtCode ? { highCourtCode } : {} },
          headers: { Accept: DOCX },
          parseAs: 'blob',
        }),
        `report-${campaignId}${highCourtCode ? `-${highCourtCode}` : ''}.docx`,
      ),
  });
  return (
    <>
      <Button onClick={() => download.mutate()} loading={download.isPending}>
        {highCourtCode ? t('exportDocx') : t('exportDocxNational')}
      </Button>
      {download.isError ? <ProblemAlert error={download.error} /> : null}
    </>
  );
}

/** Numbers sort as numbers; amounts are shown in yuan. */
type Figure = 'cases' | 'persons' | 'amountFen' | 'pending' | 'rejected' | 'declined';
const byNumber = <T extends Record<Figure, number>>(key: Figure) => ({
  sorter: (a: T, b: T) => a[key] - b[key],
  sortDirections: ['descend' as const, 'ascend' as const],
});

/** The totals both report tables lead with (cases, persons, amount in yuan), each sortable. */
function totalColumns<T extends Record<Figure, number>>(
  t: ReturnType<typeof useLocale>['t'],
): ColumnsType<T> {
  return [
    { key: 'cases', title: t('totalCases'), dataIndex: 'cases', align: 'right', ...byNumber<T>('cases') },
    {
      key: 'persons',
      title: t('totalPersons'),
      dataIndex: 'persons',
      align: 'right',
      ...byNumber<T>('persons'),
    },
    {
      key: 'amount',
      title: t('totalAmount'),
      align: 'right',
      render: (_, r) => yuan(r.amountFen),
      ...byNumber<T>('amountFen'),
    },
  ];
}

/** A high court's courts (byCourt), sortable by every figure. */
function CourtTable({ rows }: { rows: CourtRow[] }) {
  const { t } = useLocale();
  return (
    <Table<CourtRow>
      rowKey="courtCode"
      size="small"
      pagination={false}
      dataSource={rows}
      data-testid="report-by-court"
      locale={{ emptyText: t('noCourtRows') }}
      onRow={(r) => ({ 'data-court-row': r.courtCode }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        {
          key: 'court',
          title: t('court'),
          dataIndex: 'name',
          sorter: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
        },
        ...totalColumns<CourtRow>(t),
        {
          key: 'pending',
          title: t('pendingCount'),
          dataIndex: 'pending',
          align: 'right',
          ...byNumber('pending'),
        },
        {
          key: 'rejected',
          title: t('rejectedCount'),
          dataIndex: 'rejected',
          align: 'right',
          ...byNumber('rejected'),
        },
        {
          key: 'declined',
          title: t('declinedCount'),
          dataIndex: 'declined',
          align: 'right',
          ...byNumber('declined'),
        },
        {
          key: 'approvalTimes',
          title: t('approvalTimesTitle'),
          render: (_, r) => <ApprovalTimesLines times={r.approvalTimes} />,
        },
        {
          key: 'overLimit',
          title: t('overLimitCount'),
          align: 'right',
          render: (_, r) => <OverLimit n={overLimitOf(r.approvalTimes)} />,
          sorter: (a, b) => overLimitOf(a.approvalTimes) - overLimitOf(b.approvalTimes),
          sortDirections: ['descend', 'ascend'],
        },
      ]}
    />
  );
}

/**
 * The narrative of effects (取得的效果) of one high court's written report: shown to every reader,
 * edited by that high court's approvers or the SPC's administrators. A save sends an Idempotency-Key
 * and If-Match with the version the editor started from (the report's `effectsVersion`, then the
 * version this page saved), so no save overwrites a version its writer has not seen. A newer version
 * (409 VERSION_CONFLICT) is shown in words with the other writer's text: take theirs, or save yours
 * over it. Once the report is frozen the API refuses (REPORT_ALREADY_FROZEN), shown in words.
 */
function Narrative({
  campaignId,
  row,
  editable,
}: {
  campaignId: string;
  row: HighCourtRow;
  editable: boolean;
}) {
  const { t } = useLocale();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  /** The version the draft was started from (or last saved over): sent as If-Match. */
  const [base, setBase] = useState(0);
  const [lastSaved, setLastSaved] = useState(0);
  const [saved, setSaved] = useState<number | null>(null);
  const save = useMutation({
    mutationFn: async ({ effects, over }: { effects: string; over: number }) => {
      const { data: narrative } = await unwrap(
        api().PUT('/campaigns/{campaignId}/reports/narratives/{highCourtCode}', {
          params: { path: { campaignId, highCourtCode: row.highCourtCode } },
          headers: { 'Idempotency-Key': newIdempotencyKey(), 'If-Match': `"v${over}"` },
          body: { effects },
        }),
      );
      return narrative;
    },
    onSuccess: async (narrative) => {
      setLastSaved(narrative.version);
      setSaved(narrative.version);
      setDraft(null);
      await queryClient.invalidateQueries({ queryKey: ['report', campaignId] });
    },
    // A newer version: read the report again, so the other writer's text is the one shown.
    onError: async (error) => {
      if (error instanceof ApiProblem && error.code === 'VERSION_CONFLICT')
        await queryClient.invalidateQueries({ queryKey: ['report', campaignId] });
    },
  });
  const conflict =
    save.isError &&
    save.error instanceof ApiProblem &&
    save.error.code === 'VERSION_CONFLICT' &&
    draft !== null;
  const title = <h3 style={{ fontSize: 15, margin: 0 }}>{t('narrativeTitle')}</h3>;
  return (
    <Card size="small" title={title} data-testid="report-narrative" data-version={row.effectsVersion}>
      {draft === null ? (
        <>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="narrative-text">
            {row.effects ?? t('narrativeEmpty')}
          </Typography.Paragraph>
          {row.effectsUpdatedAt ? (
            <Typography.Text type="secondary">{shanghaiTime(row.effectsUpdatedAt)}</Typography.Text>
          ) : null}
          {editable ? (
            <div style={{ marginTop: 8 }}>
              <Button
                onClick={() => {
                  setSaved(null);
                  save.reset();
                  // What this reader sees, or what this page saved if the report has not caught up.
                  setBase(Math.max(row.effectsVersion, lastSaved));
                  setDraft(row.effects ?? '');
                }}
              >
                {t('narrativeEdit')}
              </Button>
            </div>
          ) : null}
        </>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <label htmlFor="narrative-effects">{t('narrativeLabel')}</label>
          <Input.TextArea
            id="narrative-effects"
            value={draft}
            maxLength={4000}
            showCount
            autoSize={{ minRows: 4, maxRows: 12 }}
            onChange={(e) => setDraft(e.target.value)}
          />
          <Space>
            <Button
              type="primary"
              loading={save.isPending}
              disabled={draft.trim() === '' || conflict}
              onClick={() => save.mutate({ effects: draft, over: base })}
            >
              {t('narrativeSave')}
            </Button>
            <Button
              onClick={() => {
                save.reset();
                setDraft(null);
              }}
            >
              {t('cancel')}
            </Button>
          </Space>
        </Space>
      )}
      <div style={{ marginTop: 8 }}>
        {conflict ? (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="narrative-conflict">
            <ProblemAlert
              error={save.error}
              title={t('narrativeConflict', {
                version: row.effectsVersion,
                time: shanghaiTime(row.effectsUpdatedAt),
              })}
            />
            <Card size="small" title={<h4 style={{ fontSize: 14, margin: 0 }}>{t('narrativeTheirs')}</h4>}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap' }} data-testid="narrative-theirs">
                {row.effects ?? t('narrativeEmpty')}
              </Typography.Paragraph>
            </Card>
            <Space wrap>
              <Button
                onClick={() => {
                  save.reset();
                  setDraft(null);
                }}
              >
                {t('narrativeTakeTheirs')}
              </Button>
              <Button
                danger
                loading={save.isPending}
                disabled={draft === null || draft.trim() === ''}
                onClick={() => {
                  setBase(row.effectsVersion);
                  if (draft !== null) save.mutate({ effects: draft, over: row.effectsVersion });
                }}
              >
                {t('narrativeKeepMine')}
              </Button>
            </Space>
          </Space>
        ) : save.isError ? (
          <ProblemAlert error={save.error} />
        ) : null}
        {saved !== null ? (
          <Alert type="success" showIcon role="status" title={t('narrativeSaved', { version: saved })} />
        ) : null}
      </div>
    </Card>
  );
}

/** One high court's detail: its courts, its narrative and its written report. */
function HighCourtDetail({
  campaignId,
  rows,
  mayEdit,
  choosable,
}: {
  campaignId: string;
  rows: HighCourtRow[];
  mayEdit: (highCourtCode: string) => boolean;
  choosable: boolean;
}) {
  const { t } = useLocale();
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const row = rows.find((r) => r.highCourtCode === chosen) ?? rows[0];
  if (!row) return null;
  const title = <h2 style={{ fontSize: 16, margin: 0 }}>{t('reportDetailTitle', { court: row.name })}</h2>;
  return (
    <Card
      size="small"
      title={title}
      data-testid="report-detail"
      data-high-court={row.highCourtCode}
      extra={
        <Space wrap>
          {choosable ? (
            <Select
              aria-label={t('reportDetailCourt')}
              style={{ minWidth: 220 }}
              value={row.highCourtCode}
              onChange={setChosen}
              showSearch={{ optionFilterProp: 'label' }}
              options={rows.map((r) => ({ value: r.highCourtCode, label: r.name }))}
            />
          ) : null}
          <WrittenReportButton campaignId={campaignId} highCourtCode={row.highCourtCode} />
        </Space>
      }
    >
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <CourtTable rows={row.byCourt} />
        <Card
          size="small"
          title={
            <h3 style={{ fontSize: 15, margin: 0 }}>{t('approvalTimesCourtTitle', { court: row.name })}</h3>
          }
        >
          <ApprovalTimesTable times={row.approvalTimes} testId="report-detail-approval-times" />
        </Card>
        <Narrative
          key={row.highCourtCode}
          campaignId={campaignId}
          row={row}
          editable={mayEdit(row.highCourtCode)}
        />
      </Space>
    </Card>
  );
}

export default function ReportPage() {
  const { t, lang } = useLocale();
  const session = useSession();
  const spc = session?.court === 'SPC' && hasRole(session, 'spc-admin');
  const mayEdit = (highCourtCode: string) =>
    spc || (session?.court === highCourtCode && hasRole(session, 'approver'));
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
            {spc ? <WrittenReportButton campaignId={campaignId} /> : null}
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
          <Card
            size="small"
            title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('approvalTimesTotalTitle')}</h2>}
          >
            <ApprovalTimesTable times={report.data.totals.approvalTimes} testId="report-approval-times" />
          </Card>
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
              ...totalColumns<HighCourtRow>(t),
              { key: 'pending', title: t('pendingCount'), dataIndex: 'pending', align: 'right' },
              { key: 'rejected', title: t('rejectedCount'), dataIndex: 'rejected', align: 'right' },
              { key: 'declined', title: t('declinedCount'), dataIndex: 'declined', align: 'right' },
              {
                key: 'decided',
                title: t('decidedCount'),
                align: 'right',
                render: (_, r) => decidedOf(r.approvalTimes),
              },
              {
                key: 'overLimit',
                title: t('overLimitCount'),
                align: 'right',
                render: (_, r) => <OverLimit n={overLimitOf(r.approvalTimes)} />,
              },
            ]}
          />
          {campaignId && rows.length > 0 ? (
            <HighCourtDetail
              campaignId={campaignId}
              rows={rows}
              mayEdit={mayEdit}
              choosable={rows.length > 1}
            />
          ) : null}
        </>
      ) : null}
    </Space>
  );
}
