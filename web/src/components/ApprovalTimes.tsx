import { Table, Tag, Typography } from 'antd';
import type { Schemas } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';
import { duration } from '../lib/format.ts';

export type ApprovalTime = Schemas['ApprovalTime'];

/** The time limit of a level (14 days): the histogram's last edge, beyond which p90 is null. */
const LIMIT_HOURS = 336;

/** Decisions after the time limit: a red mark when there are any, a plain 0 otherwise. */
export function OverLimit({ n }: { n: number }) {
  const { t } = useLocale();
  return n > 0 ? (
    <Tag color="error" data-over-limit={n}>
      {t('overLimitMark', { n })}
    </Tag>
  ) : (
    <span data-over-limit={0}>0</span>
  );
}

/** One level's 90th percentile in words: "within 1 day", or beyond the limit. */
export function useP90Text() {
  const { t, lang } = useLocale();
  return (p90Hours: number | null) =>
    p90Hours === null
      ? t('p90Beyond', { duration: duration(LIMIT_HOURS, lang) })
      : t('p90Within', { duration: duration(p90Hours, lang) });
}

/**
 * 审批用时: per deciding level, the decisions taken, their mean wait, the bucket edge within which 90%
 * were decided, and those over the 14-day limit (marked). The figures are the report's `approvalTimes`.
 */
export function ApprovalTimesTable({ times, testId }: { times: ApprovalTime[]; testId: string }) {
  const { t, lang } = useLocale();
  const p90 = useP90Text();
  return (
    <>
      <Table<ApprovalTime>
        rowKey="level"
        size="small"
        pagination={false}
        dataSource={times}
        data-testid={testId}
        locale={{ emptyText: t('noApprovalTimes') }}
        onRow={(r) =>
          ({
            'data-level': r.level,
            'data-decided': r.decided,
            'data-mean-hours': r.meanHours,
            'data-p90-hours': r.p90Hours ?? 'beyond',
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          { key: 'level', title: t('approvalLevel'), render: (_, r) => t(`tier_${r.level}`) },
          { key: 'decided', title: t('decidedCount'), dataIndex: 'decided', align: 'right' },
          {
            key: 'mean',
            title: t('meanTime'),
            align: 'right',
            render: (_, r) => duration(r.meanHours, lang),
          },
          { key: 'p90', title: t('p90Time'), align: 'right', render: (_, r) => p90(r.p90Hours) },
          {
            key: 'overLimit',
            title: t('overLimitCount'),
            align: 'right',
            render: (_, r) => <OverLimit n={r.overLimit} />,
          },
        ]}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('approvalTimesHint')}
      </Typography.Text>
    </>
  );
}

/** A court's approval times in one cell: a line per level ("基层人民法院：2 件，平均 3天4小时"). */
export function ApprovalTimesLines({ times }: { times: ApprovalTime[] }) {
  const { t, lang } = useLocale();
  if (times.length === 0) return <span>—</span>;
  return (
    <>
      {times.map((r) => (
        <div key={r.level} data-level={r.level}>
          {t('approvalTimeLine', {
            level: t(`tier_${r.level}`),
            decided: r.decided,
            mean: duration(r.meanHours, lang),
          })}
        </div>
      ))}
    </>
  );
}

/** The sums over a row's levels: decisions taken and those over the limit. */
export const decidedOf = (times: ApprovalTime[]) => times.reduce((n, r) => n + r.decided, 0);
export const overLimitOf = (times: ApprovalTime[]) => times.reduce((n, r) => n + r.overLimit, 0);
