// The fake's office lists follow the device (crates/waymark-device/src/office.rs and
// lib.rs `person_merge_choosing`): duplicate review over the roster with "not the same
// person" answers, merges with the reviewer's choices, conference marks and the list
// for the parties present, caseload follow-up — all for supervisors only.
import { describe, expect, it } from 'vitest';
import { DEMO_IDS, DEVICES } from './demo-seed';
import { FakePlatform, demoPlatform } from './fake';
import { PlatformError, type DuplicatePair, type ErrorCode, type PersonView } from './index';

/** A Wednesday evening in Seattle. */
const NOW = new Date('2026-03-04T19:00:00Z');
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

function supervisor(): FakePlatform {
  return demoPlatform({ role: 'supervisor', now: clock });
}

/** Each pair as its two ids, sorted, so a pair reads the same whichever side is `a`. */
function ids(pairs: DuplicatePair[]): string[][] {
  return pairs.map((p) => [p.a.person.id, p.b.person.id].sort());
}

const pair = (x: string, y: string) => [x, y].sort();

describe('duplicate review', () => {
  it("finds the demo roster's likely pairs, best first, with what helps decide", async () => {
    const fake = supervisor();
    const pairs = await fake.duplicateReview();
    expect(ids(pairs)).toEqual([
      pair(DEMO_IDS.kayla, DEMO_IDS.kaylaB),
      pair(DEMO_IDS.jessie, DEMO_IDS.jessica),
      pair(DEMO_IDS.red, DEMO_IDS.bear),
    ]);
    expect(pairs.map((p) => p.score)).toEqual([...pairs.map((p) => p.score)].sort((a, b) => b - a));
    for (const p of pairs) expect(p.a.person.id < p.b.person.id).toBe(true);
    const jess = pairs[1] as DuplicatePair;
    const jessie = jess.a.person.id === DEMO_IDS.jessie ? jess.a : jess.b;
    const jessica = jess.a.person.id === DEMO_IDS.jessie ? jess.b : jess.a;
    expect(jessie).toMatchObject({ contacts: 2, referrals: 0, person: { name: 'Jessie Cole', aliases: ['Jess'] } });
    expect(jessie.last_contact).toBe('2026-02-24T17:00:00Z');
    expect(jessica).toMatchObject({ contacts: 0, referrals: 0, last_contact: null });
    // Mike T. was merged into Michael Thompson long ago: never offered again.
    expect(ids(pairs).flat()).not.toContain(DEMO_IDS.mikeT);
  });

  it('is for supervisors only', async () => {
    for (const role of ['outreach', 'officer'] as const) {
      const fake = demoPlatform({ role, now: clock });
      expect(await rejection(fake.duplicateReview())).toBe('not_permitted');
      expect(await rejection(fake.notDuplicate(DEMO_IDS.kayla, DEMO_IDS.kaylaB))).toBe('not_permitted');
      expect(await rejection(fake.personMerge(DEMO_IDS.jessie, DEMO_IDS.jessica))).toBe('not_permitted');
      expect(await rejection(fake.conferenceMark(DEMO_IDS.rosa, true))).toBe('not_permitted');
      expect(await rejection(fake.conferenceMarked())).toBe('not_permitted');
      expect(await rejection(fake.conferenceList(['law_enforcement']))).toBe('not_permitted');
      expect(await rejection(fake.followup())).toBe('not_permitted');
    }
  });

  it('forgets a pair answered "not the same person", in both records', async () => {
    const fake = supervisor();
    const answer = await fake.notDuplicate(DEMO_IDS.kaylaB, DEMO_IDS.kayla);
    expect(answer).toEqual({ ids: [DEMO_IDS.kaylaB, DEMO_IDS.kayla], marked: true });
    expect(ids(await fake.duplicateReview())).toEqual([
      pair(DEMO_IDS.jessie, DEMO_IDS.jessica),
      pair(DEMO_IDS.red, DEMO_IDS.bear),
    ]);
    const held = fake.dump().persons;
    expect(held.find((p) => p.id === DEMO_IDS.kayla)).toMatchObject({ not_duplicates: [DEMO_IDS.kaylaB], pending: true });
    expect(held.find((p) => p.id === DEMO_IDS.kaylaB)).toMatchObject({ not_duplicates: [DEMO_IDS.kayla] });
    // Answering again changes nothing; a merged id is the person it was merged into.
    await fake.notDuplicate(DEMO_IDS.kayla, DEMO_IDS.kaylaB);
    expect(fake.dump().persons.find((p) => p.id === DEMO_IDS.kayla)?.not_duplicates).toEqual([DEMO_IDS.kaylaB]);
    expect(await rejection(fake.notDuplicate(DEMO_IDS.mike, DEMO_IDS.mikeT))).toBe('conflict');
    expect(await rejection(fake.notDuplicate('nope', DEMO_IDS.mike))).toBe('invalid');
  });

  it("merges with the reviewer's choices: the kept record wins the rest and fills its gaps", async () => {
    const fake = supervisor();
    const merged = await fake.personMerge(DEMO_IDS.jessie, DEMO_IDS.jessica, ['name']);
    expect(merged).toEqual({ id: DEMO_IDS.jessie, merged: DEMO_IDS.jessica, encounters: 2, referrals: 0 });
    const kept = (await fake.personShow(DEMO_IDS.jessie)) as PersonView;
    expect(kept).toMatchObject({
      name: 'Jessica Cole',
      display_name: 'Jessica Cole',
      // The old name stays findable; the duplicate's date of birth and description
      // fill what the kept record lacked; the kept record's status and manager win.
      aliases: ['Jess', 'Jessie Cole'],
      dob: '1991-03-08',
      description: 'Curly hair, green backpack, works at the day labor hall',
      status: 'active',
      case_manager: 'Alex Kim',
      pending_sync: true,
    });
    // The duplicate's id resolves to the kept person; the pair is gone from the review.
    expect(((await fake.personShow(DEMO_IDS.jessica)) as PersonView).resolved_from).toBe(DEMO_IDS.jessica);
    expect(ids(await fake.duplicateReview())).not.toContainEqual(pair(DEMO_IDS.jessie, DEMO_IDS.jessica));
    expect((await fake.personSearch('jessica')).map((p) => p.id)).toEqual([DEMO_IDS.jessie]);
    // On the record, on this device's chain.
    const log = await fake.auditLog();
    const merge = log.filter((e) => e.action === 'merge').at(-1);
    expect(merge).toMatchObject({ device_id: DEVICES.supervisor, record: DEMO_IDS.jessica, chain: 'ok' });
    expect(merge?.detail).toEqual({ kept: DEMO_IDS.jessie });

    expect(await rejection(fake.personMerge(DEMO_IDS.jessie, DEMO_IDS.jessica))).toBe('conflict');
    expect(await rejection(fake.personMerge(DEMO_IDS.red, DEMO_IDS.bear, ['ssn' as 'name']))).toBe('invalid');
  });

  it('takes what the reviewer chose from the duplicate, and moves its contacts and referrals', async () => {
    const fake = supervisor();
    // Keep the newer Kayla (no referral) and take the older record's name... and status.
    const merged = await fake.personMerge(DEMO_IDS.kaylaB, DEMO_IDS.kayla, ['status', 'case_manager']);
    expect(merged).toMatchObject({ id: DEMO_IDS.kaylaB, referrals: 1 });
    const kept = (await fake.personShow(DEMO_IDS.kaylaB)) as PersonView;
    expect(kept).toMatchObject({ status: 'referred', case_manager: null, case_manager_phone: null, aliases: ['KB'] });
    expect((await fake.referralList()).find((r) => r.person_id === DEMO_IDS.kayla)?.display_name).toBe('Kayla Brooks');
    const contacts = await fake.encounterList(DEMO_IDS.kaylaB);
    expect(contacts.map((c) => c.kind).sort()).toEqual(['attempted', 'office', 'street']);
  });
});

