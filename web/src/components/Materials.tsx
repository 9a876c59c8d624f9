import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Progress, Table, Tag, Typography } from 'antd';
import { type DragEvent, useRef, useState } from 'react';
import {
  ApiProblem,
  api,
  type DocumentRecord,
  type DocumentType,
  data,
  newIdempotencyKey,
} from '../api/client.ts';
import { DOCUMENT_LABELS, DOCUMENT_STATUS_LABELS, DOCUMENT_TYPES } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { fileSize, shanghaiTime } from '../lib/format.ts';
import { ACCEPTED_TYPES, checkFile, putWithProgress, sha256Hex, UploadProblem } from '../lib/upload.ts';
import { DocumentReview, DocumentView } from './DocumentViewer.tsx';
import { ProblemAlert } from './ProblemAlert.tsx';

type Phase = 'hashing' | 'uploading' | 'confirming' | 'error';
interface SlotState {
  phase: Phase;
  fileName: string;
  percent: number;
  documentId?: string;
  error?: unknown;
}

/** The newest document of each type: that is the one that counts for submission. */
export function latestByType(docs: DocumentRecord[]): Map<DocumentType, DocumentRecord> {
  const latest = new Map<DocumentType, DocumentRecord>();
  for (const d of docs) {
    const prior = latest.get(d.type);
    if (!prior || prior.createdAt <= d.createdAt) latest.set(d.type, d);
  }
  return latest;
}

function DocStatus({ doc }: { doc: DocumentRecord | undefined }) {
  const { t, lang } = useLocale();
  if (!doc) return <Tag>{t('docNone')}</Tag>;
  const s = DOCUMENT_STATUS_LABELS[doc.status];
  return (
    <Tag color={s.color} data-doc-status={doc.status}>
      {s[lang]}
    </Tag>
  );
}

function Dropzone({
  label,
  onFile,
  disabled,
}: {
  label: string;
  onFile: (f: File) => void;
  disabled: boolean;
}) {
  const { t } = useLocale();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  return (
    <div>
      {/* The zone takes dropped files and, as a button, opens the file chooser (keyboard too). */}
      <button
        type="button"
        data-dropzone={label}
        aria-label={`${label}: ${t('dropHere')}`}
        disabled={disabled}
        onClick={() => input.current?.click()}
        onDragOver={(e: DragEvent) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e: DragEvent) => {
          e.preventDefault();
          setOver(false);
          const file = e.dataTransfer.files[0];
          if (file) onFile(file);
        }}
        style={{
          width: '100%',
          textAlign: 'start',
          font: 'inherit',
          color: 'inherit',
          border: `1px dashed ${over ? '#0958d9' : '#8c8c8c'}`,
          background: over ? '#e6f4ff' : '#fafafa',
          borderRadius: 6,
          padding: '8px 12px',
          cursor: disabled ? 'not-allowed' : 'pointer',
        }}
      >
        {t('dropHere')}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        tabIndex={-1}
        accept={[...ACCEPTED_TYPES, '.pdf', '.jpg', '.jpeg', '.png', '.tif', '.tiff'].join(',')}
        aria-label={label}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
    </div>
  );
}

/**
 * The six materials: each type's current document and status (as the server reports it), and — while
 * the application is editable — a drop zone per type. A file is checked, hashed (SHA-256, WebCrypto),
 * registered (POST …/documents), PUT to its presigned URL with progress, and then shows `uploaded`
 * only when the server says the object landed with the declared checksum.
 */
