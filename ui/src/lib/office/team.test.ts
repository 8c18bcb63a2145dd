import { describe, expect, it } from 'vitest';
import type { TeamView } from '../../platform';
import { changes, formOf } from './team';

const TEAM: TeamView = {
  name: 'Downtown LEAD',
  time_zone: 'America/Los_Angeles',
  intake_days: 30,
  catchment: null,
  exclusions: [],
  services: [],
  location_precision: 'exact',
  lock_minutes: 5,
  export_precision: '1km',
  hmis_without_consent: 'exclude',
  inactive_days: 90,
};

describe('team settings form', () => {
  it('sends nothing when nothing changed', () => {
    expect(changes(TEAM, formOf(TEAM))).toEqual({ input: {} });
  });

  it('sends only the fields that changed, numbers as numbers, text trimmed', () => {
    const form = { ...formOf(TEAM), name: '  Downtown LEAD  ', lock_minutes: ' 12 ', export_precision: '100m' };
    expect(changes(TEAM, form)).toEqual({ input: { lock_minutes: 12, export_precision: '100m' } });
    const more = { ...formOf(TEAM), name: 'North', hmis_without_consent: 'deidentify', inactive_days: '60' };
    expect(changes(TEAM, more)).toEqual({ input: { name: 'North', inactive_days: 60, hmis_without_consent: 'deidentify' } });
  });

  it('refuses a number field that is not a whole number, and leaves ranges to the device', () => {
    expect(changes(TEAM, { ...formOf(TEAM), intake_days: '' })).toEqual({ bad: 'intake_days' });
    expect(changes(TEAM, { ...formOf(TEAM), lock_minutes: '2.5' })).toEqual({ bad: 'lock_minutes' });
    expect(changes(TEAM, { ...formOf(TEAM), inactive_days: 'ninety' })).toEqual({ bad: 'inactive_days' });
    expect(changes(TEAM, { ...formOf(TEAM), lock_minutes: '45' })).toEqual({ input: { lock_minutes: 45 } });
  });
});
