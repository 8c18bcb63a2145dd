// The fake's demo data: a fictional team around downtown Seattle, its participants,
// contacts, notes, referrals and consents, all dated relative to the clock so the demo
// always looks current. Names, places and phone numbers are made up (555 numbers).
import { appendAudit, type AuditDraft, type AuditRec } from './fake-audit';
import type { Party, Role } from './index';
import {
  DAY_MS,
  addLocalDays,
  assess,
  defaultExclusions,
  defaultServices,
  localDate,
  newConsent,
  officerSharing,
  offsetMs,
  sharingInForce,
  stamp,
  uuidOf,
  withOffset,
  type CardRec,
  type ConsentRec,
  type EncounterRec,
  type NoteRec,
  type PersonRec,
  type ReferralRec,
  type TeamRec,
} from './fake-rules';

const HOUR_MS = 3_600_000;

/** The passphrase the fake's store opens with (until first run sets another). */
export const DEMO_PASSPHRASE = 'demo passphrase';
export const DEMO_TEAM_NAME = 'Demo team (sample data)';
/** Where the demo's contacts cluster: 3rd Ave & Pine area, downtown Seattle. */
export const DEMO_CENTER = { lat: 47.603, lon: -122.333 } as const;
/** The relay an unlocked demo device is enrolled with (never contacted). */
export const DEMO_RELAY = 'https://relay.demo.invalid';

/** The devices of the demo team; the fake is the one of its role. */
export const DEVICES = {
  outreach: uuidOf('device:outreach'),
  supervisor: uuidOf('device:supervisor'),
  officer: uuidOf('device:officer'),
  otherOfficer: uuidOf('device:other-officer'),
  otherOutreach: uuidOf('device:other-outreach'),
} as const;

/** The demo team's id (what an enrollment's audit entry names). */
export const DEMO_TEAM_ID = uuidOf('team:demo');

/** Who uses each role's demo device. */
export const USERS: Record<Role, { name: string; phone: string | null }> = {
  outreach: { name: 'Sam Rivera', phone: '+1 206 555 0142' },
  supervisor: { name: 'Dana Brooks', phone: '+1 206 555 0110' },
  officer: { name: 'Officer J. Park', phone: null },
};

const ALEX = { name: 'Alex Kim', phone: '+1 206 555 0187' };

const KEYS = [
  'rosa',
  'jbird',
  'mike',
  'mikeT',
  'denise',
  'shorty',
  'marcus',
  'tina',
  'luis',
  'red',
  'kayla',
  'samuel',
  'jessie',
  // Likely duplicates for the office's review: Jessie's formal name recorded again at
  // intake, a different Kayla Brooks, and Red described by someone who did not know him.
  'jessica',
  'kaylaB',
  'bear',
] as const;
type Key = (typeof KEYS)[number];

/** The demo persons' ids, for tests that open a page directly (`#/person/ID`). */
export const DEMO_IDS = Object.fromEntries(KEYS.map((k) => [k, uuidOf(`person:${k}`)])) as Record<Key, string>;

/** The catchment area: downtown Seattle between the waterfront and I-5/Capitol Hill. */
export const DEMO_CATCHMENT = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      properties: { name: 'Downtown (demo)' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [-122.36, 47.625],
            [-122.345, 47.625],
            [-122.32, 47.621],
            [-122.3, 47.612],
            [-122.3, 47.59],
            [-122.336, 47.59],
            [-122.344, 47.598],
            [-122.36, 47.614],
            [-122.36, 47.625],
          ],
        ],
      },
    },
  ],
};

export function demoTeam(): TeamRec {
  return {
    name: DEMO_TEAM_NAME,
    time_zone: 'America/Los_Angeles',
    intake_days: 30,
    catchment: DEMO_CATCHMENT,
    exclusions: defaultExclusions(),
    services: defaultServices(),
    location_precision: 'exact',
    lock_minutes: 5,
    export_precision: '1km',
    hmis_without_consent: 'exclude',
    inactive_days: 90,
  };
}

