import { describe, expect, it } from 'vitest';
import type { Consent } from '../../platform';
import { STRINGS, t } from '../i18n';
import {
  MAX_CONSENT_TEXT,
  PARTY_LABEL,
  STATE_LABEL,
  civilDateLabel,
  consentInput,
  consentOrder,
  consentProblems,
  consentState,
  emptyConsentForm,
  hasProblems,
  partyOrder,
  sharedWithOfficers,
  type ConsentForm,
} from './consent';

const NOW = new Date('2026-11-23T20:00:00Z');

function consent(fields: Partial<Consent> = {}): Consent {
  return {
    id: 'c-1',
    parties: ['law_enforcement'],
    purpose: 'p',
    description: 'd',
    signed_at: '2026-01-01T00:00:00Z',
    ...fields,
  };
}

function form(fields: Partial<ConsentForm> = {}): ConsentForm {
  return { ...emptyConsentForm(), parties: ['housing'], event: 'completion of the program', ...fields };
}

describe('consentState', () => {
  it('is in force until the instant after the last day, and stays so with only an event', () => {
    // 2026-11-30 in Seattle ends at 08:00 UTC on 1 December.
    const dated = consent({ expires_on: '2026-11-30', expires_at: '2026-12-01T08:00:00Z' });
    expect(consentState(dated, NOW)).toBe('in_force');
    expect(consentState(dated, new Date('2026-12-01T07:59:59Z'))).toBe('in_force');
    expect(consentState(dated, new Date('2026-12-01T08:00:00Z'))).toBe('expired');
    expect(consentState(consent({ expiry_event: 'exit from the program' }), new Date('2099-01-01'))).toBe('in_force');
    expect(consentState(consent(), NOW)).toBe('in_force');
  });

  it('says revoked for a revoked consent, expired or not', () => {
    expect(consentState(consent({ revoked_at: '2026-02-01T00:00:00Z' }), NOW)).toBe('revoked');
    const both = consent({ expires_at: '2026-03-01T08:00:00Z', revoked_at: '2026-02-01T00:00:00Z' });
    expect(consentState(both, NOW)).toBe('revoked');
  });

  it('has a plain label in both languages', () => {
    expect(t(STATE_LABEL.in_force, 'en')).toBe('In force');
    expect(t(STATE_LABEL.expired, 'en')).toBe('Expired');
    expect(t(STATE_LABEL.revoked, 'en')).toBe('Revoked');
    expect(t(STATE_LABEL.in_force, 'es')).toBe('Vigente');
    expect(t(PARTY_LABEL.law_enforcement, 'es')).toBe('Fuerzas del orden');
    for (const key of [...Object.values(STATE_LABEL), ...Object.values(PARTY_LABEL)]) {
      expect(STRINGS.es[key]).toBeTruthy();
    }
  });
});

describe('sharedWithOfficers', () => {
  it('needs a consent for law enforcement that is in force', () => {
    expect(sharedWithOfficers([], NOW)).toBe(false);
    expect(sharedWithOfficers([consent({ parties: ['housing', 'medical'] })], NOW)).toBe(false);
    expect(sharedWithOfficers([consent({ revoked_at: '2026-02-01T00:00:00Z' })], NOW)).toBe(false);
    expect(sharedWithOfficers([consent({ expires_at: '2026-11-01T07:00:00Z' })], NOW)).toBe(false);
    expect(sharedWithOfficers([consent({ parties: ['medical', 'law_enforcement'] })], NOW)).toBe(true);
  });
});

describe('consentOrder', () => {
  it('lists those in force first, then expired, then revoked, newest signed first', () => {
    const list = [
      consent({ id: 'revoked', revoked_at: '2026-10-01T00:00:00Z', signed_at: '2026-09-01T00:00:00Z' }),
      consent({ id: 'old', signed_at: '2025-01-01T00:00:00Z' }),
      consent({ id: 'expired', expires_at: '2026-06-01T07:00:00Z', signed_at: '2026-05-01T00:00:00Z' }),
      consent({ id: 'new', signed_at: '2026-11-01T00:00:00Z' }),
    ];
    expect(consentOrder(list, NOW).map((c) => c.id)).toEqual(['new', 'old', 'expired', 'revoked']);
    expect(list[0]?.id).toBe('revoked');
  });
});

describe('consentProblems', () => {
  const today = '2026-11-23';

  it('accepts a party and an end (a last day from today on, an event, or both)', () => {
    expect(consentProblems(form(), today)).toEqual({});
    expect(consentProblems(form({ event: '', expires: '2026-11-23' }), today)).toEqual({});
    expect(consentProblems(form({ expires: '2027-02-28' }), today)).toEqual({});
    expect(hasProblems({})).toBe(false);
  });

  it('names each field that needs fixing', () => {
    const blank = consentProblems(emptyConsentForm(), today);
    expect(blank).toEqual({ parties: 'missing', expiry: 'missing' });
    expect(hasProblems(blank)).toBe(true);
    expect(consentProblems(form({ event: '   ' }), today)).toEqual({ expiry: 'missing' });
    expect(consentProblems(form({ expires: '2026-11-22' }), today)).toEqual({ expires: 'past' });
    for (const bad of ['2026-02-30', '2026-5-1', 'tomorrow']) {
      expect(consentProblems(form({ expires: bad }), today)).toEqual({ expires: 'format' });
    }
    const long = 'x'.repeat(MAX_CONSENT_TEXT + 1);
    expect(consentProblems(form({ purpose: long, description: long, event: long }), today)).toEqual({
      purpose: 'too_long',
      description: 'too_long',
      event: 'too_long',
    });
    expect(consentProblems(form({ purpose: `  ${'x'.repeat(MAX_CONSENT_TEXT)}  ` }), today)).toEqual({});
  });
});

describe('consentInput', () => {
  it('sends the parties in the domain’s order and leaves blanks to the device’s standard texts', () => {
    const input = consentInput('p-1', {
      parties: ['medical', 'law_enforcement'],
      purpose: '  ',
      description: ' name and status only ',
      expires: '2027-05-31',
      event: '',
    });
    expect(input).toEqual({
      person: 'p-1',
      parties: ['law_enforcement', 'medical'],
      purpose: null,
      description: 'name and status only',
      expires: '2027-05-31',
      expiry_event: null,
    });
    expect(partyOrder(['housing', 'prosecutor'])).toEqual(['prosecutor', 'housing']);
  });
});

describe('civilDateLabel', () => {
  it('shows the calendar date as entered, whatever the phone’s zone', () => {
    expect(civilDateLabel('2027-05-31', 'en')).toBe('May 31, 2027');
    expect(civilDateLabel('2027-01-01', 'en')).toBe('Jan 1, 2027');
    expect(civilDateLabel('2027-05-31', 'es')).toContain('2027');
    expect(civilDateLabel('not a date', 'en')).toBe('not a date');
  });
});
