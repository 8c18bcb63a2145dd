import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEMO_IDS, DEMO_PASSPHRASE, DEVICES, demoTeam, demoWorld } from './demo-seed';
import { FakePlatform, demoPlatform, fakeFromParams } from './fake';
import {
  NO_LOCATION,
  OUTSIDE_CATCHMENT,
  addLocalDays,
  catchmentPolygons,
  consentExpiry,
  intersects,
  normalize,
  officerSharing,
} from './fake-rules';
import { PlatformError, type ErrorCode, type PersonView, type SyncState } from './index';

const NOW = new Date('2026-11-23T20:00:00Z');
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

function empty(role: 'outreach' | 'supervisor' | 'officer' = 'outreach', now = clock): FakePlatform {
  return new FakePlatform({ role, now, seed: 'empty' });
}

describe('session', () => {
  it('starts a new device, refuses data until then, and keeps standalone devices off the relay', async () => {
    const fake = new FakePlatform({ phase: 'new', now: clock });
    expect(await fake.session()).toEqual({ phase: 'new', status: null, demo: true });
    expect(await rejection(fake.personList())).toBe('locked');
    expect(await rejection(fake.status())).toBe('locked');
    expect(await rejection(fake.unlock(DEMO_PASSPHRASE))).toBe('not_initialized');
    expect(await rejection(fake.start({ passphrase: 'long enough', role: 'admin' as 'officer' }))).toBe('invalid');
    expect(await rejection(fake.start({ passphrase: 'abc', role: 'outreach' }))).toBe('invalid');

    const first = { passphrase: 'my own words', role: 'supervisor', user_name: 'Ana', team_name: 'North' } as const;
    const status = await fake.start(first);
    expect(status).toMatchObject({ role: 'supervisor', user_name: 'Ana', team_name: 'North', relay: null });
    expect(status.last_sync).toBeNull();
    expect((await fake.session()).phase).toBe('unlocked');
    expect(await rejection(fake.sync())).toBe('not_enrolled');
    expect(await rejection(fake.start({ passphrase: 'again again', role: 'outreach' }))).toBe('already_initialized');

    await fake.lock();
    expect(await rejection(fake.unlock(DEMO_PASSPHRASE))).toBe('wrong_passphrase');
    await expect(fake.unlock('my own words')).resolves.toMatchObject({ role: 'supervisor' });
  });

  it('enrolls with an http(s) relay and a well-formed invitation code', async () => {
    const fake = new FakePlatform({ phase: 'new', role: 'officer', now: clock });
    const code = 'abcdefgh23.ijklmnop45.qrstuvwx67';
    const enroll = (relay: string, code: string) => fake.enroll({ passphrase: 'pass word', relay, code });
    expect(await rejection(enroll('ftp://relay', code))).toBe('invalid');
    expect(await rejection(enroll('https://relay.example', 'nope'))).toBe('invalid');
    expect(await rejection(enroll('https://relay.example', 'abc.defghijk'))).toBe('invalid');
    const status = await enroll('http://10.0.2.2:8787/', 'ABCD-EFGH.2345-6723');
    expect(status).toMatchObject({ role: 'officer', relay: 'http://10.0.2.2:8787' });
    await expect(fake.sync()).resolves.toMatchObject({ pending: 0 });
  });

  it('locks: every data method rejects with locked until the right passphrase', async () => {
    const fake = demoPlatform({ phase: 'locked', now: clock });
    expect(await fake.session()).toEqual({ phase: 'locked', status: null, demo: true });
    const calls: (() => Promise<unknown>)[] = [
      () => fake.status(),
      () => fake.team(),
      () => fake.sync(),
      () => fake.personHome(null),
      () => fake.personSearch('rosa'),
      () => fake.personShow(DEMO_IDS.rosa),
      () => fake.personList(),
      () => fake.personAdd({ name: 'X' }),
      () => fake.personUpdate(DEMO_IDS.rosa, { name: 'X' }),
      () => fake.noteAdd(DEMO_IDS.rosa, 'x'),
      () => fake.notes(DEMO_IDS.rosa),
      () => fake.encounterLog({}),
      () => fake.encounterList(),
      () => fake.referralCheck({ pathway: 'self' }),
      () => fake.referralCreate({ pathway: 'self', name: 'X' }),
      () => fake.referralList(),
      () => fake.referralUpdate(DEMO_IDS.rosa, 'contacted'),
      () => fake.lookup('rosa'),
      () => fake.duplicateReview(),
      () => fake.conferenceList(['law_enforcement']),
      () => fake.followup(),
    ];
    for (const call of calls) expect(await rejection(call())).toBe('locked');
    expect(await rejection(fake.unlock('guess'))).toBe('wrong_passphrase');
    await expect(fake.unlock(DEMO_PASSPHRASE)).resolves.toMatchObject({ team_name: 'Demo team (sample data)' });
    expect((await fake.personList()).length).toBe(15);
    await fake.lock();
    expect((await fake.session()).phase).toBe('locked');
    expect(await rejection(fake.personList())).toBe('locked');
  });
});