/** Everything a case device (outreach, supervisor) of the demo team holds. */
export interface World {
  persons: PersonRec[];
  encounters: EncounterRec[];
  notes: NoteRec[];
  referrals: ReferralRec[];
  /** Releases of information, in the order they were recorded. */
  consents: ConsentRec[];
}

/** A point `east` and `north` metres from the demo centre. */
function place(east: number, north: number): { lat: number; lon: number } {
  const lat = DEMO_CENTER.lat + north / 111_320;
  const lon = DEMO_CENTER.lon + east / (111_320 * Math.cos((DEMO_CENTER.lat * Math.PI) / 180));
  return { lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6 };
}

/**
 * A signed release: its parties, when it was signed (days before the clock), its last
 * day (days after the clock; negative: already past) and/or an expiry event, and when
 * it was revoked (days before the clock), if it was.
 */
interface ConsentSpec {
  parties: Party[];
  signed: number;
  lastDay?: number;
  event?: string;
  revoked?: number;
}

const PROGRAM_END = 'completion of the LEAD program';

interface PersonSpec {
  name?: string;
  aliases?: string[];
  dob?: string;
  description?: string;
  status: PersonRec['status'];
  manager?: { name: string; phone: string | null };
  gender?: number[];
  race?: number[];
  /** HMIS sex (4.21). */
  sex?: number;
  created: number;
  updated: number;
  /** Releases of information the person signed. */
  consents?: ConsentSpec[];
  merged?: Key;
  conflicts?: PersonRec['conflicts'];
  /** On the list for the next case conference. */
  conference?: boolean;
}

const PERSONS: Record<Key, PersonSpec> = {
  rosa: {
    name: 'Rosa Martinez',
    aliases: ['Rosa M.'],
    dob: '1979',
    description: 'Short, grey braid, usually with a blue shopping cart',
    status: 'active',
    manager: USERS.outreach,
    gender: [0],
    race: [6],
    sex: 0,
    created: 140,
    updated: 3,
    consents: [
      { parties: ['medical'], signed: 400, lastDay: -35 },
      { parties: ['law_enforcement', 'housing'], signed: 120, event: PROGRAM_END },
    ],
    conference: true,
  },
  jbird: {
    aliases: ['J-Bird'],
    description: 'Young man, red hoodie, skateboard',
    status: 'referred',
    created: 2,
    updated: 2,
  },
  mike: {
    name: 'Michael Thompson',
    aliases: ['Tall Mike', 'Mike T.'],
    dob: '1968-04-12',
    description: 'Very tall, grey beard, army surplus coat',
    status: 'active',
    manager: ALEX,
    gender: [1],
    race: [5],
    created: 200,
    updated: 30,
    consents: [{ parties: ['law_enforcement'], signed: 150, lastDay: 215 }],
    conference: true,
  },
  mikeT: {
    aliases: ['Mike T.'],
    description: 'Tall man with a beard',
    status: 'active',
    created: 65,
    updated: 30,
    // Signed before the two records were merged: it now speaks for Mike.
    consents: [{ parties: ['housing'], signed: 60, lastDay: 120 }],
    merged: 'mike',
  },
  denise: {
    name: 'Denise Walker',
    aliases: ['Neecy'],
    dob: '1985-09-02',
    description: 'Tall, green army jacket, walks with a cane',
    status: 'active',
    manager: USERS.outreach,
    gender: [0],
    race: [3],
    created: 95,
    updated: 6,
    consents: [
      { parties: ['law_enforcement', 'medical'], signed: 90, lastDay: 90, event: PROGRAM_END },
      { parties: ['prosecutor'], signed: 80, lastDay: 280, revoked: 20 },
    ],
    // Two workers changed the description offline at the same time: both are kept.
    conflicts: {
      description: ['Tall, green army jacket, walks with a cane', 'Tall, green jacket, uses a walker now'],
    },
    conference: true,
  },
  shorty: {
    aliases: ['Shorty'],
    description: 'Older man, wheelchair, Seahawks cap',
    status: 'inactive',
    created: 180,
    updated: 40,
  },
  marcus: {
    name: 'Marcus Hill',
    aliases: ['Preacher'],
    description: 'Carries a Bible and a folding chair',
    status: 'referred',
    created: 32,
    updated: 32,
  },
  tina: {
    name: 'Tina Nguyen',
    description: 'Purple backpack, short dark hair',
    status: 'referred',
    created: 20,
    updated: 15,
    conference: true,
  },
  luis: {
    name: 'Luis Ortega',
    aliases: ['Lucho'],
    status: 'referred',
    created: 30,
    updated: 30,
  },
  red: {
    aliases: ['Red'],
    description: 'Red beard, brown pit bull named Bear',
    status: 'active',
    created: 70,
    updated: 12,
  },
  kayla: {
    name: 'Kayla Brooks',
    aliases: ['KB'],
    dob: '2001',
    status: 'referred',
    created: 10,
    updated: 7,
  },
  samuel: {
    name: 'Samuel Okafor',
    aliases: ['Sammy O'],
    dob: '1974',
    status: 'inactive',
    manager: USERS.outreach,
    created: 300,
    updated: 55,
    consents: [{ parties: ['law_enforcement'], signed: 290, event: PROGRAM_END }],
    conference: true,
  },
  jessie: {
    name: 'Jessie Cole',
    aliases: ['Jess'],
    status: 'active',
    manager: ALEX,
    created: 150,
    updated: 30,
  },
  jessica: {
    name: 'Jessica Cole',
    dob: '1991-03-08',
    description: 'Curly hair, green backpack, works at the day labor hall',
    status: 'referred',
    created: 14,
    updated: 14,
  },
  kaylaB: {
    name: 'Kayla Brooks',
    description: 'Older woman with a small white dog, sleeps near the library',
    status: 'active',
    manager: ALEX,
    created: 160,
    updated: 118,
  },
  bear: {
    description: 'Man with a red beard and a brown pit bull named Bear',
    status: 'referred',
    created: 9,
    updated: 9,
  },
};

