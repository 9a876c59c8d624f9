import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { MESSAGES, type MessageKey } from './messages.ts';
import { problemMessage } from './problems.ts';

export type Lang = 'zh' | 'en';

interface LocaleValue {
  lang: Lang;
  setLang(lang: Lang): void;
  /** The message for `key`, with `{name}` placeholders filled from `vars`. */
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  problem(code: string): string;
  /** `text` as an aside after a word: （text） in Chinese, " (text)" in English. */
  aside(text: string): string;
}

const LocaleContext = createContext<LocaleValue | null>(null);
const KEY = 'relief.console.lang';

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage unavailable: Chinese by default
  }
  return 'zh';
}

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // not persisted
    }
  }, []);
  const value = useMemo<LocaleValue>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => {
        let text: string = MESSAGES[lang][key];
        if (vars)
          for (const [name, v] of Object.entries(vars)) text = text.replaceAll(`{${name}}`, String(v));
        return text;
      },
      problem: (code) => problemMessage(code, lang),
      aside: (text) => (lang === 'zh' ? `（${text}）` : ` (${text})`),
    }),
    [lang, setLang],
  );
  return <LocaleContext.Provider value={value}>{children}</LocaleContext.Provider>;
}

export function useLocale(): LocaleValue {
  const value = useContext(LocaleContext);
  if (!value) throw new Error('useLocale outside LocaleProvider');
  return value;
}