export function Materials({
  applicationId,
  docs,
  editable,
  reviewable = false,
}: {
  applicationId: string;
  docs: DocumentRecord[];
  editable: boolean;
  /** 材料审查: accept or reject each uploaded document (the clerk before submission, the deciding approver). */
  reviewable?: boolean;
}) {
  const { t, lang, problem } = useLocale();
  const queryClient = useQueryClient();
  const [slots, setSlots] = useState<Partial<Record<DocumentType, SlotState>>>({});
  // Documents shown inline below their row (any reader may view what was uploaded).
  const [viewing, setViewing] = useState<DocumentType[]>([]);
  const latest = latestByType(docs);
  const set = (type: DocumentType, state: SlotState | undefined) =>
    setSlots((prev) => ({ ...prev, [type]: state }));

  const upload = async (type: DocumentType, file: File) => {
    const base = { fileName: file.name, percent: 0 };
    try {
      const contentType = checkFile(file);
      set(type, { ...base, phase: 'hashing' });
      const sha256 = await sha256Hex(file);
      const grant = await data(
        api().POST('/applications/{id}/documents', {
          params: { path: { id: applicationId } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: { type, contentType, sizeBytes: file.size, sha256 },
        }),
      );
      set(type, { ...base, phase: 'uploading', documentId: grant.documentId });
      await putWithProgress(grant.upload.url, grant.upload.headers, file, (f) =>
        set(type, {
          ...base,
          phase: 'uploading',
          percent: Math.round(f * 100),
          documentId: grant.documentId,
        }),
      );
      set(type, { ...base, phase: 'confirming', percent: 100, documentId: grant.documentId });
      await queryClient.invalidateQueries({ queryKey: ['documents', applicationId] });
    } catch (error) {
      set(type, { ...base, phase: 'error', error });
    }
  };

  const missing = DOCUMENT_TYPES.filter((type) => latest.get(type)?.status !== 'uploaded');
  const rows = DOCUMENT_TYPES.map((type) => ({ type, doc: latest.get(type), slot: slots[type] }));

  return (
    <>
      {missing.length === 0 ? (
        <Alert type="success" showIcon title={t('materialsComplete')} />
      ) : (
        <Alert
          type="warning"
          showIcon
          title={t('materialsMissing', {
            types: missing.map((m) => DOCUMENT_LABELS[m][lang]).join(t('listSeparator')),
          })}
        />
      )}
      <Table
        rowKey="type"
        size="small"
        pagination={false}
        style={{ marginTop: 12 }}
        dataSource={rows}
        expandable={{
          showExpandColumn: false,
          expandedRowKeys: viewing.filter((type) => latest.get(type)?.status !== 'pending'),
          expandedRowRender: (r) =>
            r.doc ? <DocumentView applicationId={applicationId} doc={r.doc} /> : null,
        }}
        columns={[
          {
            title: t('docType'),
            key: 'type',
            width: 200,
            render: (_, r) => DOCUMENT_LABELS[r.type][lang],
          },
          { title: t('docStatus'), key: 'status', width: 130, render: (_, r) => <DocStatus doc={r.doc} /> },
          {
            title: t('docSize'),
            key: 'size',
            width: 90,
            render: (_, r) => (r.doc ? fileSize(r.doc.sizeBytes) : '—'),
          },
          {
            title: t('docSha'),
            key: 'sha',
            render: (_, r) =>
              r.doc ? (
                <Typography.Text code title={r.doc.sha256}>
                  {r.doc.sha256.slice(0, 16)}…
                </Typography.Text>
              ) : (
                '—'
              ),
          },
          {
            title: t('docUploadedAt'),
            key: 'uploadedAt',
            width: 170,
            render: (_, r) => shanghaiTime(r.doc?.uploadedAt),
          },
          {
            title: t('viewDocument'),
            key: 'view',
            width: 90,
            render: (_, r) => {
              if (!r.doc || r.doc.status === 'pending') return '—';
              const open = viewing.includes(r.type);
              const label = DOCUMENT_LABELS[r.type][lang];
              return (
                <Button
                  size="small"
                  aria-expanded={open}
                  aria-label={`${t(open ? 'hideDocument' : 'viewDocument')} ${label}`}
                  onClick={() => setViewing((v) => (open ? v.filter((x) => x !== r.type) : [...v, r.type]))}
                >
                  {t(open ? 'hideDocument' : 'viewDocument')}
                </Button>
              );
            },
          },
          ...(reviewable
            ? [
                {
                  title: t('reviewColumn'),
                  key: 'review',
                  width: 240,
                  render: (_: unknown, r: (typeof rows)[number]) =>
                    r.doc && r.doc.status !== 'pending' ? (
                      <DocumentReview applicationId={applicationId} doc={r.doc} />
                    ) : (
                      '—'
                    ),
                },
              ]
            : []),
          ...(editable
            ? [
                {
                  title: t('uploadColumn'),
                  key: 'upload',
                  width: 360,
                  render: (_: unknown, r: (typeof rows)[number]) => {
                    const label = t('dropLabel', { type: DOCUMENT_LABELS[r.type][lang] });
                    const busy = r.slot?.phase === 'hashing' || r.slot?.phase === 'uploading';
                    const confirmed =
                      r.slot?.phase === 'confirming' &&
                      docs.some((d) => d.documentId === r.slot?.documentId && d.status !== 'pending');
                    return (
                      <div data-material={r.type}>
                        <Dropzone label={label} disabled={busy} onFile={(f) => void upload(r.type, f)} />
                        {r.slot && r.slot.phase !== 'error' ? (
                          <div style={{ marginTop: 4 }}>
                            <Typography.Text>
                              {r.slot.fileName} ·{' '}
                              {confirmed
                                ? t('uploadDone')
                                : t(r.slot.phase === 'confirming' ? 'confirming' : r.slot.phase)}
                            </Typography.Text>
                            <Progress
                              percent={r.slot.percent}
                              size="small"
                              status={confirmed ? 'success' : 'active'}
                              aria-label={`${label} ${r.slot.percent}%`}
                            />
                          </div>
                        ) : null}
                        {r.slot?.phase === 'error' ? (
                          r.slot.error instanceof ApiProblem ? (
                            <ProblemAlert error={r.slot.error} />
                          ) : (
                            <Alert
                              type="error"
                              showIcon
                              role="alert"
                              title={problem(
                                r.slot.error instanceof UploadProblem ? r.slot.error.code : 'UPLOAD_FAILED',
                              )}
                            />
                          )
                        ) : null}
                      </div>
                    );
                  },
                },
              ]
            : []),
        ]}
      />
    </>
  );
}
