import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, List, Modal, Radio, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { type Application, api, data, newIdempotencyKey, type Schemas } from '../api/client.ts';
import { useSession } from '../auth/use-session.ts';
import { ProblemAlert } from '../components/ProblemAlert.tsx';
import { categoryLabel, statusLabel } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { queuePageSize } from '../lib/approval.ts';
import { shanghaiTime, yuan } from '../lib/format.ts';

type Decision = 'approve' | 'reject' | 'return';
type BatchResult = Schemas['DecisionBatchResult']['results'][number];

// An overdue row is tinted as well as tagged (the tag's words carry the meaning; the tint only helps).
const OVERDUE_CSS = '.queue-overdue > td { background: #fff1f0 !important; }';

/** The outcome of one batch: each item by case number, decided or refused in words. */
function BatchResults({ results, cases }: { results: BatchResult[]; cases: Map<string, string> }) {
  const { t, lang, problem } = useLocale();
  const failed = results.filter((r) => r.code).length;
  return (
    <Alert
      type={failed === 0 ? 'success' : 'warning'}
      showIcon
      data-testid="batch-results"
      title={t('batchResultTitle', { ok: results.length - failed, failed })}
      description={
        <List
          size="small"
          dataSource={results}
          renderItem={(r) => (
            <List.Item data-batch-item={r.applicationId} data-batch-code={r.code ?? 'ok'}>
              <Typography.Text strong>{cases.get(r.applicationId) ?? r.applicationId}</Typography.Text>
              {' · '}
              {r.code ? (
                <Typography.Text>{problem(r.code)}</Typography.Text>
              ) : (
                <Typography.Text>
                  {t('batchItemOk', { status: statusLabel(r.status ?? '', lang) })}
                </Typography.Text>
              )}
            </List.Item>
          )}
        />
      }
    />
  );
}

/**
 * 待审批: what waits at the approver's court, oldest arrival first, one server page at a time ("load
 * more" follows nextCursor). Rows can be selected and decided together (POST /decision-batches), one
 * decision and comment for all, after a confirmation naming the count.
 */
