import { describe, expect, it } from 'vitest';
import { FakePlatform, demoPlatform } from './fake';
import { PlatformError, type ErrorCode } from './index';

const NOW = new Date('2026-11-23T12:00:00Z');
const clock = () => NOW;

async function rejection(promise: Promise<unknown>): Promise<ErrorCode> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PlatformError);
    return (error as PlatformError).code;
  }
  throw new Error('expected a rejection');
}

describe('FakePlatform', () => {
  it('looks up cards by a substring of the display name or an alias', async () => {
    const fake = new FakePlatform({ role: 'officer', now: clock });
    fake.seedPerson({ name: 'Rosa Demo', case_manager: 'Sam', case_manager_phone: '555', status: 'active' });
    fake.seedPerson({ aliases: ['J-Bird'] });
    const cards = await fake.lookup('osa d', 'stop on 3rd Ave');
    expect(cards).toHaveLength(1);
    expect(cards[0]).toMatchObject({ display_name: 'Rosa Demo', status: 'active', case_manager: 'Sam' });
    expect(Object.keys(cards[0] ?? {}).sort()).toEqual(
      ['case_manager', 'case_manager_phone', 'display_name', 'person_id', 'status', 'updated_at'],
    );
    expect((await fake.lookup('jbird')).map((c) => c.display_name)).toEqual(['J-Bird']);
    expect(await fake.lookup('nobody')).toEqual([]);
    expect(await rejection(fake.lookup(' - '))).toBe('invalid');
    expect(await rejection(fake.lookup('rosa', 'x'.repeat(501)))).toBe('invalid');
  });

  it('refuses case methods to an officer with not_permitted', async () => {
    const fake = new FakePlatform({ role: 'officer', now: clock });
    const id = fake.seedPerson({ name: 'Rosa Demo' });
    expect(await rejection(fake.personSearch('rosa'))).toBe('not_permitted');
    expect(await rejection(fake.personAdd({ name: 'New' }))).toBe('not_permitted');
    expect(await rejection(fake.encounterLog({ person: id }))).toBe('not_permitted');
    expect(await rejection(fake.encounterList(id))).toBe('not_permitted');
    expect(await rejection(fake.referralUpdate('r-1', 'contacted'))).toBe('not_permitted');
    // What an officer may do.
    await expect(fake.referralCreate({ pathway: 'social_contact', person: id })).resolves.toBeTruthy();
    await expect(fake.referralList()).resolves.toHaveLength(1);
  });

  it('sets the intake deadline 30 days out and counts days left like the device', async () => {
    let now = NOW;
    const fake = new FakePlatform({ role: 'outreach', now: () => now, exclusions: { dealing: 'Dealing for profit' } });
    const created = await fake.referralCreate({
      pathway: 'arrest_diversion',
      name: 'Jay Example',
      exclusions: ['dealing'],
      lat: 47.6,
      lon: -122.3,
    });
    expect(created.intake_deadline).toBe('2026-12-23T12:00:00.000Z');
    expect(created.days_left).toBe(30);
    expect(created.status).toBe('new');
    expect(created.eligibility).toEqual({ result: 'needs_review', reasons: ['exclusion: Dealing for profit'] });

    now = new Date('2026-12-23T11:00:00Z');
    expect((await fake.referralList())[0]?.days_left).toBe(1);
    now = new Date('2026-12-25T13:00:00Z');
    expect((await fake.referralList())[0]?.days_left).toBe(-3);

    const closed = await fake.referralUpdate(created.id, 'intake_complete');
    expect(closed.days_left).toBeNull();
    expect((await fake.personSearch('jay'))[0]?.status).toBe('active');
    expect(await rejection(fake.referralUpdate(created.id, 'contacted'))).toBe('invalid');
    expect(await rejection(fake.referralCreate({ pathway: 'self', name: 'X', exclusions: ['typo'] }))).toBe('invalid');
  });

  it("shows an officer only the officer's own referrals", async () => {
    const fake = new FakePlatform({ role: 'officer', now: clock });
    const id = fake.seedPerson({ name: 'Rosa Demo' });
    fake.seedReferral(id, 2, 'new', 'someone-else');
    const mine = fake.seedReferral(id, 1);
    expect((await fake.referralList()).map((r) => r.id)).toEqual([mine]);
  });

  it('logs and lists contacts, counts services, marks them pending until sync', async () => {
    const fake = new FakePlatform({ now: clock });
    const { id, possible_duplicates } = await fake.personAdd({ name: 'Rosa Demo' });
    expect(possible_duplicates).toEqual([]);
    expect((await fake.personAdd({ name: 'rosa demo' })).possible_duplicates.map((d) => d.id)).toEqual([id]);
    await fake.encounterLog({ person: id, services: ['naloxone', 'naloxone', 'water'] });
    const [contact] = await fake.encounterList(id);
    expect(contact).toMatchObject({ person_id: id, services: { naloxone: 2, water: 1 }, pending_sync: true });
    expect(await rejection(fake.encounterLog({ person: 'missing' }))).toBe('not_found');

    fake.online = false;
    expect(await rejection(fake.sync())).toBe('relay_unreachable');
    fake.online = true;
    expect(await fake.sync()).toMatchObject({ pushed: 3, pending: 0 });
    expect((await fake.encounterList())[0]?.pending_sync).toBe(false);
  });

  it('has demo data with open and closed referrals', async () => {
    const fake = demoPlatform({ now: clock });
    const list = await fake.referralList();
    expect(list.map((r) => r.days_left)).toEqual([3, -1, null]);
  });
});
