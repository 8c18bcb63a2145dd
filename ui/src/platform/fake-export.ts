// The fake's exports, as text instead of files: contacts as CSV and GeoJSON
// (crates/waymark-domain/src/export.rs) and the HUD HMIS CSV files (hmis.rs, FY2026),
// with the same file names, columns and rules — locations snapped to the export grid,
// no names or notes outside HMIS, HMIS only under consent — so the browser demo's
// downloads look like the app's files. Pure: the fake gathers the records.
import { dayIn, parseDay, type Day } from '../lib/civil';
import { hashText } from './fake-audit';
import { HMIS_SEX_CODES, fail, offsetMs, withOffset, type EncounterRec, type PersonRec } from './fake-rules';

// --- Periods and precision (export.rs) ---------------------------------------------------

/** export.rs `Period`: days of the team's zone, either end open. */
export interface ExportPeriod {
  from: Day | null;
  to: Day | null;
}

/** export.rs `Period::parse`. */
export function parseExportPeriod(from?: string | null, to?: string | null): ExportPeriod {
  const day = (text: string | null | undefined): Day | null => {
    if (text == null) return null;
    const d = parseDay(text);
    if (!d) fail('invalid', `date "${text.trim()}" is not a valid date: use YYYY-MM-DD`);
    return d;
  };
  const f = day(from);
  const t = day(to);
  if (f && t && f > t) {
    fail(
      'invalid',
      `export period "from ${f} to ${t}" is not valid: expected periods whose first day is on or before the last day`,
    );
  }
  return { from: f, to: t };
}

function inPeriod(p: ExportPeriod, day: Day): boolean {
  return (p.from === null || day >= p.from) && (p.to === null || day <= p.to);
}

const COARSENESS: Record<string, number> = { exact: 0, '100m': 1, '1km': 2 };

/** export.rs `effective_precision`: the coarser of the team's finest and the one asked for. */
export function effectivePrecision(teamFinest: string, requested: string | null): string {
  return requested !== null && (COARSENESS[requested] ?? 0) > (COARSENESS[teamFinest] ?? 0) ? requested : teamFinest;
}

/** location.rs `Precision::from_str`. */
export function parsePrecision(text: string): string {
  if (!(text in COARSENESS)) fail('invalid', `location precision "${text}" is not valid: expected exact, 100m, 1km`);
  return text;
}

function decimals(precision: string): number | null {
  return precision === '100m' ? 3 : precision === '1km' ? 2 : null;
}

/** export.rs `snap`: the nearest grid node (0.001° or 0.01°). */
function snap(value: number, precision: string): number {
  const d = decimals(precision);
  if (d === null) return value;
  const scale = d === 3 ? 1000 : 100;
  const units = Math.round(value * scale);
  return units === 0 ? 0 : units / scale;
}

/** export.rs `grid_point`: [lat, lon] on the export grid. */
export function gridPoint(lat: number, lon: number, precision: string): [number, number] {
  return [Math.min(90, Math.max(-90, snap(lat, precision))), Math.min(180, Math.max(-180, snap(lon, precision)))];
}

function coordinate(value: number, precision: string): string {
  const d = decimals(precision);
  return d === null ? String(value) : value.toFixed(d);
}

// --- CSV ---------------------------------------------------------------------------------

