import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Input, Select, Space, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { Link } from 'react-router-dom';
import { type Application, type ApplicationStatus, api, data } from '../api/client.ts';
import { courtName, useCampaigns, useCourt } from '../api/queries.ts';
import { CursorPager, useUrlPaging } from '../components/CursorPager.tsx';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { StatusTag } from '../components/StatusTag.tsx';
import { categoryLabel, STATUS_LABELS } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { shanghaiTime, yuan } from '../lib/format.ts';

const PAGE_SIZES = [20, 50, 100, 200];
const STATUSES = Object.keys(STATUS_LABELS) as ApplicationStatus[];

function CourtCell({ code }: { code: string | null }) {
  const court = useCourt(code);
  return <>{code ? courtName(court.data, code) : '—'}</>;
}

/**
 * The applications within the caller's jurisdiction, newest first, one server page at a time: the
 * cursor trail lives in the URL (`?status=&limit=&cursor=&trail=`), so Back/Forward and reload keep the page.
 */
export default function ApplicationsList() {
  const { t, lang } = useLocale();
  const paging = useUrlPaging();
  const { params, cursor, update, resetPaging } = paging;
  const status = params.get('status') ?? '';
  const campaignId = params.get('campaign') ?? '';
  const campaigns = useCampaigns();
  const limit = Number(params.get('limit') ?? 50) || 50;
  const search = params.get('q') ?? '';

  const list = useQuery({
    queryKey: ['applications', { status, campaignId, limit, cursor }],
    placeholderData: keepPreviousData,
    queryFn: () =>
      data(
        api().GET('/applications', {
          params: {
            query: {
              limit,
              ...(status ? { status: status as ApplicationStatus } : {}),
              ...(campaignId ? { campaignId } : {}),
              ...(cursor ? { cursor } : {}),
            },
          },
        }),
      ),
  });

  const rows = useMemo(() => {
    const items = list.data?.items ?? [];
    const q = search.trim();
    return q ? items.filter((a) => a.case.caseNumber.includes(q)) : items;
  }, [list.data, search]);

  const columns = [
    {
      title: t('colCaseNumber'),
      key: 'case',
      render: (_: unknown, a: Application) => <Link to={`/applications/${a.id}`}>{a.case.caseNumber}</Link>,
    },
    { title: t('colApplicant'), key: 'applicant', render: (_: unknown, a: Application) => a.applicant.name },
    {
      title: t('colCategory'),
      key: 'category',
      render: (_: unknown, a: Application) => categoryLabel(a.case.category, lang),
    },
    {
      title: t('colRelief'),
      key: 'relief',
      align: 'right' as const,
      render: (_: unknown, a: Application) => yuan(a.reliefAmountFen),
    },
    {
      title: t('colStatus'),
      key: 'status',
      render: (_: unknown, a: Application) => <StatusTag status={a.status} />,
    },
    {
      title: t('colPendingAt'),
      key: 'pendingAt',
      render: (_: unknown, a: Application) => <CourtCell code={a.pendingAt} />,
    },
    {
      title: t('colUpdated'),
      key: 'updatedAt',
      render: (_: unknown, a: Application) => shanghaiTime(a.updatedAt),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('listTitle')}
      </Typography.Title>
      <Space wrap>
        <Select
          aria-label={t('campaign')}
          style={{ width: 240 }}
          value={campaignId}
          onChange={(v) => update({ campaign: v, ...resetPaging })}
          options={[
            { value: '', label: t('filterAllCampaigns') },
            ...(campaigns.data?.items ?? []).map((c) => ({ value: c.id, label: c.name })),
          ]}
        />
        <Select
          aria-label={t('filterStatus')}
          style={{ width: 200 }}
          value={status}
          onChange={(v) => update({ status: v, ...resetPaging })}
          options={[
            { value: '', label: t('filterAll') },
            ...STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s][lang] })),
          ]}
        />
        <Input.Search
          aria-label={t('searchCase')}
          placeholder={t('searchCase')}
          allowClear
          defaultValue={search}
          onSearch={(q) => update({ q })}
          style={{ width: 280 }}
        />
        <Select
          aria-label={t('pageSize')}
          style={{ width: 120 }}
          value={limit}
          onChange={(v) => update({ limit: String(v), ...resetPaging })}
          options={PAGE_SIZES.map((n) => ({ value: n, label: `${t('pageSize')} ${n}` }))}
        />
      </Space>
      {search ? <Alert type="info" showIcon title={t('searchCaseNote')} /> : null}
      {list.isError ? <ProblemAlert error={list.error} /> : null}
      <Table<Application>
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        columns={columns}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('emptyList') }}
      />
      <CursorPager paging={paging} nextCursor={list.data?.nextCursor} />
    </Space>
  );
}
