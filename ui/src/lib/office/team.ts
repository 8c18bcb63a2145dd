// The team settings screen, the part worth testing alone: what the form changed,
// as the device's `TeamInput` (only changed fields; numbers parsed, never guessed).
import type { TeamInput, TeamView } from '../../platform';

/** The form's fields as the user left them (numbers as typed). */
export interface TeamForm {
  name: string;
  time_zone: string;
  intake_days: string;
  lock_minutes: string;
  inactive_days: string;
  location_precision: string;
  export_precision: string;
  hmis_without_consent: string;
}

export const NUMBER_FIELDS = ['intake_days', 'lock_minutes', 'inactive_days'] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];

/** The form filled from the team's settings. */
export function formOf(team: TeamView): TeamForm {
  return {
    name: team.name,
    time_zone: team.time_zone,
    intake_days: String(team.intake_days),
    lock_minutes: String(team.lock_minutes),
    inactive_days: String(team.inactive_days),
    location_precision: team.location_precision,
    export_precision: team.export_precision,
    hmis_without_consent: team.hmis_without_consent,
  };
}

/**
 * What changed, as a `TeamInput`, or the first number field that is not a whole
 * number (`{ bad }`): the device checks the ranges and says them.
 */
export function changes(team: TeamView, form: TeamForm): { input: TeamInput } | { bad: NumberField } {
  const input: TeamInput = {};
  const name = form.name.trim();
  if (name !== team.name) input.name = name;
  const zone = form.time_zone.trim();
  if (zone !== team.time_zone) input.time_zone = zone;
  for (const field of NUMBER_FIELDS) {
    const text = form[field].trim();
    if (!/^-?\d+$/.test(text)) return { bad: field };
    const value = Number(text);
    if (value !== team[field]) input[field] = value;
  }
  if (form.location_precision !== team.location_precision) input.location_precision = form.location_precision;
  if (form.export_precision !== team.export_precision) input.export_precision = form.export_precision;
  if (form.hmis_without_consent !== team.hmis_without_consent) input.hmis_without_consent = form.hmis_without_consent;
  return { input };
}
