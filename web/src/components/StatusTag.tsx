import { Tag } from 'antd';
import { STATUS_LABELS, statusLabel } from '../i18n/labels.ts';
import { useLocale } from '../i18n/locale.tsx';

export function StatusTag({ status }: { status: string }) {
  const { lang } = useLocale();
  const color = (STATUS_LABELS as Record<string, { color: string } | undefined>)[status]?.color ?? '#595959';
  return (
    <Tag color={color} data-status={status}>
      {statusLabel(status, lang)}
    </Tag>
  );
}
