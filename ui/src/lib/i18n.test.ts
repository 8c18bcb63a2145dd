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

describe('placeholders', () => {
  it('fills {name} and leaves unknown ones', () => {
    expect(t('app.title', 'en', { x: 1 })).toBe('Waymark');
  });
});

describe('area tables', () => {
  it('never define one key twice with different meanings', async () => {
    const tables = await Promise.all(
      ['common', 'outreach', 'consent', 'officer', 'office', 'lists', 'audit', 'reports', 'start'].map((a) => import(`./strings/${a}.ts`)),
    );
    const seen = new Map<string, number>();
    tables.forEach((table: { en: Record<string, string> }, i) => {
      for (const key of Object.keys(table.en)) {
        expect(seen.has(key), `${key} is in two area tables`).toBe(false);
        seen.set(key, i);
      }
    });
  });
});
