// An in-memory, typed fake of the device API for tests and the plain-browser dev
// mode. It follows the device's rules where the screens depend on them: roles,
// validation codes, intake deadlines and `days_left`, pending-sync marks.
import { addDays, daysLeft } from '../lib/time';
import {
  PlatformError,
  type CardView,
  type EncounterInput,
  type EncounterView,
  type PersonInput,
  type PersonView,
  type Platform,
  type ReferralCreated,
  type ReferralInput,
  type ReferralStatus,
  type ReferralView,
  type Role,
  type SyncView,
} from './index';

export interface FakeOptions {
  role?: Role;
  /** The clock; defaults to the system time. */
  now?: () => Date;
  intakeDays?: number;
  /** Keys of the team's exclusion checklist. */
  exclusions?: Record<string, string>;
  /** When false, `sync` fails with `relay_unreachable`. */
  online?: boolean;
  deviceId?: string;
}

const MAX_REASON = 500;
const MAX_RESULTS = 50;
const OPEN: readonly string[] = ['new', 'contacted'];
const STATUSES: readonly ReferralStatus[] = ['new', 'contacted', 'intake_complete', 'declined', 'unable_to_locate', 'expired'];

type Action = 'lookup' | 'create_referral' | 'view_own_referrals' | 'view_case' | 'create_person' | 'log_encounter' | 'update_referral';

interface StoredReferral extends Omit<ReferralView, 'days_left' | 'display_name'> {
  stub_name: string | null;
}

