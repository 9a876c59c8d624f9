import { formatYuan, yuanToFen } from '../domain.ts';

/** Amounts: integer fen shown as yuan with two decimals (50,000.00). */
export const yuan = (fen: number | undefined | null) => (typeof fen === 'number' ? formatYuan(fen) : '—');

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** An instant in China Standard Time, `2026-12-01 17:05:09`, whatever the browser's zone. */
export function shanghaiTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  const p = Object.fromEntries(SHANGHAI.formatToParts(date).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A typed amount in yuan as integer fen, or undefined when it is not one (at most two decimals). */
export function fenOf(yuanText: string | undefined): number | undefined {
  if (!yuanText) return undefined;
  try {
    return yuanToFen(yuanText);
  } catch {
    return undefined;
  }
}

const SHANGHAI_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in China Standard Time, YYYY-MM-DD. */
export const shanghaiToday = (now = new Date()) => SHANGHAI_DAY.format(now);

/**
 * A duration in hours in the words people read: `3天4小时`, `5小时30分钟`, `45分钟` (English `3 days 4 hours`,
 * `5 hours 30 minutes`, `45 minutes`). Days keep whole hours, hours whole minutes; under half a minute is
 * `不到1分钟` / `under a minute`.
 */
export function duration(hours: number, lang: 'zh' | 'en'): string {
  const minutes = Math.round(Math.max(0, hours) * 60);
  const en = lang === 'en';
  const unit = (n: number, zh: string, one: string) =>
    en ? `${n} ${one}${n === 1 ? '' : 's'}` : `${n}${zh}`;
  const join = (parts: string[]) => parts.join(en ? ' ' : '');
  if (minutes < 1) return en ? 'under a minute' : '不到1分钟';
  if (minutes < 60) return unit(minutes, '分钟', 'minute');
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return join([unit(h, '小时', 'hour'), ...(m > 0 ? [unit(m, '分钟', 'minute')] : [])]);
  }
  const wholeHours = Math.round(minutes / 60);
  const d = Math.floor(wholeHours / 24);
  const h = wholeHours % 24;
  return join([unit(d, '天', 'day'), ...(h > 0 ? [unit(h, '小时', 'hour')] : [])]);
}