type Services = Record<string, number>;
/** [person, days ago, hours before that, place (metres east, north) or null, kind, services]. */
type ContactSpec = [Key | null, number, number, [number, number] | null, string, Services];

const STREET = 116; // HUD: place not meant for habitation
const SHELTER = 101; // HUD: emergency shelter

const CONTACTS: ContactSpec[] = [
  ['rosa', 1, 3, [80, 40], 'street', { food: 1, water: 2 }],
  ['rosa', 6, 2, [110, 20], 'street', { hygiene_kit: 1 }],
  ['rosa', 13, 4, [60, 55], 'street', { naloxone: 1, food: 1 }],
  ['rosa', 27, 5, [-150, -220], 'office', { id_help: 1 }],
  ['rosa', 44, 2, [90, 30], 'street', { clothing: 1 }],
  ['jbird', 1, 6, [-250, 150], 'street', { food: 2, water: 1 }],
  ['mike', 2, 1, [300, -200], 'street', { naloxone: 2, fentanyl_test_strips: 5 }],
  ['mike', 9, 3, [320, -180], 'street', { food: 1 }],
  ['mike', 16, 2, null, 'phone', {}],
  ['mike', 35, 4, [280, -230], 'street', { treatment_referral: 1 }],
  ['mikeT', 48, 3, [310, -190], 'street', { water: 1 }],
  ['denise', 4, 2, [-120, -380], 'street', { hygiene_kit: 1, medical_referral: 1 }],
  ['denise', 11, 5, [-100, -360], 'street', { food: 1, water: 1 }],
  ['denise', 23, 3, [-150, -220], 'office', { housing_referral: 1 }],
  ['shorty', 45, 4, [600, 300], 'street', { clothing: 1, water: 2 }],
  ['shorty', 58, 2, [620, 280], 'street', { food: 1 }],
  ['marcus', 25, 2, [-700, 500], 'attempted', {}],
  ['tina', 5, 3, [450, 100], 'street', { hygiene_kit: 1, fentanyl_test_strips: 2 }],
  ['tina', 15, 4, [470, 90], 'attempted', {}],
  ['red', 3, 6, [20, -150], 'street', { food: 2, water: 2 }],
  ['red', 12, 2, [35, -160], 'street', { naloxone: 1 }],
  ['red', 29, 3, [10, -140], 'street', { food: 1 }],
  ['kayla', 7, 3, [1000, 900], 'attempted', {}],
  ['samuel', 55, 5, [-500, -700], 'street', { food: 1 }],
  ['jessie', 8, 2, [200, 600], 'street', { naloxone: 1, water: 1 }],
  ['jessie', 21, 4, [230, 580], 'street', { syringe_services: 1, fentanyl_test_strips: 3 }],
  // The other Kayla Brooks, not seen for four months (on the office's follow-up list).
  ['kaylaB', 158, 2, [-400, -150], 'office', {}],
  ['kaylaB', 120, 3, [-420, -160], 'street', { food: 1, water: 1 }],
  [null, 0, 2, [100, -50], 'street', { naloxone: 2, fentanyl_test_strips: 5 }],
  [null, 3, 5, [-300, 250], 'street', { water: 4, food: 4 }],
  [null, 9, 1, [500, -400], 'street', { naloxone: 1, syringe_services: 1 }],
  [null, 19, 3, [-50, 700], 'street', { hygiene_kit: 2 }],
];

