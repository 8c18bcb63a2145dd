import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { t } from '../i18n';

describe('the 42 CFR 2.32 notice on officer cards', () => {
  it('is word for word the device’s notice (crates/waymark-domain/src/role.rs)', () => {
    const rust = readFileSync(resolve(import.meta.dirname, '../../../../crates/waymark-domain/src/role.rs'), 'utf8');
    const notice = /pub const PART2_NOTICE: &str = "([^"]+)";/.exec(rust)?.[1];
    expect(notice).toBeTruthy();
    expect(t('card.notice', 'en')).toBe(notice);
    expect(t('card.notice', 'es')).toContain('42 CFR part 2');
  });
});
