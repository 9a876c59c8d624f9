import { Button, Space } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useLocale } from '../i18n/locale.tsx';
import { nextPage, pageNumberOf, previousPage } from '../lib/paging.ts';

/**
 * Server-side pages by cursor, kept in the URL (`?cursor=&trail=` beside the page's own filters), so
 * Back/Forward and reload keep the page: `trail` is the cursors of the pages before this one.
 */
export function useUrlPaging() {
  const [params, setParams] = useSearchParams();
  const cursor = params.get('cursor') ?? '';
  const trail = (params.get('trail') ?? '').split(' ').filter(Boolean);
  /** Sets (or, with null or '', removes) the given query parameters, keeping the others. */
  const update = (next: Record<string, string | null>) => {
    const merged = new URLSearchParams(params);
    for (const [k, v] of Object.entries(next)) {
      if (v === null || v === '') merged.delete(k);
      else merged.set(k, v);
    }
    setParams(merged);
  };
  /** Spread into an update that changes a filter: back to the first page. */
  const resetPaging = { cursor: null, trail: null };
  const pageNumber = pageNumberOf(cursor, trail);
  return { params, cursor, trail, update, resetPaging, pageNumber };
}

export type UrlPaging = ReturnType<typeof useUrlPaging>;

/** First / previous / page n / next, the next page named by the server's `nextCursor`. */
export function CursorPager({
  paging,
  nextCursor,
}: {
  paging: UrlPaging;
  nextCursor: string | null | undefined;
}) {
  const { t } = useLocale();
  const { cursor, trail, update, resetPaging, pageNumber } = paging;
  return (
    <nav aria-label={t('pageN', { n: pageNumber })}>
      <Space>
        <Button disabled={!cursor} onClick={() => update(resetPaging)}>
          {t('firstPage')}
        </Button>
        <Button disabled={!cursor} onClick={() => update(previousPage(trail))}>
          {t('prevPage')}
        </Button>
        <span>{t('pageN', { n: pageNumber })}</span>
        <Button
          disabled={!nextCursor}
          onClick={() => nextCursor && update(nextPage(cursor, trail, nextCursor))}
        >
          {t('nextPage')}
        </Button>
      </Space>
    </nav>
  );
}
