/**
 * Instants as a Chinese reader expects them, in Beijing time (Asia/Shanghai): the exports and the
 * written report show these, never raw ISO strings. Pure (Intl only).
 */
// Pure (annotated): dropped from bundles that import this module but format no instant (see ruling.ts).
const SHANGHAI = /* @__PURE__ */ new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function parts(iso: string): Record<string, string> {
  return Object.fromEntries(SHANGHAI.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
}

/** An instant with its time: `2026年12月1日 15:15（北京时间）`. */
export function humanTime(iso: string): string {
  const p = parts(iso);
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日 ${p.hour}:${p.minute}（北京时间）`;
}

/** The calendar day of an instant in Beijing: `2026年12月1日`. */
export function humanDate(iso: string): string {
  const p = parts(iso);
  return `${p.year}年${Number(p.month)}月${Number(p.day)}日`;
}
