// The fake's reports and exports follow the device (report.rs, export.rs, hmis.rs):
// supervisors only, figures of the demo team's last month as worked out from the seed
// by hand, the export files' names, columns and rules (the export grid, HMIS only
// under consent), and an audit entry for every export.
import { describe, expect, it } from 'vitest';
import { DEMO_IDS, DEVICES } from './demo-seed';
import { demoPlatform } from './fake';
import {
  CSV_VERSION,
  contactRows,
  csvText,
  effectivePrecision,
  gridPoint,
  hashedId,
  parseExportPeriod,
  text,
} from './fake-export';
import type { EncounterRec } from './fake-rules';
import { PlatformError, type ErrorCode } from './index';

/** A Wednesday evening in Seattle (11:00 PST). */
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

describe('the fake report of the demo team', () => {
  it("gives February's figures as worked out from the seed", async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    const r = await fake.report('2026-02-01', '2026-02-28');
    // Contacts 3.5 to 31.5 days before the clock: Rosa 3, Mike 2, Denise 3, Tina 1,
    // Red 2, Jessie 2 and 2 anonymous; Marcus, Tina and Kayla were not found (3 attempts).
    expect([r.contacts, r.attempted, r.unique_persons, r.anonymous_contacts]).toEqual([15, 3, 6, 2]);
    expect([r.supplies.naloxone, r.supplies.fentanyl_test_strips]).toEqual([4, 5]);
    expect(r.supplies_order.slice(0, 2)).toEqual(['naloxone', 'fentanyl_test_strips']);
    expect(r.contacts_per_week.map((w) => [w.start, w.contacts])).toEqual([
      ['2026-01-26', 0],
      ['2026-02-02', 2],
      ['2026-02-09', 3],
      ['2026-02-16', 4],
      ['2026-02-23', 6],
    ]);
    // Luis (the other officer), Kayla (outreach) and Tina (the officer); Marcus's
    // referral was made on January 31 in Seattle.
    expect(r.referrals.total).toBe(3);
    expect(r.referrals.by_pathway).toEqual({ arrest_diversion: 1, social_contact: 1, community: 1, self: 0 });
    expect(r.referrals.by_officer).toEqual({ [DEVICES.officer]: 1, [DEVICES.otherOfficer]: 1 });
    expect(r.referrals.officer_concentration.warning).toBe(false);
    // Kayla reached after 3.08 days, Tina after 5.08: median 4.08; no intake yet.
    expect(r.median_days_to_first_contact).toBe(4.08);
    expect([r.median_days_to_intake, r.intake_within_window_pct]).toEqual([null, null]);
    // 12 contacts with the 6 active participants over 28 days.
    expect(r.contact_dose_per_active_participant_per_month).toBe(2.17);
    expect(r.caseload).toEqual({
      by_case_manager: [
        { case_manager: 'Alex Kim', participants: 3 },
        { case_manager: 'Sam Rivera', participants: 2 },
      ],
      unassigned: 1,
    });
  });

  it('warns when one officer made most of five or more officer referrals', async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    const r = await fake.report('2025-12-15', '2026-03-04');
    expect(r.referrals.from_officers).toBe(5);
    expect(r.referrals.officer_concentration).toEqual({ officers: 2, top_officer_share_pct: 80, warning: true });
    // Rosa's intake, 15.13 days after her referral and before its deadline.
    expect([r.intakes, r.median_days_to_intake, r.intake_within_window_pct]).toEqual([1, 15.13, 100]);
  });

  it('is for supervisors only, and refuses bad periods', async () => {
    for (const role of ['outreach', 'officer'] as const) {
      const fake = demoPlatform({ role, now: clock });
      expect(await rejection(fake.report('2026-02-01', '2026-02-28'))).toBe('not_permitted');
      expect(await rejection(fake.exportHmis())).toBe('not_permitted');
      expect(await rejection(fake.exportCsv())).toBe('not_permitted');
      expect(await rejection(fake.exportGeojson())).toBe('not_permitted');
    }
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    expect(await rejection(fake.report('2026-02-28', '2026-02-01'))).toBe('invalid');
    expect(await rejection(fake.exportCsv('2026-02-28', '2026-02-01'))).toBe('invalid');
    expect(await rejection(fake.exportGeojson(null, null, 'street' as never))).toBe('invalid');
  });
});