const NOTES: [Key, number, string][] = [
  ['rosa', 3, 'Picked up her ID replacement letter. Wants help getting to the DSHS appointment on Thursday.'],
  ['rosa', 20, 'Housing application submitted. Follow up in two weeks.'],
  ['denise', 6, 'Foot wound looks better; took a wound care kit. Says the cane helps.'],
  ['mike', 12, 'Talked about detox beds; not ready yet, open to talking again next week.'],
  ['jessie', 30, 'New phone number, updated in the profile.'],
];

interface ReferralSpec {
  key: Key;
  pathway: string;
  by: string;
  /** When it was made: days and hours before the clock. */
  days: number;
  hours: number;
  status: string;
  statusDays?: number;
  at: { lat: number; lon: number } | null;
  exclusions?: string[];
  narrative?: string;
  charge?: string;
}

const REFERRALS: ReferralSpec[] = [
  {
    key: 'jbird',
    pathway: 'social_contact',
    by: DEVICES.officer,
    days: 2,
    hours: 2,
    status: 'new',
    at: place(-250, 150),
    narrative: 'Sleeping in a doorway on 2nd Ave; agreed to talk with outreach.',
  },
  {
    key: 'marcus',
    pathway: 'arrest_diversion',
    by: DEVICES.officer,
    // Two days overdue (the deadline fell 2 days minus 6 hours ago).
    days: 32,
    hours: -6,
    status: 'new',
    at: place(-700, 500),
    charge: 'Drug possession',
    narrative: 'Possession at Westlake; accepted diversion instead of booking.',
  },
  {
    key: 'luis',
    pathway: 'social_contact',
    by: DEVICES.otherOfficer,
    // Due later today.
    days: 30,
    hours: -3,
    status: 'new',
    at: place(900, -300),
  },
  {
    key: 'kayla',
    pathway: 'community',
    by: DEVICES.otherOutreach,
    days: 10,
    hours: 3,
    status: 'contacted',
    statusDays: 7,
    // Fremont: outside the catchment area.
    at: { lat: 47.651, lon: -122.35 },
    narrative: 'Referred by a food bank volunteer.',
  },
  {
    key: 'rosa',
    pathway: 'social_contact',
    by: DEVICES.officer,
    days: 75,
    hours: 4,
    status: 'intake_complete',
    statusDays: 60,
    at: place(80, 40),
  },
  {
    key: 'tina',
    pathway: 'arrest_diversion',
    by: DEVICES.officer,
    days: 20,
    hours: 3,
    status: 'contacted',
    statusDays: 15,
    at: place(450, 100),
    exclusions: ['no_contact_order'],
    charge: 'Theft under $750',
  },
];

