// The device API's view types, generated from the Rust types with ts-rs into
// src/generated/ (owned by the generator; never edit those files by hand).
export type { CardView } from '../generated/CardView';
export type { DuplicateView } from '../generated/DuplicateView';
export type { Eligibility } from '../generated/Eligibility';
export type { EligibilityResult } from '../generated/EligibilityResult';
export type { EncounterView } from '../generated/EncounterView';
export type { IdView } from '../generated/IdView';
export type { PersonAdded } from '../generated/PersonAdded';
export type { PersonView } from '../generated/PersonView';
export type { ReferralCreated } from '../generated/ReferralCreated';
export type { ReferralView } from '../generated/ReferralView';
export type { SyncView } from '../generated/SyncView';
export type { TeamView } from '../generated/TeamView';