describe('the fake exports', () => {
  it('write contacts.csv and services.csv of the period, places on the team’s grid, no names', async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    const result = await fake.exportCsv('2026-02-01', '2026-02-28');
    expect(result.folder).toBeNull();
    expect(result.files.map((f) => f.name)).toEqual(['contacts.csv', 'services.csv']);
    const [header, ...lines] = (result.files[0]?.content ?? '').split('\r\n');
    expect(header).toBe(
      'contact_id,at,date,person_id,kind,services,living_situation,duration_minutes,lat,lon,author_device',
    );
    // Every encounter of those days, attempts too (the kind says which).
    expect(lines.filter(Boolean)).toHaveLength(18);
    expect(result.view).toMatchObject({ contacts: 18, precision: '1km', from: '2026-02-01', to: '2026-02-28' });
    const text = result.files.map((f) => f.content).join('');
    expect(text).not.toContain('Rosa');
    expect(text).not.toContain('Not at the usual spot');
    // The demo team's export precision is ~1 km: two decimals.
    for (const line of lines.filter(Boolean)) expect(line).toMatch(/,(47\.\d\d)?,(-122\.\d\d)?,[0-9a-f-]{36}$/);
    expect(result.files[1]?.content?.split('\r\n')[0]).toBe('contact_id,date,person_id,service,count');
  });

  it('write GeoJSON points no finer than the team allows', async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    const result = await fake.exportGeojson('2026-02-01', '2026-02-28', 'exact');
    expect(result.files.map((f) => f.name)).toEqual(['contacts.geojson']);
    const collection = JSON.parse(result.files[0]?.content ?? '{}');
    expect(collection.type).toBe('FeatureCollection');
    expect(collection.precision).toBe('1km');
    expect(collection.features).toHaveLength(result.view.features);
    expect(result.view).toMatchObject({ features: 17, precision: '1km', requested_precision: 'exact' });
    for (const f of collection.features) {
      expect(Object.keys(f.properties).sort()).toEqual(['date', 'kind', 'services']);
      for (const c of f.geometry.coordinates) expect(Math.round(c * 100) / 100).toBe(c);
    }
  });

  it('write the eight HMIS files, with only participants who consented', async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    const before = await fake.exportHmis();
    expect(before.files.map((f) => f.name)).toEqual([
      'Export.csv',
      'Organization.csv',
      'Project.csv',
      'Client.csv',
      'Enrollment.csv',
      'CurrentLivingSituation.csv',
      'Services.csv',
      'Exit.csv',
    ]);
    expect(before.view).toMatchObject({ clients: 0, excluded_without_consent: 10, csv_version: '2026 v1.0' });
    // Rosa consents to HMIS: she is a client now, with her contacts.
    await fake.consentAdd({ person: DEMO_IDS.rosa, parties: ['hmis'] });
    const after = await fake.exportHmis();
    expect(after.view).toMatchObject({ clients: 1, enrollments: 1, excluded_without_consent: 9 });
    const client = (after.files.find((f) => f.name === 'Client.csv')?.content ?? '').split('\r\n');
    expect(client[0]?.startsWith('PersonalID,FirstName,MiddleName,LastName,')).toBe(true);
    expect(client[1]).toContain(`${DEMO_IDS.rosa.replace(/-/g, '')},Rosa,,Martinez,,1,`);
    // DOBDataQuality 2 (year only), then Sex 0 (female, list 4.21).
    expect(client[1]).toContain(',1979-01-01,2,0,');
    const exportRow = (after.files[0]?.content ?? '').split('\r\n')[1] ?? '';
    expect(exportRow).toContain(',Waymark,0.1.0,2026 v1.0,3,2,1,');
  });

  it('follow the FY2026 columns: Sex in Client.csv, no gender, V10 in Enrollment.csv', async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    await fake.consentAdd({ person: DEMO_IDS.rosa, parties: ['hmis'] });
    await fake.consentAdd({ person: DEMO_IDS.mike, parties: ['hmis'] });
    const files = (await fake.exportHmis()).files;
    const header = (name: string) => (files.find((f) => f.name === name)?.content ?? '').split('\r\n')[0];
    // Typed out from the FY2026 HMIS CSV Format Specifications (version 1.0).
    expect(header('Client.csv')).toBe(
      'PersonalID,FirstName,MiddleName,LastName,NameSuffix,NameDataQuality,SSN,SSNDataQuality,DOB,DOBDataQuality,' +
        'Sex,AmIndAKNative,Asian,BlackAfAmerican,HispanicLatinao,MidEastNAfrican,NativeHIPacific,White,RaceNone,' +
        'AdditionalRaceEthnicity,VeteranStatus,YearEnteredService,YearSeparated,WorldWarII,KoreanWar,VietnamWar,' +
        'DesertStorm,AfghanistanOEF,IraqOIF,IraqOND,OtherTheater,MilitaryBranch,DischargeStatus,DateCreated,' +
        'DateUpdated,UserID,DateDeleted,ExportID',
    );
    expect(header('Enrollment.csv')).toBe(
      'EnrollmentID,PersonalID,ProjectID,EntryDate,HouseholdID,RelationshipToHoH,EnrollmentCoC,LivingSituation,' +
        'RentalSubsidyType,LengthOfStay,LOSUnderThreshold,PreviousStreetESSH,DateToStreetESSH,' +
        'TimesHomelessPastThreeYears,MonthsHomelessPastThreeYears,DisablingCondition,DateOfEngagement,MoveInDate,' +
        'DateOfPATHStatus,ClientEnrolledInPATH,ReasonNotEnrolled,PercentAMI,ReferralSource,' +
        'CountOutreachReferralApproaches,DateOfBCPStatus,EligibleForRHY,ReasonNoServices,RunawayYouth,' +
        'FormerWardChildWelfare,ChildWelfareYears,ChildWelfareMonths,FormerWardJuvenileJustice,JuvenileJusticeYears,' +
        'JuvenileJusticeMonths,UnemploymentFam,MentalHealthDisorderFam,PhysicalDisabilityFam,' +
        'AlcoholDrugUseDisorderFam,InsufficientIncome,IncarceratedParent,VAMCStation,TargetScreenReqd,' +
        'TimeToHousingLoss,AnnualPercentAMI,LiteralHomelessHistory,ClientLeaseholder,HOHLeaseholder,SubsidyAtRisk,' +
        'EvictionHistory,CriminalRecord,IncarceratedAdult,PrisonDischarge,SexOffender,DisabledHoH,CurrentPregnant,' +
        'SingleParent,DependentUnder6,HH5Plus,CoCPrioritized,HPScreeningScore,ThresholdScore,' +
        'MentalHealthConsultation,DateCreated,DateUpdated,UserID,DateDeleted,ExportID',
    );
    expect(header('Exit.csv')).toContain(',AskedOrForcedToExchangeForSexPastThreeMonths,WorkplaceViolenceThreats,');
    expect(CSV_VERSION).toBe('2026 v1.0');
    // Rosa's sex was recorded (0); Mike's was not: 99, data not collected.
    const rows = (files.find((f) => f.name === 'Client.csv')?.content ?? '').split('\r\n').slice(1, -1);
    const sex = Object.fromEntries(rows.map((r) => [r.split(',')[0], r.split(',')[10]]));
    expect(sex).toEqual({ [DEMO_IDS.rosa.replace(/-/g, '')]: '0', [DEMO_IDS.mike.replace(/-/g, '')]: '99' });
  });

  it('take the sex a worker records, one code of list 4.21', async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    for (const bad of [2, 7, 98, 256]) {
      expect(await rejection(fake.personUpdate(DEMO_IDS.mike, { sex: bad }))).toBe('invalid');
      expect(await rejection(fake.personAdd({ name: 'Lee', sex: bad }))).toBe('invalid');
    }
    expect((await fake.personUpdate(DEMO_IDS.mike, { sex: 1 })).sex).toBe(1);
    // Changing another field leaves it.
    expect((await fake.personUpdate(DEMO_IDS.mike, { gender: [1] })).sex).toBe(1);
    await fake.consentAdd({ person: DEMO_IDS.mike, parties: ['hmis'] });
    const client = (await fake.exportHmis()).files.find((f) => f.name === 'Client.csv')?.content ?? '';
    expect(client).toContain(`${DEMO_IDS.mike.replace(/-/g, '')},`);
    expect(client.split('\r\n')[1]?.split(',')[10]).toBe('1');
  });

  it('are each on the audit log', async () => {
    const fake = demoPlatform({ role: 'supervisor', now: clock });
    await fake.exportHmis();
    await fake.exportCsv('2026-02-01', '2026-02-28');
    await fake.exportGeojson(null, null, '100m');
    const log = await fake.auditLog();
    const exports = log.filter((e) => e.action === 'export' && e.device_id === DEVICES.supervisor);
    expect(exports.map((e) => e.record)).toEqual(['hmis', 'csv', 'geojson']);
  });
});

