import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Input, Select, Space, Table, Tag, Typography } from 'antd';
import { type HTMLAttributes, useMemo } from 'react';
import { Link } from 'react-router-dom';
import { type Application, api, type Court, data } from '../api/client.ts';
import { courtName, useCourt, useHighCourts } from '../api/queries.ts';
import { useSession } from '../auth/use-session.ts';
import { DueTag, RESULT_LABELS } from '../components/AfterClosure.tsx';
import { CursorPager, useUrlPaging } from '../components/CursorPager.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { useLocale } from '../i18n/locale.tsx';
import { shanghaiToday, yuan } from '../lib/format.ts';

const PAGE_SIZES = [20, 50, 100, 200];
type DueCase = Application & { overdue: boolean };

function CourtCell({ code }: { code: string }) {
  const court = useCourt(code);
  return <>{courtName(court.data, code)}</>;
}

/** Every court of a province (reference data, a few pages of 200). */
async function provinceCourts(province: string): Promise<Court[]> {
  const courts: Court[] = [];
  let cursor: string | undefined;
  do {
    const page = await data(
      api().GET('/courts', { params: { query: { province, limit: 200, ...(cursor ? { cursor } : {}) } } }),
    );
    courts.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return courts;
}

/** The courts the caller may filter by: the SPC the high courts, a high or intermediate court its province's. */
function useFilterCourts(own: Court | undefined) {
  const spc = own?.level === 'spc';
  const high = useHighCourts();
  const province = useQuery({
    queryKey: ['courts', 'province', own?.province],
    enabled: Boolean(own) && !spc && own?.level !== 'basic',
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: () => provinceCourts(own?.province as string),
  });
  if (!own || own.level === 'basic') return [];
  return spc ? (high.data?.items ?? []) : (province.data ?? []);
}

/**
 * 分类管理 (notice 三(一)1): the relief-closed cases within the caller's jurisdiction whose asset check is
 * due on or before a date, earliest first, one server page at a time (`GET /monitoring/due`); the filters
 * and the cursor trail live in the URL.
 */
export default function MonitoringPage() {
  const { t, aside } = useLocale();
  const session = useSession();
  const own = useCourt(session?.court);
  const paging = useUrlPaging();
  const { params, cursor, update, resetPaging } = paging;
  const courtCode = params.get('court') ?? '';
  const before = params.get('before') ?? shanghaiToday();
  const limit = Number(params.get('limit') ?? 50) || 50;
  const courts = useFilterCourts(own.data);
  const options = useMemo(
    () => courts.map((c) => ({ value: c.code, label: `${c.name}${aside(c.code)}` })),
    [courts, aside],
  );

  const list = useQuery({
    queryKey: ['monitoring', { courtCode, before, limit, cursor }],
    placeholderData: keepPreviousData,
    queryFn: () =>
      data(
        api().GET('/monitoring/due', {
          params: {
            query: {
              limit,
              before,
              ...(courtCode ? { courtCode } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('monitoringTitle')}
      </Typography.Title>
      <Typography.Paragraph style={{ margin: 0 }}>{t('monitoringIntro')}</Typography.Paragraph>
      <Space wrap align="end">
        {options.length > 0 ? (
          <div style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
            <label htmlFor="monitoring-court">{t('monitoringCourt')}</label>
            <Select
              id="monitoring-court"
              style={{ width: 320 }}
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('monitoringAllCourts')}
              value={courtCode || undefined}
              onChange={(v?: string) => update({ court: v ?? null, ...resetPaging })}
              options={options}
            />
          </div>
        ) : null}
        <div style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
          <label htmlFor="monitoring-before">{t('monitoringBefore')}</label>
          <Input
            id="monitoring-before"
            type="date"
            style={{ width: 180 }}
            value={before}
            onChange={(e) => update({ before: e.target.value || null, ...resetPaging })}
          />
        </div>
        <Select
          aria-label={t('pageSize')}
          style={{ width: 120 }}
          value={limit}
          onChange={(v) => update({ limit: String(v), ...resetPaging })}
          options={PAGE_SIZES.map((n) => ({ value: n, label: `${t('pageSize')} ${n}` }))}
        />
      </Space>
      {list.isError ? <ProblemAlert error={list.error} /> : null}
      <Table<DueCase>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: t('monitoringEmpty') }}
        onRow={(a) => ({ 'data-due-case': a.id }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('colCaseNumber'),
            key: 'case',
            render: (_, a) => <Link to={`/applications/${a.id}`}>{a.case.caseNumber}</Link>,
          },
          { title: t('executingCourt'), key: 'court', render: (_, a) => <CourtCell code={a.courtCode} /> },
          {
            title: t('nextCheckDue'),
            key: 'due',
            render: (_, a) =>
              a.nextAssetCheckDue ? <DueTag due={a.nextAssetCheckDue} overdue={a.overdue} /> : '—',
          },
          {
            title: t('lastCheck'),
            key: 'last',
            render: (_, a) => {
              const last = a.assetChecks?.at(-1);
              return last
                ? `${last.checkedAt.slice(0, 10)} · ${t(RESULT_LABELS[last.result])}`
                : t('noChecks');
            },
          },
          {
            title: t('colStatus'),
            key: 'status',
            render: (_, a) => (
              <Space size={4} wrap>
                <StatusTag status={a.status} />
                {a.resumptionDue ? <Tag color="#ad4e00">{t('resumptionDueShort')}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('colRelief'),
            key: 'relief',
            align: 'right' as const,
            render: (_, a) => yuan(a.payout?.amountFen ?? a.reliefAmountFen),
          },
        ]}
      />
      <CursorPager paging={paging} nextCursor={list.data?.nextCursor} />
    </Space>
  );
}
