import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Input, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiProblem, api, type DocumentRecord, data, newIdempotencyKey } from '../api/client.ts';
import { DOCUMENT_LABELS } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';
import { shanghaiTime } from '../lib/format.ts';
import { sha256Hex } from '../lib/upload.ts';
import { ProblemAlert } from './ProblemAlert.tsx';

interface Fetched {
  blob: Blob;
  sha256: string;
}

/**
 * The document's bytes: GET …/documents/{documentId} with the session token gives a short-lived
 * presigned URL; the bytes fetched from it are hashed here (WebCrypto) so the page can say whether
 * they are the ones recorded at upload.
 */
async function fetchDocument(applicationId: string, doc: DocumentRecord): Promise<Fetched> {
  const withUrl = await data(
    api().GET('/applications/{id}/documents/{documentId}', {
      params: { path: { id: applicationId, documentId: doc.documentId } },
    }),
  );
  if (!withUrl.url) throw new ApiProblem(409, 'DOCUMENT_NOT_UPLOADED', '');
  let response: Response;
  try {
    response = await fetch(withUrl.url);
  } catch {
    throw new ApiProblem(0, 'NETWORK_ERROR', '');
  }
  if (!response.ok) throw new ApiProblem(response.status, 'UNEXPECTED_RESPONSE', '');
  const bytes = await response.arrayBuffer();
  // The recorded content type, not the storage's: a PDF shows as a PDF, an image as an image.
  const blob = new Blob([bytes], { type: doc.contentType });
  return { blob, sha256: await sha256Hex(blob) };
}

/** A blob URL for as long as the component shows it. */
function useObjectUrl(blob: Blob | undefined): string | undefined {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (!blob) return;
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => {
      URL.revokeObjectURL(u);
      setUrl(undefined);
    };
  }, [blob]);
  return url;
}

/** One document inline (PDF in a frame, images as images) with its recorded and computed SHA-256. */
export function DocumentView({ applicationId, doc }: { applicationId: string; doc: DocumentRecord }) {
  const { t, lang } = useLocale();
  const fetched = useQuery({
    queryKey: ['document-bytes', applicationId, doc.documentId],
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
    queryFn: () => fetchDocument(applicationId, doc),
  });
  const url = useObjectUrl(fetched.data?.blob);
  const label = DOCUMENT_LABELS[doc.type][lang];
  const verified = fetched.data ? fetched.data.sha256 === doc.sha256.toLowerCase() : undefined;
  return (
    <section
      aria-label={t('documentViewer', { type: label })}
      data-document-view={doc.documentId}
      style={{ border: '1px solid #d9d9d9', borderRadius: 6, padding: 12 }}
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <div>
          <Typography.Text strong>{t('recordedSha')}：</Typography.Text>
          <Typography.Text code data-testid="recorded-sha">
            {doc.sha256}
          </Typography.Text>
        </div>
        {fetched.isPending ? <div role="status">{t('hashChecking')}</div> : null}
        {fetched.isError ? <ProblemAlert error={fetched.error} /> : null}
        {fetched.data ? (
          <div>
            <Typography.Text strong>{t('computedSha')}：</Typography.Text>
            <Typography.Text code data-testid="computed-sha">
              {fetched.data.sha256}
            </Typography.Text>{' '}
            {verified ? (
              <Tag color="#237804" data-hash="verified">
                {t('hashVerified')}
              </Tag>
            ) : (
              <Tag color="#a8071a" data-hash="mismatch">
                {t('hashMismatch')}
              </Tag>
            )}
          </div>
        ) : null}
        {url && doc.contentType === 'application/pdf' ? (
          <iframe
            src={url}
            title={t('documentViewer', { type: label })}
            style={{ width: '100%', height: 560, border: '1px solid #d9d9d9' }}
          />
        ) : null}
        {url && (doc.contentType === 'image/jpeg' || doc.contentType === 'image/png') ? (
          <img src={url} alt={t('documentViewer', { type: label })} style={{ maxWidth: '100%' }} />
        ) : null}
        {url && doc.contentType === 'image/tiff' ? (
          <Alert type="info" showIcon title={t('noInlinePreview')} />
        ) : null}
        {url ? (
          <a href={url} download={`${doc.type}-${doc.documentId}`}>
            {t('downloadDocument')}
          </a>
        ) : null}
      </Space>
    </section>
  );
}

