import { Alert, Table, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import type { AuditEntry, DocumentRecord, DocumentType } from '../api/client.ts';
import { courtName, useCourts } from '../api/queries.ts';
import { actionLabel, DOCUMENT_LABELS } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { shanghaiTime } from '../lib/format.ts';

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The submissions and each level's decision, from the audit trail (who, at which court, when, why). */
export function RouteSoFar({ entries }: { entries: AuditEntry[] }) {
  const { t, lang } = useLocale();
  const steps = entries.filter(
    (e) => e.action === 'application.submitted' || e.action.startsWith('decision.'),
  );
  const courts = useCourts([...new Set(steps.map((e) => e.actor.court))]);
  if (steps.length === 0) return <Typography.Text>{t('noDecisionsYet')}</Typography.Text>;
  return (
    <Table<AuditEntry>
      rowKey="seq"
      size="small"
      pagination={false}
      dataSource={steps}
      onRow={(e) => ({ 'data-route-step': e.action }) as HTMLAttributes<HTMLElement>}
      columns={[
        {
          title: t('colLevel'),
          key: 'court',
          render: (_, e) => courtName(courts.get(e.actor.court), e.actor.court),
        },
        { title: t('colDecision'), key: 'action', render: (_, e) => actionLabel(e.action, lang) },
        { title: t('colDecidedBy'), key: 'by', render: (_, e) => e.actor.sub },
        {
          title: t('colDecidedAt'),
          key: 'at',
          render: (_, e) => <time dateTime={e.at}>{shanghaiTime(e.at)}</time>,
        },
        {
          title: t('colComment'),
          key: 'comment',
          render: (_, e) =>
            text(e.detail.comment) ||
            text((e.detail.approvalForm as { reviewOpinion?: unknown } | undefined)?.reviewOpinion) ||
            '—',
        },
      ]}
    />
  );
}

interface ToReplace {
  documentId: string;
  type: DocumentType;
  reason: string;
}

/**
 * What the latest return asked for: the returning court's comment and the documents to replace, each
 * marked once a newer document of its type has been uploaded.
 */
export function ReturnRequest({ entries, docs }: { entries: AuditEntry[]; docs: DocumentRecord[] }) {
  const { t, lang } = useLocale();
  const last = entries.findLast((e) => e.action === 'decision.return');
  const courts = useCourts(last ? [last.actor.court] : []);
  if (!last) return null;
  const asked = (Array.isArray(last.detail.documentsToReplace) ? last.detail.documentsToReplace : []).filter(
    (d): d is ToReplace => typeof d === 'object' && d !== null && typeof (d as ToReplace).type === 'string',
  );
  const replaced = (d: ToReplace) =>
    docs.some((x) => x.type === d.type && x.documentId !== d.documentId && x.status === 'uploaded');
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="return-request"
      title={t('returnRequest')}
      description={
        <>
          <div>
            {t('returnRequestBody', {
              court: courtName(courts.get(last.actor.court), last.actor.court),
              comment: text(last.detail.comment),
            })}
          </div>
          {asked.length > 0 ? (
            <>
              <div style={{ marginTop: 4 }}>{t('returnReplace')}</div>
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {asked.map((d) => (
                  <li key={d.documentId} data-replace={d.type} data-replaced={replaced(d) ? 'true' : 'false'}>
                    <strong>{DOCUMENT_LABELS[d.type]?.[lang] ?? d.type}</strong>
                    {d.reason ? `：${d.reason}` : ''}
                    {replaced(d) ? `（${t('returnReplaced')}）` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <div style={{ marginTop: 4 }}>{t('returnReplaceNone')}</div>
          )}
        </>
      }
    />
  );
}