/** The demo team's case records, dated relative to `now`. */
export function demoWorld(now: Date, team: TeamRec): World {
  const t = now.getTime();
  const ago = (days: number, hours = 0) => new Date(t - days * DAY_MS - hours * HOUR_MS);
  const local = (date: Date) => withOffset(date, offsetMs(date, team.time_zone));

  const persons: PersonRec[] = KEYS.map((key) => {
    const p = PERSONS[key];
    return {
      id: DEMO_IDS[key],
      name: p.name ?? null,
      aliases: p.aliases ?? [],
      dob: p.dob ?? null,
      description: p.description ?? null,
      status: p.status,
      case_manager: p.manager?.name ?? null,
      case_manager_phone: p.manager?.phone ?? null,
      gender: p.gender ?? [],
      race_ethnicity: p.race ?? [],
      sex: p.sex ?? null,
      merged_into: p.merged ? DEMO_IDS[p.merged] : null,
      created_at: stamp(ago(p.created, 5)),
      updated_at: stamp(ago(p.updated, 4)),
      conflicts: p.conflicts ?? {},
      pending: false,
      ...(p.conference ? { conference: true } : {}),
    };
  });

  const encounters: EncounterRec[] = CONTACTS.map(([key, days, hours, at, kind, services], i) => {
    const when = ago(days, hours);
    const where = at ? place(at[0], at[1]) : null;
    return {
      id: uuidOf(`encounter:${i}`),
      person_id: key ? DEMO_IDS[key] : null,
      at: local(when),
      at_utc: stamp(when),
      lat: where?.lat ?? null,
      lon: where?.lon ?? null,
      accuracy_m: where ? 12 : null,
      kind,
      services,
      living_situation: kind === 'street' ? (i % 5 === 4 ? SHELTER : STREET) : null,
      duration_minutes: kind === 'attempted' ? null : 5 + (i % 4) * 5,
      note: kind === 'attempted' ? 'Not at the usual spot; left a card with the neighbours.' : null,
      author: i % 3 === 2 ? DEVICES.otherOutreach : DEVICES.outreach,
      pending: false,
    };
  });
  // This morning's contact with Red is not on the relay yet.
  const red = ago(0, 1);
  const redSpot = place(25, -145);
  encounters.push({
    id: uuidOf('encounter:pending'),
    person_id: DEMO_IDS.red,
    at: local(red),
    at_utc: stamp(red),
    lat: redSpot.lat,
    lon: redSpot.lon,
    accuracy_m: 8,
    kind: 'street',
    services: { food: 1, water: 1, naloxone: 1 },
    living_situation: STREET,
    duration_minutes: 5,
    note: null,
    author: DEVICES.outreach,
    pending: true,
  });

  const notes: NoteRec[] = NOTES.map(([key, days, text], i) => ({
    id: uuidOf(`note:${i}`),
    person_id: DEMO_IDS[key],
    text,
    author: i % 2 ? DEVICES.otherOutreach : DEVICES.outreach,
    at: stamp(ago(days, 2)),
    pending: false,
  }));

  const referrals: ReferralRec[] = REFERRALS.map((r, i) => {
    const created = ago(r.days, r.hours);
    return {
      id: uuidOf(`referral:${i}`),
      pathway: r.pathway,
      person_id: DEMO_IDS[r.key],
      stub_name: null,
      stub_description: null,
      referred_by: r.by,
      referrer_role: r.by === DEVICES.officer || r.by === DEVICES.otherOfficer ? 'officer' : 'outreach',
      eligibility: assess(team, r.at, r.exclusions ?? []),
      intake_deadline: stamp(addLocalDays(created, team.intake_days, team.time_zone)),
      status: r.status,
      status_at: stamp(r.statusDays === undefined ? created : ago(r.statusDays, 1)),
      created_at: stamp(created),
      lat: r.at?.lat ?? null,
      lon: r.at?.lon ?? null,
      exclusions: r.exclusions ?? [],
      narrative: r.narrative ?? null,
      charge_category: r.charge ?? null,
      pending: false,
    };
  });

  const consents: ConsentRec[] = KEYS.flatMap((key) =>
    (PERSONS[key].consents ?? []).map((c, i): ConsentRec => {
      const lastDay = c.lastDay === undefined ? null : localDate(new Date(t + c.lastDay * DAY_MS), team.time_zone);
      const fields = newConsent({ parties: c.parties, expires: lastDay, expiry_event: c.event }, team.time_zone);
      const consent: ConsentRec = {
        id: uuidOf(`consent:${key}:${i}`),
        person_id: DEMO_IDS[key],
        parties: fields.parties,
        purpose: fields.purpose,
        description: fields.description,
        signed_at: stamp(ago(c.signed, 3)),
        created_by: DEVICES.outreach,
      };
      if (fields.expires_on && fields.expires_at) {
        consent.expires_on = fields.expires_on;
        consent.expires_at = fields.expires_at;
      }
      if (fields.expiry_event) consent.expiry_event = fields.expiry_event;
      if (c.revoked !== undefined) consent.revoked_at = stamp(ago(c.revoked, 2));
      return consent;
    }),
  );
  return { persons, encounters, notes, referrals, consents };
}