describe('unlock lockout (crates/waymark-device/tests/unlock.rs)', () => {
  it('locks out from the 5th wrong passphrase, even the right one, for growing times on its clock', async () => {
    let now = NOW.getTime();
    const fake = demoPlatform({ phase: 'locked', now: () => new Date(now) });
    for (let n = 1; n <= 4; n++) {
      await expect(fake.unlock('guess')).rejects.toMatchObject({ code: 'wrong_passphrase', message: 'wrong passphrase' });
    }
    expect(await fake.unlockState()).toEqual({ failures: 4, attempts_left: 6, locked_until: null, wait_seconds: 0 });
    await expect(fake.unlock('guess')).rejects.toMatchObject({
      code: 'wrong_passphrase',
      message: expect.stringContaining('5 more wrong attempts will destroy') as unknown,
    });
    expect(await fake.unlockState()).toEqual({
      failures: 5,
      attempts_left: 5,
      locked_until: '2026-11-23T20:00:30Z',
      wait_seconds: 30,
    });
    now += 29_000;
    expect(await rejection(fake.unlock(DEMO_PASSPHRASE))).toBe('locked_out');
    expect((await fake.unlockState()).wait_seconds).toBe(1);
    const waits: number[] = [];
    for (let n = 6; n <= 9; n++) {
      now += (await fake.unlockState()).wait_seconds * 1000;
      expect(await rejection(fake.unlock('guess'))).toBe('wrong_passphrase');
      waits.push((await fake.unlockState()).wait_seconds);
    }
    expect(waits).toEqual([60, 120, 240, 480]);
    now += 480_000;
    await expect(fake.unlock(DEMO_PASSPHRASE)).resolves.toMatchObject({ role: 'outreach' });
    expect((await fake.unlockState()).failures).toBe(0);
  });

  it('erases the store at the 10th wrong passphrase: the session is new again', async () => {
    let now = NOW.getTime();
    const fake = demoPlatform({ phase: 'locked', now: () => new Date(now) });
    const codes: ErrorCode[] = [];
    for (let n = 1; n <= 10; n++) {
      codes.push(await rejection(fake.unlock('guess')));
      now += (await fake.unlockState()).wait_seconds * 1000;
    }
    expect(codes).toEqual([...Array<ErrorCode>(9).fill('wrong_passphrase'), 'wiped']);
    expect((await fake.session()).phase).toBe('new');
    expect(await rejection(fake.unlock(DEMO_PASSPHRASE))).toBe('not_initialized');
    expect(await rejection(fake.personList())).toBe('locked');
  });
});

describe('outreach home', () => {
  // crates/waymark-device/tests/overview.rs `home_lists_nearby_by_distance_and_recent_by_last_contact`.
  it('lists nearby persons by distance and recent ones by last contact', async () => {
    const fake = empty();
    const add = async (name: string) => (await fake.personAdd({ name })).id;
    const near = await add('Near Person');
    const nearer = await add('Nearest Person');
    const far = await add('Far Person');
    const unseen = await add('Never Seen');
    const contact = (person: string, at: string, place?: [number, number]) =>
      fake.encounterLog({ person, at, lat: place?.[0] ?? null, lon: place?.[1] ?? null, services: ['food'] });
    await contact(near, '2026-11-20T10:00:00-08:00', [47.602, -122.33]);
    await contact(nearer, '2026-11-19T10:00:00-08:00', [47.6, -122.3293]);
    await contact(far, '2026-11-22T10:00:00-08:00', [47.555, -122.33]);
    await contact(near, '2026-11-21T09:00:00-08:00');

    const here = { lat: 47.6, lon: -122.33, accuracy_m: 10 };
    const home = await fake.personHome(here, 500);
    expect(home.nearby.map((p) => p.person.id)).toEqual([nearer, near]);
    expect(home.nearby[0]?.distance_m).toBeGreaterThan(40);
    expect(home.nearby[0]?.distance_m).toBeLessThan(65);
    expect(home.nearby[1]?.distance_m).toBeGreaterThan(200);
    expect(home.nearby[1]?.distance_m).toBeLessThan(240);
    expect(home.nearby[1]?.contacts).toBe(2);

    expect(home.recent.map((p) => p.person.id)).toEqual([far, near, nearer, unseen]);
    expect(home.recent[1]).toMatchObject({ last_seen_at: '2026-11-21T17:00:00Z', last_seen_lat: 47.602 });
    expect(home.recent[3]).toMatchObject({ last_seen_at: null, contacts: 0, distance_m: null });

    const blind = await fake.personHome(null);
    expect(blind.nearby).toEqual([]);
    expect(blind.recent).toHaveLength(4);
    expect(blind.radius_m).toBe(500);
    for (const bad of [0, -1, Number.NaN, 1e9]) expect(await rejection(fake.personHome(here, bad))).toBe('invalid');
    expect(await rejection(fake.personHome({ lat: 91, lon: 0, accuracy_m: null }))).toBe('invalid');
  });

  it('shows the demo participants around downtown, closest first', async () => {
    const fake = demoPlatform({ now: clock });
    const home = await fake.personHome({ lat: 47.603, lon: -122.333, accuracy_m: 10 });
    const distances = home.nearby.map((p) => p.distance_m ?? Infinity);
    expect(distances.length).toBeGreaterThanOrEqual(5);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.every((d) => d <= 500)).toBe(true);
    // Red was seen an hour ago (not yet synced): first in the recent list.
    expect(home.recent[0]?.person.display_name).toBe('Red');
    expect(home.recent).toHaveLength(15);
  });
});

