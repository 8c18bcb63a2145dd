import { afterEach, describe, expect, it } from 'vitest';
import type { CardView } from '../../platform';
import {
  cardStatusKey,
  forgetSession,
  lastReason,
  lookupProblem,
  MAX_REASON,
  rememberCards,
  rememberedCard,
  rememberReason,
  telHref,
} from './lookup';

const card = (id: string, status = 'active'): CardView => ({
  person_id: id,
  display_name: `Person ${id}`,
  status,
  case_manager: null,
  case_manager_phone: null,
  updated_at: '2025-11-01T10:00:00Z',
});

describe('lookupProblem', () => {
  it('asks for a name with letters or digits, like the device', () => {
    expect(lookupProblem('', 'stop')).toBe('lookup.need_query');
    expect(lookupProblem(' -- ', 'stop')).toBe('lookup.need_query');
    expect(lookupProblem('Ro', 'stop')).toBeNull();
  });

  it('requires a reason, and not a blank one', () => {
    expect(lookupProblem('Ro', '')).toBe('lookup.need_reason');
    expect(lookupProblem('Ro', '   ')).toBe('lookup.need_reason');
  });

  it('refuses a reason longer than the device accepts (in characters)', () => {
    expect(lookupProblem('Ro', 'é'.repeat(MAX_REASON))).toBeNull();
    expect(lookupProblem('Ro', 'x'.repeat(MAX_REASON + 1))).toBe('lookup.reason_too_long');
  });
});

describe('cardStatusKey', () => {
  it('says in words whether the person is an active participant', () => {
    expect(cardStatusKey('active')).toBe('card.status_active');
    expect(cardStatusKey('referred')).toBe('card.status_referred');
    expect(cardStatusKey('inactive')).toBe('card.status_inactive');
    expect(cardStatusKey('something')).toBe('card.status_unknown');
  });
});

describe('telHref', () => {
  it('keeps digits and a leading plus', () => {
    expect(telHref('+1 (555) 010-0100')).toBe('tel:+15550100100');
    expect(telHref('206 555 0199')).toBe('tel:2065550199');
  });

  it('gives nothing without digits', () => {
    expect(telHref(null)).toBeNull();
    expect(telHref('')).toBeNull();
    expect(telHref('ask the desk')).toBeNull();
  });
});

describe('the session memory', () => {
  afterEach(forgetSession);

  it('offers the last reason again, trimmed, until forgotten', () => {
    expect(lastReason()).toBe('');
    rememberReason('  stop on 3rd Ave ');
    expect(lastReason()).toBe('stop on 3rd Ave');
    forgetSession();
    expect(lastReason()).toBe('');
  });

  it('keeps the cards just shown, for Refer to preselect', () => {
    rememberCards([card('a'), card('b', 'referred')]);
    expect(rememberedCard('b')?.status).toBe('referred');
    expect(rememberedCard('c')).toBeNull();
    forgetSession();
    expect(rememberedCard('a')).toBeNull();
  });
});
