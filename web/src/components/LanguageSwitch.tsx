import { Segmented } from 'antd';
import { type Lang, useLocale } from '../i18n/locale.tsx';

export function LanguageSwitch() {
  const { lang, setLang, t } = useLocale();
  return (
    <Segmented<Lang>
      aria-label={t('language')}
      size="small"
      value={lang}
      onChange={setLang}
      options={[
        { label: '中文', value: 'zh' },
        { label: 'English', value: 'en' },
      ]}
    />
  );
}