describe('export rules', () => {
  it('snap to the grid and keep the coarser precision', () => {
    expect(gridPoint(47.608123, -122.335987, '100m')).toEqual([47.608, -122.336]);
    expect(gridPoint(47.608123, -122.335987, '1km')).toEqual([47.61, -122.34]);
    expect(gridPoint(47.608123, -122.335987, 'exact')).toEqual([47.608123, -122.335987]);
    expect(Object.is(gridPoint(0.0001, 0, '100m')[0], 0)).toBe(true);
    expect(effectivePrecision('1km', 'exact')).toBe('1km');
    expect(effectivePrecision('100m', '1km')).toBe('1km');
    expect(effectivePrecision('exact', null)).toBe('exact');
  });

  it('quote CSV fields where needed and end lines with CRLF', () => {
    expect(csvText(['a', 'b'], [['x,y', 'say "hi"'], ['', 'line\nbreak']])).toBe(
      'a,b\r\n"x,y","say ""hi"""\r\n,"line\nbreak"\r\n',
    );
  });

  it('strip the characters FY2026 does not permit in string fields', () => {
    expect(text('<Ana> [Red] {x}', 50)).toBe('Ana Red x');
    expect(text('a\nb', 50)).toBe('a b');
  });

  it('hash ids as hmis.rs does (SHA-256 of "kind:key", 32 hex digits)', () => {
    expect(hashedId('project', 'team-1')).toBe('2cbc8bf403cb412fbde7ccddae0d309f');
  });

  it('count a contact on its day in the team’s zone', () => {
    const late: EncounterRec = {
      id: 'e1',
      person_id: 'p1',
      at: '2026-02-28T23:30:00-08:00',
      at_utc: '2026-03-01T07:30:00Z',
      lat: 47.6031,
      lon: -122.3301,
      accuracy_m: null,
      kind: 'street',
      services: { water: 1, naloxone: 2 },
      living_situation: 116,
      duration_minutes: 5,
      note: 'never exported',
      author: 'd1',
      pending: false,
    };
    const feb = contactRows([late], 'America/Los_Angeles', parseExportPeriod('2026-02-01', '2026-02-28'), '100m');
    expect(feb.contacts).toEqual([
      ['e1', '2026-02-28T23:30:00-08:00', '2026-02-28', 'p1', 'street', 'naloxone=2;water=1', '116', '5', '47.603', '-122.330', 'd1'],
    ]);
    expect(feb.services.map((s) => s[3])).toEqual(['naloxone', 'water']);
    const march = contactRows([late], 'America/Los_Angeles', parseExportPeriod('2026-03-01', null), '100m');
    expect(march.contacts).toEqual([]);
  });
});
