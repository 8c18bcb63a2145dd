// Strings of the first screens in English and Spanish. Every key must exist in both
// (the type enforces it; a test checks it too).
export type Lang = 'en' | 'es';

export const LANGS: readonly Lang[] = ['en', 'es'];

const en = {
  'app.title': 'Waymark',
  'sync.now': 'Sync now',
  'sync.syncing': 'Syncing…',
  'sync.never': 'Not synced yet',
  'sync.last': 'Last sync',
  'sync.pending': 'Not yet on the relay',
  'sync.offline': 'Offline: changes are saved on this device',
  'sync.failed': 'Sync failed',
  'record.not_synced': 'Not yet synced',
  'lookup.title': 'Lookup',
  'lookup.label': 'Name or alias',
  'lookup.placeholder': 'Search the roster',
  'lookup.none': 'No one on the roster matches',
  'card.status': 'Status',
  'card.case_manager': 'Case manager',
  'card.no_case_manager': 'No case manager yet',
  'card.call': 'Call case manager',
  'queue.title': 'Follow-up queue',
  'queue.empty': 'No referrals waiting',
  'queue.closed': 'Closed',
  'status.new': 'New',
  'status.contacted': 'Contacted',
  'status.intake_complete': 'Intake complete',
  'status.declined': 'Declined',
  'status.unable_to_locate': 'Unable to locate',
  'status.expired': 'Expired',
  'status.referred': 'Referred',
  'status.active': 'Active',
  'status.inactive': 'Inactive',
  'lang.switch': 'Español',
  'demo.banner': 'Demo data — not a real team',
} as const;

export type Key = keyof typeof en;

const es: Record<Key, string> = {
  'app.title': 'Waymark',
  'sync.now': 'Sincronizar',
  'sync.syncing': 'Sincronizando…',
  'sync.never': 'Aún no sincronizado',
  'sync.last': 'Última sincronización',
  'sync.pending': 'Aún no en el relé',
  'sync.offline': 'Sin conexión: los cambios se guardan en este dispositivo',
  'sync.failed': 'Falló la sincronización',
  'record.not_synced': 'Aún no sincronizado',
  'lookup.title': 'Consulta',
  'lookup.label': 'Nombre o apodo',
  'lookup.placeholder': 'Buscar en la lista',
  'lookup.none': 'Nadie en la lista coincide',
  'card.status': 'Estado',
  'card.case_manager': 'Gestor de caso',
  'card.no_case_manager': 'Aún sin gestor de caso',
  'card.call': 'Llamar al gestor de caso',
  'queue.title': 'Cola de seguimiento',
  'queue.empty': 'No hay referencias pendientes',
  'queue.closed': 'Cerradas',
  'status.new': 'Nueva',
  'status.contacted': 'Contactada',
  'status.intake_complete': 'Admisión completa',
  'status.declined': 'Rechazada',
  'status.unable_to_locate': 'No localizada',
  'status.expired': 'Vencida',
  'status.referred': 'Referido',
  'status.active': 'Activo',
  'status.inactive': 'Inactivo',
  'lang.switch': 'English',
  'demo.banner': 'Datos de demostración — no es un equipo real',
};

export const STRINGS: Record<Lang, Record<Key, string>> = { en, es };

export function t(key: Key, lang: Lang): string {
  return STRINGS[lang][key];
}

/** The translated label of a person or referral status, or the raw value if unknown. */
export function statusLabel(status: string, lang: Lang): string {
  const key = `status.${status}`;
  return key in en ? t(key as Key, lang) : status;
}