describe('referral eligibility', () => {
  it('previews eligibility and the intake clock without saving', async () => {
    const fake = demoPlatform({ role: 'officer', now: clock });
    const before = (await fake.referralList()).length;
    const pending = fake.pending();
    const inside = { pathway: 'social_contact', name: 'J', lat: 47.603, lon: -122.333 };
    const check = await fake.referralCheck(inside);
    expect(check).toEqual({
      eligibility: { result: 'eligible', reasons: [] },
      intake_deadline: '2026-12-23T20:00:00Z',
      days_left: 30,
      intake_days: 30,
    });
    expect((await fake.referralCheck({ ...inside, lat: 47.7 })).eligibility).toEqual({
      result: 'needs_review',
      reasons: [OUTSIDE_CATCHMENT],
    });
    expect((await fake.referralCheck({ pathway: 'self', name: 'J' })).eligibility.reasons).toEqual([NO_LOCATION]);
    const excluded = await fake.referralCheck({ ...inside, exclusions: ['under_18', 'violent_history', 'under_18'] });
    expect(excluded.eligibility).toEqual({
      result: 'needs_review',
      reasons: ['exclusion: Under 18', 'exclusion: History of serious violence'],
    });
    expect(await rejection(fake.referralCheck({ ...inside, exclusions: ['no_such_exclusion'] }))).toBe('invalid');
    expect(await rejection(fake.referralCheck({ ...inside, lon: null }))).toBe('invalid');
    expect((await fake.referralList()).length).toBe(before);
    expect(fake.pending()).toBe(pending);
  });

  it('keeps the local wall time of the deadline across a daylight-saving change', async () => {
    // crates/waymark-domain/src/time.rs: 15:00 PDT + 30 days is 15:00 PST.
    expect(addLocalDays(new Date('2026-10-20T22:00:00Z'), 30, 'America/Los_Angeles').toISOString()).toBe(
      '2026-11-19T23:00:00.000Z',
    );
    expect(addLocalDays(new Date('2026-03-01T17:00:00Z'), 14, 'America/Los_Angeles').toISOString()).toBe(
      '2026-03-15T16:00:00.000Z',
    );
    const fake = empty('outreach', () => new Date('2026-10-20T22:00:00Z'));
    const made = await fake.referralCreate({ pathway: 'community', name: 'Jo', lat: 47.603, lon: -122.333 });
    expect(made.intake_deadline).toBe('2026-11-19T23:00:00Z');
  });

  it('tests points against polygons with holes, boundaries and several parts', () => {
    // crates/waymark-domain/src/eligibility.rs tests: a 1°×1° square with a hole.
    const area = catchmentPolygons({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [
              [[-123, 47], [-122, 47], [-122, 48], [-123, 48], [-123, 47]],
              [[-122.6, 47.4], [-122.4, 47.4], [-122.4, 47.6], [-122.6, 47.6], [-122.6, 47.4]],
            ],
          },
        },
      ],
    });
    expect(intersects(area, 47.2, -122.8)).toBe(true);
    expect(intersects(area, 46.5, -122.5)).toBe(false);
    expect(intersects(area, 47.5, -122.5)).toBe(false);
    expect(intersects(area, 47.0, -122.5)).toBe(true);
    expect(intersects(area, 47.4, -122.5)).toBe(true);
    const two = catchmentPolygons({
      type: 'MultiPolygon',
      coordinates: [
        [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        [[[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]],
      ],
    });
    expect(intersects(two, 10.5, 10.5)).toBe(true);
    expect(intersects(two, 5, 5)).toBe(false);
  });

  it('saves referrals with the deadline, and moves them along the status machine', async () => {
    let now = NOW;
    const fake = empty('outreach', () => now);
    const made = await fake.referralCreate({
      pathway: 'arrest_diversion',
      name: 'Jay Example',
      exclusions: ['dealing_for_profit'],
      lat: 47.603,
      lon: -122.333,
      charge_category: ' Drug possession ',
    });
    expect(made).toMatchObject({ intake_deadline: '2026-12-23T20:00:00Z', days_left: 30, status: 'new' });
    expect(made.eligibility.reasons).toEqual(['exclusion: Dealing for profit above the threshold']);
    const [stub] = await fake.personList();
    expect(stub).toMatchObject({ id: made.person_id, name: 'Jay Example', status: 'referred', pending_sync: true });

    now = new Date('2026-12-23T19:00:00Z');
    expect((await fake.referralList())[0]).toMatchObject({ days_left: 1, charge_category: 'Drug possession' });
    // Past the deadline without intake it reads as expired, at the deadline (referral.rs
    // `effective_status`): it leaves the follow-up queue. Nothing is written, so a late
    // intake still closes it below.
    now = new Date('2026-12-25T21:00:00Z');
    expect((await fake.referralList())[0]).toMatchObject({
      status: 'expired',
      status_at: '2026-12-23T20:00:00Z',
      days_left: null,
    });
    expect(fake.dump().referrals[0]?.status).toBe('new');

    expect(await rejection(fake.referralUpdate(made.id, 'new'))).toBe('invalid');
    expect(await rejection(fake.referralUpdate(made.id, 'bogus' as 'new'))).toBe('invalid');
    const closed = await fake.referralUpdate(made.id, 'intake_complete');
    expect(closed).toMatchObject({ status: 'intake_complete', days_left: null, display_name: 'Jay Example' });
    const person = (await fake.personShow(made.person_id)) as PersonView;
    expect(person).toMatchObject({ status: 'active', case_manager: 'Sam Rivera' });
    expect(await rejection(fake.referralUpdate(made.id, 'contacted'))).toBe('invalid');
    expect(await rejection(fake.referralUpdate('00000000-0000-4000-8000-000000000000', 'contacted'))).toBe('not_found');
    expect(await rejection(fake.referralCreate({ pathway: 'walk_in', name: 'X' }))).toBe('invalid');
    expect(await rejection(fake.referralCreate({ pathway: 'self' }))).toBe('invalid');
    const both = { pathway: 'self', person: made.person_id, name: 'X' };
    expect(await rejection(fake.referralCreate(both))).toBe('invalid');
  });
});