/**
 * What an officer's device of the team holds at `at` (after a sync): the cards of
 * persons it referred or whose law-enforcement consent is in force, and its own
 * referrals. Built from the case world but holding no case field at all.
 */
export function officerView(
  world: Pick<World, 'persons' | 'referrals' | 'consents'>,
  officer: string,
  at: Date,
): { cards: CardRec[]; referrals: ReferralRec[] } {
  const referrals = world.referrals.filter((r) => r.referred_by === officer).map((r) => ({ ...r }));
  const referred = new Set(referrals.map((r) => r.person_id));
  const cards: CardRec[] = [];
  // A merged duplicate's consents speak for the kept person.
  const merged = new Map(world.persons.map((p) => [p.id, p.merged_into]));
  const kept = (id: string) => {
    let current = id;
    for (let i = 0; i < 32 && merged.get(current); i++) current = merged.get(current) ?? current;
    return current;
  };
  for (const p of world.persons) {
    if (p.merged_into) continue;
    const shared = officerSharing(
      world.consents.filter((c) => kept(c.person_id) === p.id),
      at,
    );
    if (!referred.has(p.id) && !sharingInForce(shared, at)) continue;
    cards.push({
      person_id: p.id,
      display_name: p.name ?? p.aliases[0] ?? '(no name)',
      status: p.status,
      case_manager: p.case_manager,
      case_manager_phone: p.case_manager_phone,
      updated_at: p.updated_at,
      merged_into: null,
      referred_by: referred.has(p.id) ? officer : null,
      shared_with_officers_until: shared,
      pending: false,
    });
  }
  return { cards, referrals };
}

/**
 * The team's audit trail as a supervisor's device holds it after a sync, dated
 * relative to `now`: each device's enrollment, the supervisor's invitations and the
 * merge of the two Mikes, outreach consents (from `world`), person pages opened,
 * officers' lookups with their reasons, and syncs that moved records. Every entry is
 * on the relay already (`synced`).
 */