/** Letters and digits only, lower case: how names are compared. */
function normalize(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

function displayName(name: string | null | undefined, aliases: readonly string[]): string {
  return name ?? aliases[0] ?? '(no name)';
}

function blank(text: string | null | undefined): string | null {
  const trimmed = text?.trim();
  return trimmed ? trimmed : null;
}

export class FakePlatform implements Platform {
  role: Role;
  online: boolean;
  readonly deviceId: string;
  private readonly now: () => Date;
  private readonly intakeDays: number;
  private readonly exclusionLabels: Record<string, string>;
  private readonly persons = new Map<string, PersonView>();
  private readonly encounters = new Map<string, EncounterView>();
  private readonly referrals = new Map<string, StoredReferral>();
  private nextId = 1;

  constructor(options: FakeOptions = {}) {
    this.role = options.role ?? 'outreach';
    this.online = options.online ?? true;
    this.now = options.now ?? (() => new Date());
    this.intakeDays = options.intakeDays ?? 30;
    this.exclusionLabels = options.exclusions ?? {
      violent_felony: 'Current violent felony charge',
      dealing: 'Dealing for profit',
      exploitation: 'Exploiting minors or others',
    };
    this.deviceId = options.deviceId ?? 'dev-fake-0001';
  }

  private id(prefix: string): string {
    const n = this.nextId++;
    return `${prefix}-${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  private require(action: Action, what: string): void {
    const officer: readonly Action[] = ['lookup', 'create_referral', 'view_own_referrals'];
    if (this.role === 'officer' && !officer.includes(action)) {
      throw new PlatformError('not_permitted', `not permitted: an officer device cannot ${what}`);
    }
  }

  private person(id: string): PersonView {
    let person = this.persons.get(id);
    // Follow merges like the device does.
    while (person?.merged_into) person = this.persons.get(person.merged_into);
    if (!person) throw new PlatformError('not_found', `person ${id} not found`);
    return person;
  }

  private card(p: PersonView): CardView {
    return {
      person_id: p.id,
      display_name: p.display_name,
      status: p.status,
      case_manager: p.case_manager,
      case_manager_phone: p.case_manager_phone,
      updated_at: p.updated_at,
    };
  }

  private matches(p: PersonView, query: string): boolean {
    const q = normalize(query);
    return !p.merged_into && [p.display_name, p.name ?? '', ...p.aliases].some((n) => normalize(n).includes(q));
  }

  private view(r: StoredReferral): ReferralView {
    const { stub_name, ...rest } = r;
    const person = this.persons.get(r.person_id);
    return {
      ...rest,
      display_name: person?.display_name ?? stub_name,
      days_left: OPEN.includes(r.status) ? daysLeft(this.now(), new Date(r.intake_deadline)) : null,
    };
  }

  async lookup(query: string, reason?: string | null): Promise<CardView[]> {
    this.require('lookup', 'look up the roster');
    if (!normalize(query)) {
      throw new PlatformError('invalid', 'lookup query (letters or digits of a name or alias) is empty');
    }
    if (reason && [...reason].length > MAX_REASON) {
      throw new PlatformError('invalid', `reason is longer than ${MAX_REASON} characters`);
    }
    return [...this.persons.values()]
      .filter((p) => this.matches(p, query))
      .slice(0, MAX_RESULTS)
      .map((p) => this.card(p));
  }

  async personSearch(query: string): Promise<PersonView[]> {
    this.require('view_case', 'search persons (use lookup)');
    if (!normalize(query)) throw new PlatformError('invalid', 'search query is empty');
    return [...this.persons.values()].filter((p) => this.matches(p, query)).slice(0, MAX_RESULTS);
  }

  async personAdd(input: PersonInput) {
    this.require('create_person', 'add persons');
    return this.addPerson(input);
  }

  private addPerson(input: PersonInput, pending = true) {
    const name = blank(input.name);
    const aliases = (input.aliases ?? []).map((a) => a.trim()).filter(Boolean);
    const description = blank(input.description);
    if (!name && aliases.length === 0 && !description) {
      throw new PlatformError('invalid', 'a person needs a name, an alias or a description');
    }
    const shown = displayName(name, aliases);
    const possible_duplicates = [...this.persons.values()]
      .filter((p) => !p.merged_into && name !== null && normalize(p.display_name) === normalize(shown))
      .map((p) => ({ id: p.id, score: 1, display_name: p.display_name }));
    const at = this.stamp();
    const person: PersonView = {
      id: this.id('p'),
      name,
      display_name: shown,
      aliases,
      dob: blank(input.dob),
      description,
      status: input.status ?? 'referred',
      case_manager: blank(input.case_manager),
      case_manager_phone: blank(input.case_manager_phone),
      gender: input.gender ?? [],
      race_ethnicity: input.race_ethnicity ?? [],
      merged_into: null,
      created_at: at,
      updated_at: at,
      conflicts: {},
      pending_sync: pending,
    };
    this.persons.set(person.id, person);
    return { id: person.id, possible_duplicates };
  }

  async encounterLog(input: EncounterInput) {
    this.require('log_encounter', 'log contacts');
    const personId = input.person ? this.person(input.person).id : null;
    const services: Record<string, number> = {};
    for (const key of input.services ?? []) services[key] = (services[key] ?? 0) + 1;
    const at = input.at ?? this.stamp();
    const encounter: EncounterView = {
      id: this.id('e'),
      person_id: personId,
      at,
      at_utc: new Date(at).toISOString(),
      lat: input.lat ?? null,
      lon: input.lon ?? null,
      accuracy_m: input.accuracy_m ?? null,
      kind: input.kind ?? 'street',
      services,
      living_situation: input.living_situation ?? null,
      duration_minutes: input.duration_minutes ?? null,
      note: blank(input.note),
      author: this.deviceId,
      pending_sync: true,
    };
    this.encounters.set(encounter.id, encounter);
    return { id: encounter.id };
  }

  async encounterList(personId?: string | null): Promise<EncounterView[]> {
    this.require('view_case', 'read contacts');
    const id = personId ? this.person(personId).id : null;
    return [...this.encounters.values()]
      .filter((e) => id === null || e.person_id === id)
      .sort((a, b) => b.at_utc.localeCompare(a.at_utc));
  }

  async referralCreate(input: ReferralInput): Promise<ReferralCreated> {
    this.require('create_referral', 'make referrals');
    const reasons: string[] = [];
    for (const key of input.exclusions ?? []) {
      const label = this.exclusionLabels[key];
      if (!label) throw new PlatformError('invalid', `unknown exclusion "${key}"`);
      reasons.push(`exclusion: ${label}`);
    }
    if (input.lat == null || input.lon == null) reasons.push('no location given: catchment area not checked');
    let personId: string;
    let stubName: string | null = null;
    if (input.person) {
      personId = this.person(input.person).id;
    } else {
      const name = blank(input.name);
      const aliases = input.aliases ?? [];
      if (!name && aliases.length === 0 && !blank(input.description)) {
        throw new PlatformError('invalid', 'a referral needs a person, or a name, alias or description');
      }
      personId = this.addPerson({ name, aliases, description: input.description ?? null }).id;
      stubName = displayName(name, aliases);
    }
    const now = this.now();
    const deadline = addDays(now, this.intakeDays);
    const referral: StoredReferral = {
      id: this.id('r'),
      pathway: input.pathway,
      person_id: personId,
      stub_name: stubName,
      eligibility: { result: reasons.length ? 'needs_review' : 'eligible', reasons },
      intake_deadline: deadline.toISOString(),
      status: 'new',
      status_at: now.toISOString(),
      created_at: now.toISOString(),
      referred_by: this.deviceId,
      lat: input.lat ?? null,
      lon: input.lon ?? null,
      exclusions: input.exclusions ?? [],
      narrative: blank(input.narrative),
      charge_category: blank(input.charge_category),
      pending_sync: true,
    };
    this.referrals.set(referral.id, referral);
    return {
      id: referral.id,
      person_id: personId,
      eligibility: referral.eligibility,
      intake_deadline: referral.intake_deadline,
      days_left: daysLeft(now, deadline),
      status: referral.status,
    };
  }

  async referralList(): Promise<ReferralView[]> {
    this.require('view_own_referrals', 'list referrals');
    return [...this.referrals.values()]
      .filter((r) => this.role !== 'officer' || r.referred_by === this.deviceId)
      .map((r) => this.view(r));
  }

  async referralUpdate(id: string, status: ReferralStatus): Promise<ReferralView> {
    this.require('update_referral', "change a referral's status");
    const referral = this.referrals.get(id);
    if (!referral) throw new PlatformError('not_found', `referral ${id} not found`);
    if (!STATUSES.includes(status)) throw new PlatformError('invalid', `unknown referral status "${status}"`);
    if (!OPEN.includes(referral.status) || status === 'new' || status === referral.status) {
      throw new PlatformError('invalid', `a referral cannot go from ${referral.status} to ${status}`);
    }
    const at = this.stamp();
    Object.assign(referral, { status, status_at: at, pending_sync: true });
    if (status === 'intake_complete') {
      const person = this.person(referral.person_id);
      Object.assign(person, { status: 'active', updated_at: at, pending_sync: true });
    }
    return this.view(referral);
  }

  /** Local changes not yet on the relay. */
  pending(): number {
    const all = [...this.persons.values(), ...this.encounters.values(), ...this.referrals.values()];
    return all.filter((x) => x.pending_sync).length;
  }

  async sync(): Promise<SyncView> {
    if (!this.online) throw new PlatformError('relay_unreachable', 'relay unreachable: offline (fake)');
    const pushed = this.pending();
    for (const x of [...this.persons.values(), ...this.encounters.values(), ...this.referrals.values()]) {
      x.pending_sync = false;
    }
    const documents = this.persons.size + this.encounters.size + this.referrals.size;
    return { pushed, pulled: 0, documents, pending: 0, purged: 0, unreadable: 0 };
  }

  /** Seeds a person as if pulled from the relay (not pending), for demos and tests. */
  seedPerson(input: PersonInput): string {
    return this.addPerson(input, false).id;
  }

  /** Seeds a referral as if made `daysAgo` days ago by `referredBy`, already synced. */
  seedReferral(personId: string, daysAgo: number, status: ReferralStatus = 'new', referredBy = this.deviceId): string {
    const created = addDays(this.now(), -daysAgo);
    const referral: StoredReferral = {
      id: this.id('r'),
      pathway: 'social_contact',
      person_id: this.person(personId).id,
      stub_name: null,
      eligibility: { result: 'eligible', reasons: [] },
      intake_deadline: addDays(created, this.intakeDays).toISOString(),
      status,
      status_at: created.toISOString(),
      created_at: created.toISOString(),
      referred_by: referredBy,
      lat: null,
      lon: null,
      exclusions: [],
      narrative: null,
      charge_category: null,
      pending_sync: false,
    };
    this.referrals.set(referral.id, referral);
    return referral.id;
  }
}

/** A fake with a few clearly fictional demo persons and referrals. */
export function demoPlatform(options: FakeOptions = {}): FakePlatform {
  const fake = new FakePlatform(options);
  const rosa = fake.seedPerson({
    name: 'Rosa Demo',
    aliases: ['Ro'],
    status: 'active',
    case_manager: 'Sam Caseworker',
    case_manager_phone: '+1 555 0100',
  });
  const jay = fake.seedPerson({ name: 'Jay Example', aliases: ['J-Bird'], status: 'referred' });
  const lee = fake.seedPerson({ aliases: ['Lee (demo)'], description: 'tall, green jacket', status: 'referred' });
  fake.seedReferral(jay, 27);
  fake.seedReferral(lee, 31, 'contacted');
  fake.seedReferral(rosa, 40, 'intake_complete');
  return fake;
}
