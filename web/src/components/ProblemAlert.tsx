import { Alert } from 'antd';
import { ApiProblem, type ProblemItem } from '../api/client.ts';
import { useLocale } from '../i18n/locale.tsx';

/** An error in words: the message for its `code`, and each failed condition or field under it. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  const { t, problem, lang } = useLocale();
  const p = error instanceof ApiProblem ? error : new ApiProblem(0, 'UNEXPECTED_RESPONSE', '');
  const items = p.errors;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={title ?? problem(p.code)}
      description={
        <>
          {title ? <div>{problem(p.code)}</div> : null}
          {items.length > 0 ? (
            <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
              {items.map((item) => (
                <li key={`${item.code}:${item.path}`}>{itemMessage(item, lang, problem)}</li>
              ))}
            </ul>
          ) : null}
          <div style={{ fontSize: 12, marginTop: 4 }}>
            {t('errorCode')}: {p.code}
          </div>
        </>
      }
    />
  );
}

/** A failed condition: the server's own Chinese/English sentence when it has one (eligibility does). */
export function itemMessage(item: ProblemItem, lang: 'zh' | 'en', problem: (code: string) => string): string {
  if (lang === 'zh' && item.messageZh) return item.messageZh;
  if (lang === 'en' && item.messageZh && item.message) return item.message;
  const base = problem(item.code);
  return item.path ? `${item.path}: ${base}` : base;
}
