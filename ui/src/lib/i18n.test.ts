import { describe, expect, it } from 'vitest';
import { LANGS, STRINGS, statusLabel, t } from './i18n';

describe('i18n', () => {
  it('has every key in every language, none empty', () => {
    const keys = new Set(LANGS.flatMap((lang) => Object.keys(STRINGS[lang])));
    for (const lang of LANGS) {
      for (const key of keys) {
        const value = (STRINGS[lang] as Record<string, string | undefined>)[key];
        expect(value, `${lang}: ${key}`).toBeTruthy();
      }
      expect(Object.keys(STRINGS[lang]).length).toBe(keys.size);
    }
  });

  it('translates', () => {
    expect(t('sync.now', 'en')).toBe('Sync now');
    expect(t('sync.now', 'es')).toBe('Sincronizar');
    expect(statusLabel('intake_complete', 'es')).toBe('Admisión completa');
    expect(statusLabel('something_new', 'en')).toBe('something_new');
  });
});
