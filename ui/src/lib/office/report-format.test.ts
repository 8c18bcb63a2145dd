import { describe, expect, it } from 'vitest';
import type { ReportView } from '../../platform';
import { t as translate, type Key } from '../i18n';
import {
  NONE,
  caseloadRows,
  chartSummary,
  formatCount,
  formatDay,
  formatDecimal,
  formatPercent,
  formatRange,
  hasData,
  officerRows,
  outcomeRows,
  pathwayRows,
  supplyRows,
  weekRows,
} from './report-format';

const t = (key: Key, values?: Record<string, string | number>) => translate(key, 'en', values);
const es = (key: Key, values?: Record<string, string | number>) => translate(key, 'es', values);

/** A report as the device answers it (only what the rows read matters). */
function report(): ReportView {
  return {
    team_name: 'Team',
    generated_at: '2026-03-04T19:00:00Z',
    period: {
      from: '2026-02-01',
      to: '2026-02-28',
      time_zone: 'America/Los_Angeles',
      start: '2026-02-01T08:00:00Z',
      end: '2026-03-01T08:00:00Z',
      days: 28,
      months: 0.9199,
    },
    contacts: 15,
    attempted: 3,
    unique_persons: 6,
    anonymous_contacts: 2,
    contacts_per_week: [
      { week: '2026-W05', start: '2026-01-26', contacts: 0 },
      { week: '2026-W06', start: '2026-02-02', contacts: 2 },
    ],
    contacts_per_worker: [],
    supplies: { naloxone: 4, fentanyl_test_strips: 0, food: 4, bus_pass: 1 },
    supplies_order: ['naloxone', 'fentanyl_test_strips', 'food', 'bus_pass'],
    referrals: {
      total: 3,
      by_pathway: { arrest_diversion: 1, community: 1, self: 0, social_contact: 1 },
      by_outcome: { contacted: 2, declined: 0, expired: 0, intake_complete: 0, new: 1, unable_to_locate: 0 },
      by_officer: { 'bbbbbbbb-0000-4000-8000-000000000002': 1, 'aaaaaaaa-0000-4000-8000-000000000001': 4 },
      from_officers: 5,
      officer_concentration: { officers: 2, top_officer_share_pct: 80, warning: true },
    },
    median_days_to_first_contact: 4.08,
    first_contacts: 2,
    median_days_to_intake: null,
    intakes: 0,
    intakes_within_window: 0,
    intake_within_window_pct: null,
    active_participants: 6,
    active_participant_contacts: 12,
    contact_dose_per_active_participant_per_month: 2.17,
    caseload: {
      by_case_manager: [
        { case_manager: 'Alex Kim', participants: 3 },
        { case_manager: 'Sam Rivera', participants: 2 },
      ],
      unassigned: 1,
    },
  };
}

describe('figures', () => {
  it('show numbers in the language and a dash, never 0, for nothing', () => {
    expect(formatCount(1234, 'en')).toBe('1,234');
    expect(formatDecimal(4.08, 'en')).toBe('4.08');
    // Spanish as written in the US: a decimal point.
    expect(formatDecimal(4.08, 'es')).toBe('4.08');
    expect(formatDecimal(7.25, 'en', 1)).toBe('7.3');
    expect(formatDecimal(2, 'en')).toBe('2');
    expect(formatDecimal(null, 'en')).toBe(NONE);
    expect(formatPercent(50, 'en')).toBe('50%');
    expect(formatPercent(66.7, 'en')).toBe('66.7%');
    expect(formatPercent(100, 'es')).toBe('100%');
    expect(formatPercent(null, 'es')).toBe(NONE);
  });

  it('write days and periods as calendar days, whatever the computer’s zone', () => {
    expect(formatDay('2026-02-01', 'en')).toBe('Feb 1, 2026');
    expect(formatDay('2026-02-01', 'en', false)).toBe('Feb 1');
    // ICU puts thin spaces around the dash.
    const plain = (s: string) => s.replace(/\s/g, ' ');
    expect(plain(formatRange({ from: '2026-02-01', to: '2026-02-28' }, 'en'))).toBe('Feb 1 – 28, 2026');
    expect(plain(formatRange({ from: '2025-12-15', to: '2026-03-04' }, 'en'))).toBe('Dec 15, 2025 – Mar 4, 2026');
    expect(plain(formatRange({ from: '2026-02-01', to: '2026-02-28' }, 'es'))).toBe('1–28 de feb de 2026');
  });
});

describe('chart rows', () => {
  it('label weeks by their Monday and keep empty weeks', () => {
    expect(weekRows(report(), 'en')).toEqual([
      { key: '2026-W05', label: 'Jan 26', value: 0 },
      { key: '2026-W06', label: 'Feb 2', value: 2 },
    ]);
  });

  it('put naloxone and test strips first with the team’s labels, even at 0', () => {
    const rows = supplyRows(report(), [
      { key: 'naloxone', label: 'Naloxone kit' },
      { key: 'fentanyl_test_strips', label: 'Fentanyl test strips' },
      { key: 'food', label: 'Food' },
    ]);
    expect(rows.map((r) => [r.label, r.value, r.highlight])).toEqual([
      ['Naloxone kit', 4, true],
      ['Fentanyl test strips', 0, true],
      ['Food', 4, false],
      // A key the catalog no longer lists is still shown, in words.
      ['Bus pass', 1, false],
    ]);
  });

  it('list every pathway and outcome in the domain’s order, in the language', () => {
    expect(pathwayRows(report(), t).map((r) => [r.label, r.value])).toEqual([
      ['Arrest diversion', 1],
      ['Social contact', 1],
      ['Community', 1],
      ['Self-referral', 0],
    ]);
    expect(outcomeRows(report(), es).map((r) => [r.key, r.label, r.value])).toEqual([
      ['new', 'Nueva', 1],
      ['contacted', 'Contactada', 2],
      ['intake_complete', 'Admisión completa', 0],
      ['declined', 'Rechazada', 0],
      ['unable_to_locate', 'No localizada', 0],
      ['expired', 'Vencida', 0],
    ]);
  });

  it('name officers by their device, most referrals first', () => {
    expect(officerRows(report(), t).map((r) => [r.label, r.value])).toEqual([
      ['Officer device aaaaaaaa', 4],
      ['Officer device bbbbbbbb', 1],
    ]);
  });

  it('add the participants without a case manager to the caseload', () => {
    expect(caseloadRows(report(), t).map((r) => [r.label, r.value])).toEqual([
      ['Alex Kim', 3],
      ['Sam Rivera', 2],
      ['No case manager', 1],
    ]);
    const none = { ...report(), caseload: { by_case_manager: [], unassigned: 0 } };
    expect(caseloadRows(none, t)).toEqual([]);
  });

  it('read out every number for the chart’s text alternative', () => {
    const rows = weekRows(report(), 'en');
    expect(chartSummary('Contacts per week', rows, 'en', 'none')).toBe('Contacts per week: Jan 26 0, Feb 2 2.');
    expect(chartSummary('Referrals by officer', [], 'en', 'none')).toBe('Referrals by officer: none.');
    expect(hasData(rows)).toBe(true);
    expect(hasData([{ key: 'a', label: 'A', value: 0 }])).toBe(false);
  });
});