describe('case conference', () => {
  it('lists marked participants whose consents cover every party present, and counts the rest', async () => {
    const fake = supervisor();
    expect((await fake.conferenceMarked()).ids).toEqual(
      [DEMO_IDS.rosa, DEMO_IDS.mike, DEMO_IDS.denise, DEMO_IDS.tina, DEMO_IDS.samuel].sort(),
    );
    const police = await fake.conferenceList(['law_enforcement']);
    expect(police.parties).toEqual(['law_enforcement']);
    expect(police.persons.map((p) => p.display_name)).toEqual([
      'Denise Walker',
      'Michael Thompson',
      'Rosa Martinez',
      'Samuel Okafor',
    ]);
    expect(police.left_out).toBe(1);
    // Officer-safe fields only.
    expect(Object.keys(police.persons[0] ?? {}).sort()).toEqual([
      'case_manager',
      'case_manager_phone',
      'consents',
      'display_name',
      'person_id',
      'status',
    ]);

    // Police and the prosecutor: nobody's consent covers both (Denise revoked hers)...
    const both = await fake.conferenceList(['law_enforcement', 'prosecutor', 'law_enforcement']);
    expect(both).toMatchObject({ parties: ['law_enforcement', 'prosecutor'], persons: [], left_out: 5 });
    // ...until Rosa signs one that does.
    const signed = await fake.consentAdd({ person: DEMO_IDS.rosa, parties: ['law_enforcement', 'prosecutor'] });
    const now = await fake.conferenceList(['law_enforcement', 'prosecutor']);
    expect(now.persons).toEqual([
      {
        person_id: DEMO_IDS.rosa,
        display_name: 'Rosa Martinez',
        status: 'active',
        case_manager: 'Sam Rivera',
        case_manager_phone: '+1 206 555 0142',
        consents: [signed.id],
      },
    ]);
    expect(now.left_out).toBe(4);

    expect(await rejection(fake.conferenceList([]))).toBe('invalid');
    expect(await rejection(fake.conferenceList(['fbi' as 'hmis']))).toBe('invalid');
  });

  it('marks and unmarks, a merged duplicate counting for the kept person', async () => {
    const fake = supervisor();
    expect(await fake.conferenceMark(DEMO_IDS.jessica, true)).toEqual({ ids: [DEMO_IDS.jessica], marked: true });
    await fake.personMerge(DEMO_IDS.jessie, DEMO_IDS.jessica);
    expect((await fake.conferenceMarked()).ids).toContain(DEMO_IDS.jessie);
    expect(await fake.conferenceMark(DEMO_IDS.jessie, false)).toEqual({ ids: [DEMO_IDS.jessie], marked: false });
    expect((await fake.conferenceMarked()).ids).not.toContain(DEMO_IDS.jessie);
    await fake.conferenceMark(DEMO_IDS.rosa, false);
    expect((await fake.conferenceList(['law_enforcement'])).persons.map((p) => p.display_name)).not.toContain(
      'Rosa Martinez',
    );
    expect(await rejection(fake.conferenceMark('00000000-0000-4000-8000-000000000000', true))).toBe('not_found');
  });
});

describe('follow-up', () => {
  it("lists participants not seen for the team's days, longest first, and expired referrals", async () => {
    const fake = supervisor();
    const f = await fake.followup();
    expect(f.inactive_days).toBe(90);
    expect(f.inactive).toEqual([
      {
        person_id: DEMO_IDS.kaylaB,
        display_name: 'Kayla Brooks',
        case_manager: 'Alex Kim',
        last_contact: '2025-11-04T16:00:00Z',
        days: 120,
      },
    ]);
    // Marcus's intake deadline passed two days ago.
    expect(f.expired_referrals.map((r) => [r.display_name, r.status, r.days_left])).toEqual([
      ['Marcus Hill', 'expired', null],
    ]);
    const marcus = f.expired_referrals[0];
    expect(marcus?.status_at).toBe(marcus?.intake_deadline);

    // A late intake still closes it; a contact takes Kayla off the list.
    await fake.referralUpdate(marcus?.id ?? '', 'intake_complete');
    await fake.encounterLog({ person: DEMO_IDS.kaylaB });
    expect(await fake.followup()).toMatchObject({ inactive: [], expired_referrals: [] });
  });
});
