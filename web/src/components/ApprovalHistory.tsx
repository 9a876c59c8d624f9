import { Alert, Table, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import type { AuditEntry, DocumentRecord, DocumentType } from '../api/client.ts';
import { courtName, useCourts } from '../api/queries.ts';
import { actionLabel, DOCUMENT_LABELS } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { lastReturn, routeSteps, stepComment } from '../lib/approval.ts';
import { shanghaiTime } from '../lib/format.ts';

/** The submissions and each level's decision, from the audit trail (who, at which court, when, why). */
export function RouteSoFar({ entries }: { entries: AuditEntry[] }) {
  const { t, lang } = useLocale();
  const steps = routeSteps(entries);
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
          render: (_, e) => stepComment(e) || '—',
        },
      ]}
    />
  );
}

/** What the latest return asked for: the returning court's comment and the documents to replace. */
export function ReturnRequest({ entries, docs }: { entries: AuditEntry[]; docs: DocumentRecord[] }) {
  const { t, lang, aside } = useLocale();
  const request = lastReturn(entries, docs);
  const courts = useCourts(request ? [request.court] : []);
  if (!request) return null;
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
              court: courtName(courts.get(request.court), request.court),
              comment: request.comment,
            })}
          </div>
          {request.documents.length > 0 ? (
            <>
              <div style={{ marginTop: 4 }}>{t('returnReplace')}</div>
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {request.documents.map((d) => (
                  <li key={d.documentId} data-replace={d.type} data-replaced={d.replaced ? 'true' : 'false'}>
                    <strong>{DOCUMENT_LABELS[d.type as DocumentType]?.[lang] ?? d.type}</strong>
                    {d.reason ? `：${d.reason}` : ''}
                    {d.replaced ? aside(t('returnReplaced')) : ''}
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