/**
 * 材料审查 of one uploaded document: accept, or reject with a reason (the clerk before submission, the
 * approver where the application waits). A rejected document is then listed by the return.
 */
export function DocumentReview({ applicationId, doc }: { applicationId: string; doc: DocumentRecord }) {
  const { t, lang, problem } = useLocale();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [missingReason, setMissingReason] = useState(false);
  const label = DOCUMENT_LABELS[doc.type][lang];
  const review = useMutation({
    mutationFn: (v: { verdict: 'accepted' | 'rejected'; reason: string }) =>
      data(
        api().POST('/applications/{id}/documents/{documentId}/review', {
          params: { path: { id: applicationId, documentId: doc.documentId } },
          headers: { 'Idempotency-Key': newIdempotencyKey() },
          body: v,
        }),
      ),
    onSuccess: async () => {
      setRejecting(false);
      setReason('');
      await queryClient.invalidateQueries({ queryKey: ['documents', applicationId] });
      await queryClient.invalidateQueries({ queryKey: ['audit', applicationId] });
    },
  });
  return (
    <Space orientation="vertical" size="small" style={{ width: '100%' }} data-review={doc.type}>
      {doc.review ? (
        <Typography.Text data-review-verdict={doc.review.verdict}>
          {t('reviewVerdictBy', {
            verdict: t(doc.review.verdict === 'accepted' ? 'verdictAccepted' : 'verdictRejected'),
            by: doc.review.reviewedBy,
            time: shanghaiTime(doc.review.at),
          })}
          {doc.review.reason ? `：${doc.review.reason}` : ''}
        </Typography.Text>
      ) : null}
      {doc.status === 'uploaded' && !rejecting ? (
        <Space wrap>
          <Button
            size="small"
            aria-label={`${t('reviewAccept')} ${label}`}
            loading={review.isPending}
            disabled={doc.review?.verdict === 'accepted'}
            onClick={() => review.mutate({ verdict: 'accepted', reason: '' })}
          >
            {t('reviewAccept')}
          </Button>
          <Button
            size="small"
            danger
            aria-label={`${t('reviewReject')} ${label}`}
            onClick={() => setRejecting(true)}
          >
            {t('reviewReject')}
          </Button>
        </Space>
      ) : null}
      {rejecting ? (
        <Space orientation="vertical" size="small" style={{ width: '100%' }}>
          <Input.TextArea
            rows={2}
            maxLength={2000}
            aria-label={`${t('reviewReason')}：${label}`}
            placeholder={t('reviewReason')}
            value={reason}
            status={missingReason ? 'error' : ''}
            onChange={(e) => {
              setReason(e.target.value);
              setMissingReason(false);
            }}
          />
          {missingReason ? (
            <Typography.Text type="danger" role="alert">
              {problem('REVIEW_REASON_REQUIRED')}
            </Typography.Text>
          ) : null}
          <Space>
            <Button
              size="small"
              danger
              type="primary"
              loading={review.isPending}
              onClick={() => {
                if (reason.trim() === '') setMissingReason(true);
                else review.mutate({ verdict: 'rejected', reason: reason.trim() });
              }}
            >
              {t('reviewRejectConfirm')}
            </Button>
            <Button size="small" onClick={() => setRejecting(false)}>
              {t('cancel')}
            </Button>
          </Space>
        </Space>
      ) : null}
      {review.isError ? <ProblemAlert error={review.error} /> : null}
    </Space>
  );
}