export function demoAudit(now: Date, world: Pick<World, 'consents'>): AuditRec[] {
  const t = now.getTime();
  const at = (days: number, hours = 0) => stamp(new Date(t - days * DAY_MS - hours * HOUR_MS));
  const sync = (pushed: number, pulled: number) => ({ relay: DEMO_RELAY, pushed, pulled, purged: 0 });
  type Entry = [device: string, role: Role, draft: AuditDraft];
  const enroll = (device: string, role: Role, days: number): Entry => [
    device,
    role,
    { at: at(days), action: 'enroll', record: DEMO_TEAM_ID, detail: { relay: DEMO_RELAY, key_epoch: 1 } },
  ];
  const entries: Entry[] = [
    enroll(DEVICES.supervisor, 'supervisor', 430),
    ...(
      [
        [DEVICES.outreach, 'outreach', 429, 2],
        [DEVICES.officer, 'officer', 429, 1],
        [DEVICES.otherOutreach, 'outreach', 300, 0],
        [DEVICES.otherOfficer, 'officer', 200, 0],
      ] as const
    ).map(([device, role, days, hours]): Entry => [
      DEVICES.supervisor,
      'supervisor',
      { at: at(days, hours), action: 'invite', record: device, detail: { role } },
    ]),
    enroll(DEVICES.outreach, 'outreach', 428),
    enroll(DEVICES.officer, 'officer', 427),
    enroll(DEVICES.otherOutreach, 'outreach', 299),
    enroll(DEVICES.otherOfficer, 'officer', 199),
    // Outreach records the consents (and the one revocation).
    ...world.consents.flatMap((c): Entry[] => {
      const added: Entry = [
        DEVICES.outreach,
        'outreach',
        { at: c.signed_at, action: 'consent_add', record: c.id, detail: { person: c.person_id, parties: c.parties } },
      ];
      if (!c.revoked_at) return [added];
      const revoked: AuditDraft = { at: c.revoked_at, action: 'consent_revoke', record: c.id, detail: { person: c.person_id } };
      return [added, [DEVICES.outreach, 'outreach', revoked]];
    }),
    [
      DEVICES.supervisor,
      'supervisor',
      { at: at(30, 2), action: 'merge', record: DEMO_IDS.mikeT, detail: { kept: DEMO_IDS.mike } },
    ],
    [DEVICES.supervisor, 'supervisor', { at: at(30, 1), action: 'person_view', record: DEMO_IDS.mike }],
    [DEVICES.supervisor, 'supervisor', { at: at(30, 0), action: 'sync', record: DEMO_RELAY, detail: sync(3, 0) }],
    [
      DEVICES.otherOfficer,
      'officer',
      {
        at: at(29, 3),
        action: 'lookup',
        record: 'Lucho',
        reason: 'He asked who his case worker is',
        detail: { found: [DEMO_IDS.luis] },
      },
    ],
    [DEVICES.otherOutreach, 'outreach', { at: at(7, 3), action: 'person_view', record: DEMO_IDS.kayla }],
    [DEVICES.otherOutreach, 'outreach', { at: at(7, 2), action: 'sync', record: DEMO_RELAY, detail: sync(2, 5) }],
    [DEVICES.outreach, 'outreach', { at: at(6, 1), action: 'person_view', record: DEMO_IDS.denise }],
    [
      DEVICES.officer,
      'officer',
      {
        at: at(5, 3),
        action: 'lookup',
        record: 'Rosa',
        reason: 'Welfare check: sleeping at 3rd & Pine',
        detail: { found: [DEMO_IDS.rosa] },
      },
    ],
    [DEVICES.outreach, 'outreach', { at: at(3, 1), action: 'person_view', record: DEMO_IDS.rosa }],
    [DEVICES.outreach, 'outreach', { at: at(3, 0), action: 'sync', record: DEMO_RELAY, detail: sync(4, 2) }],
    [
      DEVICES.officer,
      'officer',
      {
        at: at(2, 5),
        action: 'lookup',
        record: 'Tall Mike',
        reason: 'Traffic stop; says he has a case manager',
        detail: { found: [DEMO_IDS.mike] },
      },
    ],
    [DEVICES.officer, 'officer', { at: at(2, 5), action: 'person_view', record: DEMO_IDS.mike }],
    [DEVICES.officer, 'officer', { at: at(2, 1), action: 'sync', record: DEMO_RELAY, detail: sync(2, 1) }],
    [DEVICES.outreach, 'outreach', { at: at(2, 0), action: 'person_view', record: DEMO_IDS.mike }],
    [
      DEVICES.officer,
      'officer',
      {
        at: at(1, 1),
        action: 'lookup',
        record: 'J-Bird',
        reason: 'Follow-up on my referral',
        detail: { found: [DEMO_IDS.jbird] },
      },
    ],
    [DEVICES.supervisor, 'supervisor', { at: at(1, 4), action: 'person_view', record: DEMO_IDS.denise }],
    [DEVICES.outreach, 'outreach', { at: at(1, 2), action: 'sync', record: DEMO_RELAY, detail: sync(3, 1) }],
  ];
  const log: AuditRec[] = [];
  // Each device's chain in the order it was written.
  const ordered = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Date.parse(a.e[2].at) - Date.parse(b.e[2].at) || a.i - b.i);
  for (const { e } of ordered) appendAudit(log, e[0], e[1], e[2]).synced = true;
  return log;
}