describe('officer devices', () => {
  it('hold officer cards and their own referrals only, never case detail', async () => {
    const fake = demoPlatform({ role: 'officer', now: clock });
    const held = fake.dump();
    expect(held.persons).toEqual([]);
    expect(held.encounters).toEqual([]);
    expect(held.notes).toEqual([]);
    expect(held.cards.length).toBeGreaterThan(0);
    // No description, note, date of birth or contact of the case world is on the device.
    const text = JSON.stringify(held);
    const world = demoWorld(NOW, demoTeam());
    const secrets = [
      ...world.persons.flatMap((p) => [p.description, p.dob]),
      ...world.notes.map((n) => n.text),
      ...world.encounters.map((e) => e.id),
    ].filter((s): s is string => !!s);
    expect(secrets.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(text).not.toContain(secret);

    const card = await fake.personShow(DEMO_IDS.rosa);
    expect(Object.keys(card).sort()).toEqual(
      ['case_manager', 'case_manager_phone', 'display_name', 'id', 'person_id', 'status', 'updated_at'],
    );
    expect(card).toMatchObject({ display_name: 'Rosa Martinez', case_manager: 'Sam Rivera', status: 'active' });
    // Not covered by a release and not referred by this officer: not on the device.
    expect(await rejection(fake.personShow(DEMO_IDS.shorty))).toBe('not_permitted');
  });

  it('refuses case methods with not_permitted and lists only their own referrals', async () => {
    const fake = demoPlatform({ role: 'officer', now: clock });
    const id = DEMO_IDS.rosa;
    for (const call of [
      () => fake.personHome(null),
      () => fake.personSearch('rosa'),
      () => fake.personList(),
      () => fake.personAdd({ name: 'New' }),
      () => fake.personUpdate(id, { name: 'New' }),
      () => fake.noteAdd(id, 'note'),
      () => fake.notes(id),
      () => fake.encounterLog({ person: id }),
      () => fake.encounterList(id),
      () => fake.referralUpdate(id, 'contacted'),
    ]) {
      expect(await rejection(call())).toBe('not_permitted');
    }
    const mine = await fake.referralList();
    expect(mine.map((r) => r.display_name).sort()).toEqual(['J-Bird', 'Marcus Hill', 'Rosa Martinez', 'Tina Nguyen']);
    expect(mine.every((r) => r.referred_by === DEVICES.officer)).toBe(true);

    const stub = { pathway: 'social_contact', aliases: ['Slim'], description: 'tall, green cap' };
    const made = await fake.referralCreate(stub);
    expect((await fake.personShow(made.person_id)).display_name).toBe('Slim');
    // Only a card (and the referral the officer wrote) is made: no case profile.
    expect(fake.dump().persons).toEqual([]);
    const card = fake.dump().cards.find((c) => c.person_id === made.person_id);
    expect(card).toMatchObject({ referred_by: DEVICES.officer });
    expect((await fake.lookup('slim', 'checking a referral')).map((c) => c.person_id)).toEqual([made.person_id]);
    await expect(fake.referralCreate({ pathway: 'social_contact', person: made.person_id })).resolves.toBeTruthy();
    expect(await rejection(fake.referralCreate({ pathway: 'self', person: DEMO_IDS.shorty }))).toBe('not_found');
  });

  it('looks up cards by the display name, with an optional reason of at most 500 characters', async () => {
    const fake = demoPlatform({ role: 'officer', now: clock });
    const cards = await fake.lookup('osa mart', 'stop on 3rd Ave');
    expect(cards.map((c) => c.display_name)).toEqual(['Rosa Martinez']);
    expect(Object.keys(cards[0] ?? {}).sort()).toEqual(
      ['case_manager', 'case_manager_phone', 'display_name', 'person_id', 'status', 'updated_at'],
    );
    expect((await fake.lookup('j bird')).map((c) => c.display_name)).toEqual(['J-Bird']);
    expect(await fake.lookup('nobody')).toEqual([]);
    expect(await fake.lookup('rosa')).toHaveLength(1);
    expect(await rejection(fake.lookup(' - '))).toBe('invalid');
    expect(await rejection(fake.lookup('rosa', 'x'.repeat(501)))).toBe('invalid');
    // Case roles may look up too (the device allows it to every role).
    expect((await demoPlatform({ now: clock }).lookup('shorty')).map((c) => c.display_name)).toEqual(['Shorty']);
  });
});

describe('consents (crates/waymark-device/src/consent.rs)', () => {
  const officerLookup = async (fake: FakePlatform, query: string) =>
    (await fake.lookup(query, 'checking a consent')).map((c) => c.display_name);

  it('are for case roles only: officers get not_permitted', async () => {
    const fake = demoPlatform({ role: 'officer', now: clock });
    const input = { person: DEMO_IDS.rosa, parties: ['law_enforcement'] };
    expect(await rejection(fake.consentAdd(input))).toBe('not_permitted');
    await expect(fake.consentAdd(input)).rejects.toThrow('a device with the officer role cannot record consents');
    expect(await rejection(fake.consentList(DEMO_IDS.rosa))).toBe('not_permitted');
    expect(await rejection(fake.consentRevoke(DEMO_IDS.rosa))).toBe('not_permitted');
    for (const role of ['outreach', 'supervisor'] as const) {
      await expect(demoPlatform({ role, now: clock }).consentList(DEMO_IDS.rosa)).resolves.toHaveLength(2);
    }
  });

  it('are validated like the device, with the first party’s standard texts by default', async () => {
    const fake = empty();
    const { id: person } = await fake.personAdd({ name: 'Ana Consent' });
    const add = (input: Record<string, unknown>) => fake.consentAdd({ person, ...input });
    expect(await rejection(add({ parties: [] }))).toBe('invalid');
    expect(await rejection(add({ parties: ['fbi'] }))).toBe('invalid');
    for (const bad of ['2026-13-01', 'tomorrow', '2026-5-1']) {
      await expect(add({ parties: ['housing'], expires: bad })).rejects.toThrow(`date "${bad}" is not a valid date`);
    }
    expect(await rejection(add({ parties: ['housing'], purpose: 'x'.repeat(1001) }))).toBe('invalid');
    expect(await rejection(add({ parties: ['housing'], expiry_event: 'x'.repeat(1001) }))).toBe('invalid');
    expect(await rejection(fake.consentAdd({ person: 'nope', parties: ['housing'] }))).toBe('invalid');
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(await rejection(fake.consentAdd({ person: missing, parties: ['housing'] }))).toBe('not_found');
    expect(await fake.consentList(person)).toEqual([]);

    const { id } = await add({ parties: ['medical', 'law_enforcement', 'medical'], expiry_event: ' end of care ' });
    const [c] = await fake.consentList(person);
    expect(c).toEqual({
      id,
      parties: ['medical', 'law_enforcement'],
      purpose: 'continuity of medical care',
      description: 'contact details, program status and referrals for care',
      signed_at: '2026-11-23T20:00:00Z',
      expiry_event: 'end of care',
      created_by: DEVICES.outreach,
    });
    // Written into the person's document: not yet synced.
    expect(((await fake.personShow(person)) as PersonView).pending_sync).toBe(true);
  });

  it('cover the last day to its end in the team’s time zone', async () => {
    // America/Los_Angeles: 30 Nov 2026 ends at 08:00 UTC on 1 Dec.
    const end = consentExpiry('2026-11-30', 'America/Los_Angeles');
    expect(end.at.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(consentExpiry('2026-07-04', 'America/Los_Angeles').at.toISOString()).toBe('2026-07-05T07:00:00.000Z');

    let now = NOW;
    const fake = empty('outreach', () => now);
    const { id: person } = await fake.personAdd({ name: 'Lou Lastday' });
    await fake.consentAdd({ person, parties: ['law_enforcement'], expires: '2026-11-30' });
    const [c] = await fake.consentList(person);
    expect(c).toMatchObject({ expires_on: '2026-11-30', expires_at: '2026-12-01T08:00:00Z' });
    expect(officerSharing(c ? [c] : [], new Date('2026-12-01T07:59:59Z'))).toBe('2026-12-01T08:00:00Z');
    expect(officerSharing(c ? [c] : [], new Date('2026-12-01T08:00:00Z'))).toBeNull();

    // On the last day, late in the evening, every officer has the card; the next morning not.
    now = new Date('2026-12-01T07:30:00Z');
    fake.switchRole('officer');
    expect(await officerLookup(fake, 'lou')).toEqual(['Lou Lastday']);
    now = new Date('2026-12-01T08:00:00Z');
    expect(await fake.sync()).toMatchObject({ purged: 1 });
    expect(await officerLookup(fake, 'lou')).toEqual([]);
  });

  it('share the card with every officer while one covering law enforcement is in force, until revoked', async () => {
    const fake = demoPlatform({ now: clock });
    // Jessie: not referred by an officer, no release: no officer holds the card.
    fake.switchRole('officer');
    expect(await officerLookup(fake, 'jessie')).toEqual([]);
    fake.switchRole('outreach');

    const housing = await fake.consentAdd({ person: DEMO_IDS.jessie, parties: ['housing'], expires: '2027-01-31' });
    fake.switchRole('officer');
    expect(await officerLookup(fake, 'jessie')).toEqual([]);
    fake.switchRole('outreach');

    const le = await fake.consentAdd({ person: DEMO_IDS.jessie, parties: ['law_enforcement'], expiry_event: 'exit' });
    expect((await fake.status()).pending).toBeGreaterThan(0);
    fake.switchRole('officer');
    expect(fake.deviceId).toBe(DEVICES.officer);
    expect(await officerLookup(fake, 'jessie')).toEqual(['Jessie Cole']);
    // Still only the card: no case record reaches the officer's device.
    expect(fake.dump()).toMatchObject({ persons: [], encounters: [], notes: [], consents: [] });
    expect(await rejection(fake.consentList(DEMO_IDS.jessie))).toBe('not_permitted');

    fake.switchRole('outreach');
    expect((await fake.status()).pending).toBe(0);
    const revoked = await fake.consentRevoke(le.id);
    expect(revoked).toEqual({ id: le.id, person_id: DEMO_IDS.jessie, revoked_at: '2026-11-23T20:00:00Z' });
    // Revoking again changes nothing.
    expect(await fake.consentRevoke(le.id)).toEqual(revoked);
    expect(await rejection(fake.consentRevoke('00000000-0000-4000-8000-000000000000'))).toBe('not_found');
    const listed = await fake.consentList(DEMO_IDS.jessie);
    expect(listed.map((c) => [c.id, c.revoked_at ?? null])).toEqual([
      [housing.id, null],
      [le.id, '2026-11-23T20:00:00Z'],
    ]);
    fake.switchRole('officer');
    expect(await officerLookup(fake, 'jessie')).toEqual([]);
    // A card the officer holds because it referred the person stays.
    expect(await officerLookup(fake, 'marcus')).toEqual(['Marcus Hill']);
  });

  it('make a profile for a person known only from an officer’s referral', async () => {
    const fake = demoPlatform({ role: 'officer', now: clock });
    const made = await fake.referralCreate({ pathway: 'social_contact', aliases: ['Slim'] });
    fake.switchRole('outreach');
    expect(await rejection(fake.consentList(made.person_id))).toBe('not_found');
    await fake.consentAdd({ person: made.person_id, parties: ['law_enforcement'], expires: '2027-05-31' });
    expect(await fake.consentList(made.person_id)).toHaveLength(1);
    expect(((await fake.personShow(made.person_id)) as PersonView).status).toBe('referred');
    expect((await fake.referralList()).some((r) => r.id === made.id)).toBe(true);
  });

  it('are in the demo seed in force, expired and revoked, and give officers the same cards as before', async () => {
    const fake = demoPlatform({ now: clock });
    const rosa = await fake.consentList(DEMO_IDS.rosa);
    expect(rosa.map((c) => [c.parties, !!c.expires_at && Date.parse(c.expires_at) <= NOW.getTime()])).toEqual([
      [['medical'], true],
      [['law_enforcement', 'housing'], false],
    ]);
    expect((await fake.consentList(DEMO_IDS.denise)).map((c) => !!c.revoked_at)).toEqual([false, true]);
    // A merged duplicate's consent is listed with the kept person's, oldest first.
    const mike = await fake.consentList(DEMO_IDS.mike);
    expect(mike.map((c) => c.parties)).toEqual([['law_enforcement'], ['housing']]);
    expect(await fake.consentList(DEMO_IDS.mikeT)).toEqual(mike);
    const duplicates = mike[1]?.id ?? '';
    expect((await fake.consentRevoke(duplicates)).person_id).toBe(DEMO_IDS.mike);
    const officer = demoPlatform({ role: 'officer', now: clock });
    const cards = officer.dump().cards.map((c) => c.display_name).sort();
    expect(cards).toEqual([
      'Denise Walker',
      'J-Bird',
      'Marcus Hill',
      'Michael Thompson',
      'Rosa Martinez',
      'Samuel Okafor',
      'Tina Nguyen',
    ]);
  });
});

describe('sync', () => {
  it('marks local changes until a sync clears them, and tells listeners', async () => {
    let now = NOW;
    const fake = empty('outreach', () => now);
    const states: SyncState[] = [];
    const stop = fake.onSyncState((s) => states.push(s));
    const { id } = await fake.personAdd({ name: 'Rosa Demo' });
    await fake.encounterLog({ person: id, services: ['naloxone', 'naloxone', 'water=3'] });
    await fake.noteAdd(id, 'Wants help with ID.');
    const [contact] = await fake.encounterList(id);
    expect(contact).toMatchObject({ person_id: id, services: { naloxone: 2, water: 3 }, pending_sync: true });
    expect((await fake.personList())[0]?.pending_sync).toBe(true);
    expect((await fake.status()).pending).toBe(3);
    expect(states.at(-1)?.pending).toBe(3);

    now = new Date('2026-11-23T21:00:00Z');
    expect(await fake.sync()).toMatchObject({ pushed: 3, pending: 0 });
    expect((await fake.encounterList())[0]?.pending_sync).toBe(false);
    expect(((await fake.personShow(id)) as PersonView).pending_sync).toBe(false);
    expect(await fake.status()).toMatchObject({ pending: 0, last_sync: '2026-11-23T21:00:00Z' });
    const last = states.slice(-2);
    expect(last[0]).toMatchObject({ syncing: true });
    const done = { syncing: false, online: true, last_sync: '2026-11-23T21:00:00Z', pending: 0, error: null };
    expect(last[1]).toEqual(done);

    stop();
    await fake.personAdd({ name: 'After' });
    expect(states.at(-1)?.pending).toBe(0);
  });

  it('fails with relay_unreachable while offline and keeps the marks', async () => {
    const fake = demoPlatform({ now: clock, online: false });
    const states: SyncState[] = [];
    fake.onSyncState((s) => states.push(s));
    await Promise.resolve();
    expect(states[0]).toMatchObject({ syncing: false, pending: 1, online: null });
    expect(await rejection(fake.sync())).toBe('relay_unreachable');
    const failed = { syncing: false, online: false, pending: 1, error: { code: 'relay_unreachable' } };
    expect(states.at(-1)).toMatchObject(failed);
    expect((await fake.encounterList(DEMO_IDS.red))[0]?.pending_sync).toBe(true);
    fake.online = true;
    await fake.sync();
    expect((await fake.encounterList(DEMO_IDS.red))[0]?.pending_sync).toBe(false);
  });
});

describe('persons', () => {
  it('offers likely duplicates before a new person is made', async () => {
    const fake = demoPlatform({ now: clock });
    const rosa = await fake.personAdd({ name: 'rosa martínez' });
    expect(rosa.possible_duplicates[0]).toMatchObject({ id: DEMO_IDS.rosa, display_name: 'Rosa Martinez' });
    expect(rosa.possible_duplicates[0]?.score).toBeGreaterThanOrEqual(0.9);
    const typo = await fake.personAdd({ name: 'Michael Tompson' });
    expect(typo.possible_duplicates.map((d) => d.id)).toContain(DEMO_IDS.mike);
    const alias = await fake.personAdd({ aliases: ['J Bird'] });
    expect(alias.possible_duplicates.map((d) => d.id)).toContain(DEMO_IDS.jbird);
    expect((await fake.personAdd({ name: 'Zed Quillfeather' })).possible_duplicates).toEqual([]);
    // A new person is made anyway; the worker decides.
    expect((await fake.personList()).map((p) => p.id)).toContain(rosa.id);
  });

  it('validates like the device', async () => {
    const fake = empty();
    expect(await rejection(fake.personAdd({ name: '  ', aliases: [' '] }))).toBe('invalid');
    expect(await rejection(fake.personAdd({ name: 'A', dob: '1981-02-29' }))).toBe('invalid');
    expect(await rejection(fake.personAdd({ name: 'A', dob: '2027' }))).toBe('invalid');
    expect(await rejection(fake.personAdd({ name: 'A', case_manager_phone: 'call me' }))).toBe('invalid');
    expect(await rejection(fake.personAdd({ name: 'A', status: 'referred' }))).toBe('invalid');
    expect(await rejection(fake.personAdd({ name: 'A', gender: [7] }))).toBe('invalid');
    expect(await rejection(fake.personAdd({ name: 'x'.repeat(121) }))).toBe('invalid');
    const { id } = await fake.personAdd({ aliases: ['Ro', 'ro', ' '], dob: '1975' });
    expect((await fake.personShow(id)) as PersonView).toMatchObject({ aliases: ['Ro'], status: 'active', dob: '1975' });
    expect(await rejection(fake.personShow('not-an-id'))).toBe('invalid');
    expect(await rejection(fake.personShow('00000000-0000-4000-8000-000000000000'))).toBe('not_found');
    expect(await rejection(fake.personUpdate(id, {}))).toBe('invalid');
    expect(await rejection(fake.noteAdd(id, '   '))).toBe('invalid');
    expect(await rejection(fake.encounterLog({ person: id, services: ['pizza'] }))).toBe('invalid');
    expect(await rejection(fake.encounterLog({ person: id, services: ['food=0'] }))).toBe('invalid');
    expect(await rejection(fake.encounterLog({ lat: 47.6 }))).toBe('invalid');
    expect(await rejection(fake.encounterLog({ kind: 'visit' }))).toBe('invalid');
    expect(await rejection(fake.encounterLog({ at: '2026-11-24T20:00:00Z' }))).toBe('invalid');
    expect(await rejection(fake.encounterLog({ at: '2026-11-23 10:00' }))).toBe('invalid');
    expect(await rejection(fake.encounterLog({ living_situation: 1 }))).toBe('invalid');
    // An anonymous contact: supplies only, time in the team's zone.
    const anon = await fake.encounterLog({ services: ['naloxone=2'] });
    expect((await fake.encounterList())[0]).toMatchObject({
      id: anon.id,
      person_id: null,
      at: '2026-11-23T12:00:00-08:00',
      at_utc: '2026-11-23T20:00:00Z',
      kind: 'street',
      lat: null,
    });
  });

  it('updates fields, adds aliases and settles a conflict by writing the field', async () => {
    const fake = demoPlatform({ now: clock });
    const denise = (await fake.personShow(DEMO_IDS.denise)) as PersonView;
    expect(denise.conflicts.description).toHaveLength(2);
    expect(denise.pending_sync).toBe(false);
    const description = 'Tall, green jacket, uses a walker now';
    const updated = await fake.personUpdate(DEMO_IDS.denise, { description, aliases: ['Dee'] });
    expect(updated).toMatchObject({ aliases: ['Neecy', 'Dee'], conflicts: {}, pending_sync: true });
    expect(updated.updated_at).toBe('2026-11-23T20:00:00Z');
    expect((await fake.personList())[0]?.id).toBe(DEMO_IDS.denise);
  });

  it('resolves merged persons to the kept record', async () => {
    const fake = demoPlatform({ now: clock });
    const shown = (await fake.personShow(DEMO_IDS.mikeT)) as PersonView;
    expect(shown).toMatchObject({ id: DEMO_IDS.mike, resolved_from: DEMO_IDS.mikeT, display_name: 'Michael Thompson' });
    expect((await fake.personList()).map((p) => p.id)).not.toContain(DEMO_IDS.mikeT);
    const contacts = await fake.encounterList(DEMO_IDS.mike);
    expect(contacts).toHaveLength(5);
    expect(contacts.every((c) => c.person_id === DEMO_IDS.mike)).toBe(true);
    const { id } = await fake.encounterLog({ person: DEMO_IDS.mikeT });
    expect((await fake.encounterList(DEMO_IDS.mike))[0]).toMatchObject({ id, person_id: DEMO_IDS.mike });
    await fake.noteAdd(DEMO_IDS.mikeT, 'Asked for socks.');
    expect((await fake.notes(DEMO_IDS.mike))[0]?.text).toBe('Asked for socks.');
  });
});

describe('demo seed', () => {
  it('has referrals in several states, a conflict and one unsynced contact', async () => {
    const fake = demoPlatform({ now: clock });
    const referrals = await fake.referralList();
    // Marcus's intake deadline passed two days ago: expired, for the office to review.
    expect(referrals.map((r) => [r.display_name, r.status, r.days_left])).toEqual([
      ['Marcus Hill', 'expired', null],
      ['Luis Ortega', 'new', 1],
      ['Tina Nguyen', 'contacted', 10],
      ['Kayla Brooks', 'contacted', 20],
      ['J-Bird', 'new', 28],
      ['Rosa Martinez', 'intake_complete', null],
    ]);
    expect(referrals.find((r) => r.display_name === 'Kayla Brooks')?.eligibility.reasons).toEqual([OUTSIDE_CATCHMENT]);
    expect(referrals.find((r) => r.display_name === 'Tina Nguyen')?.eligibility.reasons).toEqual([
      'exclusion: Subject of a no-contact order',
    ]);
    const status = await fake.status();
    expect(status).toMatchObject({ pending: 1, team_name: 'Demo team (sample data)', relay: expect.any(String) });
    const team = await fake.team();
    expect(team.services.map((s) => s.key)).toContain('naloxone');
    expect(team.exclusions.map((e) => e.key)).toContain('under_18');
    expect(team).toMatchObject({ time_zone: 'America/Los_Angeles', intake_days: 30 });
    const statuses = new Set((await fake.personList()).map((p) => p.status));
    expect([...statuses].sort()).toEqual(['active', 'inactive', 'referred']);
    expect((await fake.notes(DEMO_IDS.rosa)).length).toBe(2);
    expect(new FakePlatform({ seed: 'empty', now: clock }).dump().persons).toEqual([]);
  });

  it('normalizes names like the device', () => {
    expect(normalize('  José   MARTÍNEZ-López ')).toBe('jose martinez lopez');
    expect(normalize("O'Brien")).toBe('obrien');
    expect(normalize('Straße')).toBe('strasse');
    expect(normalize('...--')).toBe('');
  });
});

describe('fakeFromParams', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads role, phase, clock, network, seed and position from the query string', async () => {
    const query = 'role=supervisor&phase=locked&now=2026-11-23T20:00:00Z&online=0&seed=empty&geo=47.6,-122.33';
    const fake = fakeFromParams(new URLSearchParams(query));
    expect(fake.role).toBe('supervisor');
    expect((await fake.session()).phase).toBe('locked');
    await fake.unlock(DEMO_PASSPHRASE);
    expect(await fake.personList()).toEqual([]);
    expect(await rejection(fake.sync())).toBe('relay_unreachable');
    expect(await fake.locate()).toEqual({ lat: 47.6, lon: -122.33, accuracy_m: 10 });
    expect((await fake.referralCheck({ pathway: 'self', lat: 47.603, lon: -122.333 })).intake_deadline).toBe(
      '2026-12-23T20:00:00Z',
    );

    const plain = fakeFromParams(new URLSearchParams('role=nobody&phase=odd&geo=here'));
    expect(plain.role).toBe('outreach');
    expect(plain.phase).toBe('unlocked');
    expect(await plain.locate()).toBeNull();
    expect((await plain.personList()).length).toBe(15);
  });

  it('exposes the fake as window.__waymark in a browser', () => {
    const win = {} as Window;
    vi.stubGlobal('window', win);
    const fake = fakeFromParams(new URLSearchParams('role=officer'));
    expect(win.__waymark).toBe(fake);
  });
});