/** A field quoted where RFC 4180 needs it (the `csv` crate's `Necessary` style). */
function field(value: string, alone: boolean): string {
  if (/[",\r\n]/.test(value) || (alone && value === '')) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** A whole CSV file: header, rows, CRLF line ends. */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map((v) => field(v, r.length === 1)).join(',') + '\r\n').join('');
}

/** export.rs `CONTACTS_HEADER`. */
export const CONTACTS_HEADER = [
  'contact_id',
  'at',
  'date',
  'person_id',
  'kind',
  'services',
  'living_situation',
  'duration_minutes',
  'lat',
  'lon',
  'author_device',
] as const;

/** export.rs `SERVICES_HEADER`. */
export const SERVICES_HEADER = ['contact_id', 'date', 'person_id', 'service', 'count'] as const;

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The contacts of the period, oldest first (person ids already resolved). */
function periodContacts(encounters: readonly EncounterRec[], timeZone: string, period: ExportPeriod): EncounterRec[] {
  return encounters
    .filter((e) => inPeriod(period, dayIn(new Date(e.at_utc), timeZone)))
    .sort((a, b) => Date.parse(a.at_utc) - Date.parse(b.at_utc) || byText(a.id, b.id));
}

function serviceKeys(e: EncounterRec): string[] {
  return Object.keys(e.services).sort(byText);
}

/** export.rs `contact_rows`: the rows of `contacts.csv` and `services.csv`. */
export function contactRows(
  encounters: readonly EncounterRec[],
  timeZone: string,
  period: ExportPeriod,
  precision: string,
): { contacts: string[][]; services: string[][] } {
  const contacts: string[][] = [];
  const services: string[][] = [];
  for (const e of periodContacts(encounters, timeZone, period)) {
    const date = dayIn(new Date(e.at_utc), timeZone);
    const person = e.person_id ?? '';
    const [lat, lon] =
      e.lat !== null && e.lon !== null
        ? gridPoint(e.lat, e.lon, precision).map((v) => coordinate(v, precision))
        : ['', ''];
    contacts.push([
      e.id,
      e.at,
      date,
      person,
      e.kind,
      serviceKeys(e)
        .map((k) => `${k}=${e.services[k]}`)
        .join(';'),
      e.living_situation === null ? '' : String(e.living_situation),
      e.duration_minutes === null ? '' : String(e.duration_minutes),
      lat ?? '',
      lon ?? '',
      e.author,
    ]);
    for (const key of serviceKeys(e)) services.push([e.id, date, person, key, String(e.services[key])]);
  }
  return { contacts, services };
}

/** export.rs `geojson`: the period's contacts with a place, as points; no person id, no time of day. */
export function geojson(
  encounters: readonly EncounterRec[],
  timeZone: string,
  period: ExportPeriod,
  precision: string,
): { text: string; features: number } {
  const features = periodContacts(encounters, timeZone, period)
    .filter((e) => e.lat !== null && e.lon !== null)
    .map((e) => {
      const [lat, lon] = gridPoint(e.lat ?? 0, e.lon ?? 0, precision);
      const services = Object.fromEntries(serviceKeys(e).map((k) => [k, e.services[k]]));
      return {
        geometry: { coordinates: [lon, lat], type: 'Point' },
        properties: { date: dayIn(new Date(e.at_utc), timeZone), kind: e.kind, services },
        type: 'Feature',
      };
    });
  const collection = { features, precision, type: 'FeatureCollection' };
  return { text: JSON.stringify(collection, null, 2) + '\n', features: features.length };
}

// --- HMIS (hmis.rs) ------------------------------------------------------------------------

/** hmis.rs `CSV_VERSION`: "[year] v[version]" of the FY2026 specification, version 1.0. */
export const CSV_VERSION = '2026 v1.0';
const NOT_COLLECTED = 99;

const EXPORT = [
  'ExportID', 'SourceType', 'SourceID', 'SourceName', 'SourceContactFirst', 'SourceContactLast',
  'SourceContactPhone', 'SourceContactExtension', 'SourceContactEmail', 'ExportDate', 'ExportStartDate',
  'ExportEndDate', 'SoftwareName', 'SoftwareVersion', 'CSVVersion', 'ExportPeriodType', 'ExportDirective',
  'HashStatus', 'ImplementationID',
];
const ORGANIZATION = [
  'OrganizationID', 'OrganizationName', 'VictimServiceProvider', 'OrganizationCommonName', 'DateCreated',
  'DateUpdated', 'UserID', 'DateDeleted', 'ExportID',
];
const PROJECT = [
  'ProjectID', 'OrganizationID', 'ProjectName', 'ProjectCommonName', 'OperatingStartDate', 'OperatingEndDate',
  'ContinuumProject', 'ProjectType', 'HousingType', 'RRHSubType', 'ResidentialAffiliation', 'TargetPopulation',
  'HOPWAMedAssistedLivingFac', 'PITCount', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted', 'ExportID',
];
/** FY2026: no 3.06 gender columns; 4.21 `Sex` after `DOBDataQuality`; `HispanicLatinao`. */
const CLIENT = [
  'PersonalID', 'FirstName', 'MiddleName', 'LastName', 'NameSuffix', 'NameDataQuality', 'SSN', 'SSNDataQuality',
  'DOB', 'DOBDataQuality', 'Sex', 'AmIndAKNative', 'Asian', 'BlackAfAmerican', 'HispanicLatinao', 'MidEastNAfrican',
  'NativeHIPacific', 'White', 'RaceNone', 'AdditionalRaceEthnicity', 'VeteranStatus', 'YearEnteredService',
  'YearSeparated', 'WorldWarII', 'KoreanWar', 'VietnamWar', 'DesertStorm', 'AfghanistanOEF', 'IraqOIF', 'IraqOND',
  'OtherTheater', 'MilitaryBranch', 'DischargeStatus', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted',
  'ExportID',
];
/** FY2026: no R3 sexual orientation or C4 translation columns; V10 `MentalHealthConsultation`. */
const ENROLLMENT = [
  'EnrollmentID', 'PersonalID', 'ProjectID', 'EntryDate', 'HouseholdID', 'RelationshipToHoH', 'EnrollmentCoC',
  'LivingSituation', 'RentalSubsidyType', 'LengthOfStay', 'LOSUnderThreshold', 'PreviousStreetESSH',
  'DateToStreetESSH', 'TimesHomelessPastThreeYears', 'MonthsHomelessPastThreeYears', 'DisablingCondition',
  'DateOfEngagement', 'MoveInDate', 'DateOfPATHStatus', 'ClientEnrolledInPATH', 'ReasonNotEnrolled', 'PercentAMI',
  'ReferralSource', 'CountOutreachReferralApproaches', 'DateOfBCPStatus', 'EligibleForRHY', 'ReasonNoServices',
  'RunawayYouth', 'FormerWardChildWelfare', 'ChildWelfareYears', 'ChildWelfareMonths',
  'FormerWardJuvenileJustice', 'JuvenileJusticeYears', 'JuvenileJusticeMonths',
  'UnemploymentFam', 'MentalHealthDisorderFam', 'PhysicalDisabilityFam', 'AlcoholDrugUseDisorderFam',
  'InsufficientIncome', 'IncarceratedParent', 'VAMCStation', 'TargetScreenReqd', 'TimeToHousingLoss',
  'AnnualPercentAMI', 'LiteralHomelessHistory', 'ClientLeaseholder', 'HOHLeaseholder', 'SubsidyAtRisk',
  'EvictionHistory', 'CriminalRecord', 'IncarceratedAdult', 'PrisonDischarge', 'SexOffender', 'DisabledHoH',
  'CurrentPregnant', 'SingleParent', 'DependentUnder6', 'HH5Plus', 'CoCPrioritized', 'HPScreeningScore',
  'ThresholdScore', 'MentalHealthConsultation', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted', 'ExportID',
];
const CURRENT_LIVING_SITUATION = [
  'CurrentLivingSitID', 'EnrollmentID', 'PersonalID', 'InformationDate', 'CurrentLivingSituation',
  'CLSSubsidyType', 'VerifiedBy', 'LeaveSituation14Days', 'SubsequentResidence', 'ResourcesToObtain',
  'LeaseOwn60Day', 'MovedTwoOrMore', 'LocationDetails', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted',
  'ExportID',
];
const SERVICES = [
  'ServicesID', 'EnrollmentID', 'PersonalID', 'DateProvided', 'RecordType', 'TypeProvided', 'OtherTypeProvided',
  'MovingOnOtherType', 'SubTypeProvided', 'FAAmount', 'FAStartDate', 'FAEndDate', 'ReferralOutcome', 'DateCreated',
  'DateUpdated', 'UserID', 'DateDeleted', 'ExportID',
];
const EXIT = [
  'ExitID', 'EnrollmentID', 'PersonalID', 'ExitDate', 'Destination', 'DestinationSubsidyType', 'OtherDestination',
  'HousingAssessment', 'SubsidyInformation', 'ProjectCompletionStatus', 'EarlyExitReason', 'ExchangeForSex',
  'ExchangeForSexPastThreeMonths', 'CountOfExchangeForSex', 'AskedOrForcedToExchangeForSex',
  'AskedOrForcedToExchangeForSexPastThreeMonths', 'WorkplaceViolenceThreats', 'WorkplacePromiseDifference',
  'CoercedToContinueWork', 'LaborExploitPastThreeMonths', 'CounselingReceived', 'IndividualCounseling',
  'FamilyCounseling', 'GroupCounseling', 'SessionCountAtExit', 'PostExitCounselingPlan', 'SessionsInPlan',
  'DestinationSafeClient', 'DestinationSafeWorker', 'PosAdultConnections', 'PosPeerConnections',
  'PosCommunityConnections', 'AftercareDate', 'AftercareProvided', 'EmailSocialMedia', 'Telephone',
  'InPersonIndividual', 'InPersonGroup', 'CMExitReason', 'DateCreated', 'DateUpdated', 'UserID', 'DateDeleted',
  'ExportID',
];

/** hmis.rs `CLS_CODES` and `cls_code`. */
const CLS_CODES = [8, 9, 17, 37, 99, 101, 116, 118, 204, 205, 206, 207, 215, 225, 302, 314, 329, 332, 335, 336, 410, 411, 421, 435];
function clsCode(stored: number): number | null {
  if (stored === 312) return 335;
  if (stored === 313) return 336;
  return CLS_CODES.includes(stored) ? stored : null;
}

/** hmis.rs `service_code`: PATH referral types (record type 161) for the four referral services. */
function serviceCode(key: string): [number, number] | null {
  const type = { mental_health_referral: 1, treatment_referral: 2, medical_referral: 3, housing_referral: 6 }[key];
  return type === undefined ? null : [161, type];
}

const RACE_COLUMNS: [string, number][] = [
  ['AmIndAKNative', 1],
  ['Asian', 2],
  ['BlackAfAmerican', 3],
  ['HispanicLatinao', 6],
  ['MidEastNAfrican', 7],
  ['NativeHIPacific', 4],
  ['White', 5],
];
/** hmis.rs `sex_code`: the 4.21 code, or 99 when none (or none of list 4.21) was recorded. */
function sexCode(sex: number | null): number {
  return sex !== null && HMIS_SEX_CODES.includes(sex) ? sex : NOT_COLLECTED;
}

/** hmis.rs `hashed_id`: the first 32 hex digits of SHA-256("kind:key"). */
export function hashedId(kind: string, key: string): string {
  return hashText(`${kind}:${key}`).slice(0, 32);
}

const simple = (uuid: string) => uuid.replace(/-/g, '');

class Row {
  readonly values: string[];
  constructor(private readonly header: readonly string[]) {
    this.values = header.map(() => '');
  }
  set(column: string, value: string | number): this {
    const i = this.header.indexOf(column);
    if (i >= 0) this.values[i] = String(value);
    return this;
  }
  stamp(created: string, updated: string, user: string, exportId: string): this {
    return this.set('DateCreated', created).set('DateUpdated', updated).set('UserID', user).set('ExportID', exportId);
  }
}

/**
 * Free text as a field: control characters as spaces, the six characters FY2026 does
 * not permit (`< > [ ] { }`) stripped, cut to `max` characters.
 */
export function text(value: string, max: number): string {
  return [...value.replace(/[<>[\]{}]/g, '').replace(/\p{Cc}/gu, ' ').trim()].slice(0, max).join('').trimEnd();
}

/** `yyyy-mm-dd hh:mm:ss` in the team's zone. */
function datetime(iso: string, timeZone: string): string {
  const at = new Date(iso);
  return withOffset(at, offsetMs(at, timeZone)).slice(0, 19).replace('T', ' ');
}

function nameFields(p: PersonRec): [string, string, number] {
  const words = p.name === null ? [] : text(p.name, 200).split(/\s+/).filter(Boolean);
  const [first, ...rest] = words;
  if (first !== undefined) return rest.length ? [text(first, 50), text(rest.join(' '), 50), 1] : [text(first, 50), '', 2];
  const alias = p.aliases[0] === undefined ? '' : text(p.aliases[0], 50);
  return alias ? [alias, '', 2] : ['', '', NOT_COLLECTED];
}

function multiSelect(row: Row, columns: [string, number][], noneColumn: string, chosen: readonly number[]): void {
  const any = columns.some(([, code]) => chosen.includes(code));
  for (const [column, code] of columns) row.set(column, chosen.includes(code) ? 1 : 0);
  if (!any) row.set(noneColumn, [8, 9, NOT_COLLECTED].find((c) => chosen.includes(c)) ?? NOT_COLLECTED);
}

/** A participant as the export needs them (hmis.rs `HmisPerson`). */
export interface HmisPerson {
  person: PersonRec;
  hmisConsent: boolean;
  encounters: EncounterRec[];
  intakes: string[];
}

export interface HmisInput {
  teamName: string;
  timeZone: string;
  /** `exclude` or `deidentify` (team.rs `HmisPolicy`). */
  policy: string;
  teamId: string;
  exportedBy: string;
  now: Date;
  persons: HmisPerson[];
}

export interface HmisFile {
  name: string;
  header: readonly string[];
  rows: string[][];
}

export interface HmisSummary {
  clients: number;
  enrollments: number;
  exits: number;
  living_situations: number;
  services: number;
  excluded_without_consent: number;
  deidentified: number;
  not_enrolled: number;
  living_situations_without_hmis_code: number;
  services_without_hmis_code: Record<string, number>;
}

/** hmis.rs `build`: the eight files, `Export.csv` first, and what went into them. */
export function buildHmis(input: HmisInput): { exportId: string; files: HmisFile[]; summary: HmisSummary } {
  const tz = input.timeZone;
  const day = (iso: string) => dayIn(new Date(iso), tz);
  const nowIso = input.now.toISOString().replace('.000Z', 'Z');
  const today = day(nowIso);
  const stampNow = datetime(nowIso, tz);
  const exporter = simple(input.exportedBy);
  const exportId = hashedId('export', `${input.teamId}:${nowIso}`);
  const organizationId = hashedId('organization', input.teamId);
  const projectId = hashedId('project', input.teamId);
  const summary: HmisSummary = {
    clients: 0,
    enrollments: 0,
    exits: 0,
    living_situations: 0,
    services: 0,
    excluded_without_consent: 0,
    deidentified: 0,
    not_enrolled: 0,
    living_situations_without_hmis_code: 0,
    services_without_hmis_code: {},
  };
  const clients: string[][] = [];
  const enrollments: string[][] = [];
  const living: string[][] = [];
  const services: string[][] = [];
  const exits: string[][] = [];
  const entries: Day[] = [];
  const min = (days: Day[]) => (days.length ? days.reduce((a, b) => (b < a ? b : a)) : null);
  const max = (days: Day[]) => (days.length ? days.reduce((a, b) => (b > a ? b : a)) : null);

  const persons = [...input.persons].sort(
    (a, b) => Date.parse(a.person.created_at) - Date.parse(b.person.created_at) || byText(a.person.id, b.person.id),
  );
  for (const hp of persons) {
    const p = hp.person;
    const contacts = hp.encounters
      .filter((e) => e.kind !== 'attempted')
      .sort((a, b) => Date.parse(a.at_utc) - Date.parse(b.at_utc) || byText(a.id, b.id));
    const contactDays = contacts.map((e) => day(e.at_utc));
    const intakeDays = hp.intakes.map(day);
    const created = p.status !== 'referred' ? [day(p.created_at)] : [];
    const entry = min([...contactDays, ...intakeDays, ...created]);
    if (entry === null) {
      summary.not_enrolled += 1;
      continue;
    }
    let deidentify = false;
    if (!hp.hmisConsent) {
      if (input.policy !== 'deidentify') {
        summary.excluded_without_consent += 1;
        continue;
      }
      summary.deidentified += 1;
      deidentify = true;
    }
    entries.push(entry);

    const subject = deidentify ? `deidentified:${simple(p.id)}` : simple(p.id);
    const personalId = deidentify ? hashedId('client', subject) : simple(p.id);
    const enrollmentId = hashedId('enrollment', subject);
    const user = exporter;
    const createdAt = datetime(p.created_at, tz);
    const updatedAt = datetime(Date.parse(p.updated_at) > Date.parse(p.created_at) ? p.updated_at : p.created_at, tz);

    const client = new Row(CLIENT).set('PersonalID', personalId);
    const [first, last, quality] = deidentify ? ['', '', NOT_COLLECTED] : nameFields(p);
    client.set('FirstName', first).set('LastName', last).set('NameDataQuality', quality);
    client.set('SSNDataQuality', NOT_COLLECTED);
    const [dob, dobQuality] =
      deidentify || p.dob === null
        ? ['', NOT_COLLECTED]
        : p.dob.length === 4
          ? [`${p.dob}-01-01`, 2]
          : [p.dob, 1];
    client.set('DOB', dob).set('DOBDataQuality', dobQuality);
    client.set('Sex', sexCode(p.sex));
    multiSelect(client, RACE_COLUMNS, 'RaceNone', p.race_ethnicity);
    client.set('VeteranStatus', NOT_COLLECTED).stamp(createdAt, updatedAt, user, exportId);
    clients.push(client.values);

    const enrollment = new Row(ENROLLMENT)
      .set('EnrollmentID', enrollmentId)
      .set('PersonalID', personalId)
      .set('ProjectID', projectId)
      .set('EntryDate', entry)
      .set('HouseholdID', hashedId('household', subject))
      .set('RelationshipToHoH', 1)
      .set('LivingSituation', NOT_COLLECTED)
      .set('DisablingCondition', NOT_COLLECTED)
      .set('DateOfEngagement', min(intakeDays) ?? '')
      .stamp(createdAt, updatedAt, user, exportId);
    enrollments.push(enrollment.values);

    contacts.forEach((e, i) => {
      const at = datetime(e.at_utc, tz);
      const author = simple(e.author);
      const contactKey = `${subject}:${simple(e.id)}`;
      const date = contactDays[i] ?? '';
      if (e.living_situation !== null) {
        const code = clsCode(e.living_situation);
        if (code === null) summary.living_situations_without_hmis_code += 1;
        else {
          const row = new Row(CURRENT_LIVING_SITUATION)
            .set('CurrentLivingSitID', hashedId('cls', contactKey))
            .set('EnrollmentID', enrollmentId)
            .set('PersonalID', personalId)
            .set('InformationDate', date)
            .set('CurrentLivingSituation', code)
            .stamp(at, at, author, exportId);
          living.push(row.values);
        }
      }
      for (const key of serviceKeys(e)) {
        const code = serviceCode(key);
        if (code === null) {
          const counts = summary.services_without_hmis_code;
          counts[key] = (counts[key] ?? 0) + (e.services[key] ?? 0);
          continue;
        }
        const row = new Row(SERVICES)
          .set('ServicesID', hashedId('service', `${contactKey}:${key}`))
          .set('EnrollmentID', enrollmentId)
          .set('PersonalID', personalId)
          .set('DateProvided', date)
          .set('RecordType', code[0])
          .set('TypeProvided', code[1])
          .stamp(at, at, author, exportId);
        services.push(row.values);
      }
    });

    if (p.status === 'inactive') {
      const lastDay = max([...contactDays, ...intakeDays]) ?? entry;
      const exit = new Row(EXIT)
        .set('ExitID', hashedId('exit', subject))
        .set('EnrollmentID', enrollmentId)
        .set('PersonalID', personalId)
        .set('ExitDate', lastDay > entry ? lastDay : entry)
        .set('Destination', 30)
        .stamp(updatedAt, updatedAt, user, exportId);
      exits.push(exit.values);
    }
  }

  const start = min([...entries, today]) ?? today;
  const name = text(input.teamName, 200);
  const exportRow = new Row(EXPORT)
    .set('ExportID', exportId)
    .set('SourceType', 2)
    .set('SourceName', text(input.teamName, 50))
    .set('ExportDate', stampNow)
    .set('ExportStartDate', start)
    .set('ExportEndDate', today)
    .set('SoftwareName', 'Waymark')
    .set('SoftwareVersion', '0.1.0')
    .set('CSVVersion', CSV_VERSION)
    .set('ExportPeriodType', 3)
    .set('ExportDirective', 2)
    .set('HashStatus', 1)
    .set('ImplementationID', text(input.teamId, 200));
  const organization = new Row(ORGANIZATION)
    .set('OrganizationID', organizationId)
    .set('OrganizationName', name)
    .set('VictimServiceProvider', 0)
    .stamp(stampNow, stampNow, exporter, exportId);
  const project = new Row(PROJECT)
    .set('ProjectID', projectId)
    .set('OrganizationID', organizationId)
    .set('ProjectName', name)
    .set('OperatingStartDate', start)
    .set('ContinuumProject', 0)
    .set('ProjectType', 4)
    .set('TargetPopulation', 4)
    .stamp(stampNow, stampNow, exporter, exportId);

  summary.clients = clients.length;
  summary.enrollments = enrollments.length;
  summary.exits = exits.length;
  summary.living_situations = living.length;
  summary.services = services.length;
  return {
    exportId,
    files: [
      { name: 'Export.csv', header: EXPORT, rows: [exportRow.values] },
      { name: 'Organization.csv', header: ORGANIZATION, rows: [organization.values] },
      { name: 'Project.csv', header: PROJECT, rows: [project.values] },
      { name: 'Client.csv', header: CLIENT, rows: clients },
      { name: 'Enrollment.csv', header: ENROLLMENT, rows: enrollments },
      { name: 'CurrentLivingSituation.csv', header: CURRENT_LIVING_SITUATION, rows: living },
      { name: 'Services.csv', header: SERVICES, rows: services },
      { name: 'Exit.csv', header: EXIT, rows: exits },
    ],
    summary,
  };
}
