import { Button, Result } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useLocale } from '../i18n/locale.tsx';

export default function NotFound() {
  const { t } = useLocale();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={<h1 style={{ fontSize: 24, margin: 0 }}>{t('notFoundTitle')}</h1>}
      extra={
        <Button type="primary" onClick={() => navigate('/applications')}>
          {t('backToList')}
        </Button>
      }
    />
  );
}