export default function QueuePage() {
  const { t, lang } = useLocale();
  const session = useSession();
  const court = session?.court ?? '';
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const limit = queuePageSize(params.get('limit'));
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string[]>([]);
  const [confirming, setConfirming] = useState<{ decision: Decision; comment: string } | null>(null);
  const [outcome, setOutcome] = useState<{ results: BatchResult[]; cases: Map<string, string> } | null>(null);
  const [form] = Form.useForm<{ decision: Decision; comment: string }>();
  const decision = Form.useWatch('decision', form) ?? 'approve';

  const queue = useInfiniteQuery({
    queryKey: ['queue', court, limit],
    enabled: Boolean(court),
    initialPageParam: '',
    queryFn: ({ pageParam }) =>
      data(
        api().GET('/applications', {
          params: { query: { pendingAt: court, limit, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => queue.data?.pages.flatMap((p) => p.items) ?? [], [queue.data]);

  const batch = useMutation({
    mutationFn: (v: { decision: Decision; comment: string; ids: string[] }) =>
      data(
        api().POST('/decision-batches', {
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: {
            items: v.ids.map((applicationId) => ({
              applicationId,
              decision: v.decision,
              comment: v.comment,
            })),
          },
        }),
      ),
    onSuccess: async (result) => {
      const cases = new Map(rows.map((a) => [a.id, a.case.caseNumber]));
      setOutcome({ results: result.results, cases });
      setSelected([]);
      setConfirming(null);
      await queryClient.invalidateQueries({ queryKey: ['queue', court] });
    },
  });

  const decisionLabel = (d: Decision) => t(d);
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
      title: t('colWaitingSince'),
      key: 'waitingSince',
      render: (_: unknown, a: Application) => (
        <time dateTime={a.waitingSince}>{shanghaiTime(a.waitingSince)}</time>
      ),
    },
    {
      title: t('colOverdue'),
      key: 'overdue',
      render: (_: unknown, a: Application) =>
        a.overdue ? (
          <Tag color="#a8071a" data-overdue="true">
            {t('overdue')}
          </Tag>
        ) : (
          <Typography.Text data-overdue="false">{t('withinLimit')}</Typography.Text>
        ),
    },
  ];

  const startBatch = async () => {
    const v = await form.validateFields();
    setOutcome(null);
    setConfirming({ decision: v.decision, comment: (v.comment ?? '').trim() });
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <style>{OVERDUE_CSS}</style>
      <Typography.Title level={1} style={{ fontSize: 24, margin: 0 }}>
        {t('queueTitle')}
      </Typography.Title>
      <Typography.Paragraph style={{ margin: 0 }}>{t('queueHint')}</Typography.Paragraph>
      {queue.isError ? <ProblemAlert error={queue.error} /> : null}
      {outcome ? <BatchResults results={outcome.results} cases={outcome.cases} /> : null}
      <Table<Application>
        rowKey="id"
        size="middle"
        loading={queue.isFetching && !queue.isFetchingNextPage}
        columns={columns}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('emptyQueue') }}
        rowClassName={(a) => (a.overdue ? 'queue-overdue' : '')}
        rowSelection={{
          selectedRowKeys: selected,
          onChange: (keys) => setSelected(keys.map(String)),
          getCheckboxProps: (a) => ({ 'aria-label': t('selectRow', { caseNumber: a.case.caseNumber }) }),
        }}
        onRow={(a) => ({
          'data-queue-row': a.id,
          style: { cursor: 'pointer' },
          onClick: (e) => {
            // The checkbox and the link do their own thing; anywhere else on the row opens the application.
            const target = e.target as HTMLElement;
            if (target.closest('.ant-table-selection-column, a, button, input, label')) return;
            navigate(`/applications/${a.id}`);
          },
        })}
      />
      <Space>
        <Button
          disabled={!queue.hasNextPage}
          loading={queue.isFetchingNextPage}
          onClick={() => void queue.fetchNextPage()}
        >
          {t('moreQueue')}
        </Button>
        <span>{t('queueShown', { n: rows.length })}</span>
      </Space>
      <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('batchTitle')}</h2>}>
        <Typography.Paragraph data-testid="batch-selected">
          {selected.length > 0 ? t('batchSelected', { n: selected.length }) : t('batchNothingSelected')}
        </Typography.Paragraph>
        <Form form={form} name="batch" layout="vertical" initialValues={{ decision: 'approve', comment: '' }}>
          <Form.Item label={t('decision')} name="decision">
            <Radio.Group
              optionType="button"
              options={(['approve', 'reject', 'return'] as const).map((d) => ({
                value: d,
                label: decisionLabel(d),
              }))}
            />
          </Form.Item>
          <Form.Item
            label={t('batchComment')}
            name="comment"
            rules={[{ required: decision !== 'approve', whitespace: true, message: t('commentRequired') }]}
          >
            <Input.TextArea rows={2} maxLength={4000} />
          </Form.Item>
        </Form>
        {batch.isError ? <ProblemAlert error={batch.error} /> : null}
        <Button
          type="primary"
          danger={decision === 'reject'}
          disabled={selected.length === 0}
          onClick={() => void startBatch().catch(() => {})}
        >
          {t('batchDecide')}
        </Button>
      </Card>
      <Modal
        open={confirming !== null}
        title={t('batchConfirmTitle')}
        okText={t('batchConfirmOk')}
        cancelText={t('cancel')}
        confirmLoading={batch.isPending}
        okButtonProps={{ danger: confirming?.decision === 'reject' }}
        onCancel={() => setConfirming(null)}
        onOk={() => {
          if (confirming) batch.mutate({ ...confirming, ids: selected });
        }}
      >
        <p data-testid="batch-confirm">
          {confirming
            ? t('batchConfirmBody', { n: selected.length, decision: decisionLabel(confirming.decision) })
            : null}
        </p>
        {confirming?.comment ? <p>“{confirming.comment}”</p> : null}
      </Modal>
    </Space>
  );
}
