// Strings of the team's devices screen (supervisor), in English and Spanish (every
// key in both).
export const en = {
  'nav.devices': 'Devices',
  'devices.open': 'Team devices',
  'devices.title': 'Team devices',
  'devices.intro':
    'The phones and computers of the team as the relay knows them. Invite a new one, or revoke a lost or returned one. Needs a connection to the relay.',
  'devices.refresh': 'Refresh',
  'devices.offline': 'No connection to the relay: the list, invitations and revocations need one. Try again when online.',
  'devices.standalone': 'This device works on its own, without a relay: there is no team to manage.',
  'devices.list_heading': 'Enrolled and invited',
  'devices.empty': 'The relay lists no devices.',
  'devices.col.device': 'Device',
  'devices.col.role': 'Role',
  'devices.col.status': 'Status',
  'devices.col.enrolled': 'Enrolled',
  'devices.col.last_sync': 'Last sync',
  'devices.col.keys': 'Keys',
  'devices.this_device': 'This device',
  'devices.status.pending': 'Invited',
  'devices.status.active': 'Active',
  'devices.status.revoked': 'Revoked',
  'devices.never': 'Never',
  'devices.epoch': 'Epoch {n}',
  'devices.epoch_behind': 'Epoch {n}: gets the new keys at its next sync',
  'devices.revoke': 'Revoke',
  'devices.cancel_invite': 'Cancel invitation',
  'devices.invite_heading': 'Invite a device',
  'devices.invite_role': 'Role',
  'devices.invite_label': 'Who carries it',
  'devices.invite_label_hint': 'A name the team will recognise, e.g. "Officer Diaz" or "Van tablet".',
  'devices.invite_submit': 'Make an invitation code',
  'devices.inviting': 'Asking the relay…',
  'devices.invited_heading': 'Invitation for {label}',
  'devices.invited_code': 'One-time code',
  'devices.invited_how':
    'On the new device, choose "Enroll with an invitation code", enter the relay address {relay} and this code. The code works once, until {expires}.',
  'devices.invited_secret':
    'The code opens the team’s keys: give it in person or by phone, never by e-mail or text message.',
  'devices.invited_done': 'Done',
  'devices.role.outreach': 'Outreach',
  'devices.role.officer': 'Officer',
  'devices.role.supervisor': 'Supervisor',
  'devices.confirm_heading': 'Revoke {label}?',
  'devices.confirm_pending_heading': 'Cancel the invitation for {label}?',
  'devices.confirm_body':
    'It can no longer sync, and it erases its Waymark data the next time it reaches the relay. The team then gets new keys, so nothing written from now on can be read with this device’s keys. This cannot be undone.',
  'devices.confirm_pending_body':
    'Its code will no longer work. The team gets new keys, in case the code was seen by someone else. This cannot be undone.',
  'devices.confirm_yes': 'Revoke device',
  'devices.confirm_pending_yes': 'Cancel invitation',
  'devices.confirm_no': 'Keep it',
  'devices.revoking': 'Revoking…',
  'devices.revoked': '{label} is revoked. The team’s keys are now epoch {epoch}, given to {n} devices.',
  'devices.revoked_pending':
    '{label} is revoked. The new keys could not be handed out yet: this device finishes that at its next sync.',
  'devices.not_rekeyed_one':
    '{n} device gets the new keys later, once this device can check its key (after a sync): {names}.',
  'devices.not_rekeyed_other':
    '{n} devices get the new keys later, once this device can check their keys (after a sync): {names}.',
} as const;

export const es: Record<keyof typeof en, string> = {
  'nav.devices': 'Dispositivos',
  'devices.open': 'Dispositivos del equipo',
  'devices.title': 'Dispositivos del equipo',
  'devices.intro':
    'Los teléfonos y computadoras del equipo según el relé. Invite uno nuevo o revoque uno perdido o devuelto. Necesita conexión con el relé.',
  'devices.refresh': 'Actualizar',
  'devices.offline':
    'Sin conexión con el relé: la lista, las invitaciones y las revocaciones la necesitan. Inténtelo de nuevo con conexión.',
  'devices.standalone': 'Este dispositivo funciona solo, sin relé: no hay equipo que administrar.',
  'devices.list_heading': 'Inscritos e invitados',
  'devices.empty': 'El relé no tiene dispositivos.',
  'devices.col.device': 'Dispositivo',
  'devices.col.role': 'Rol',
  'devices.col.status': 'Estado',
  'devices.col.enrolled': 'Inscrito',
  'devices.col.last_sync': 'Última sincronización',
  'devices.col.keys': 'Claves',
  'devices.this_device': 'Este dispositivo',
  'devices.status.pending': 'Invitado',
  'devices.status.active': 'Activo',
  'devices.status.revoked': 'Revocado',
  'devices.never': 'Nunca',
  'devices.epoch': 'Época {n}',
  'devices.epoch_behind': 'Época {n}: recibe las claves nuevas en su próxima sincronización',
  'devices.revoke': 'Revocar',
  'devices.cancel_invite': 'Cancelar invitación',
  'devices.invite_heading': 'Invitar un dispositivo',
  'devices.invite_role': 'Rol',
  'devices.invite_label': 'Quién lo lleva',
  'devices.invite_label_hint': 'Un nombre que el equipo reconozca, p. ej. «Agente Díaz» o «Tableta de la furgoneta».',
  'devices.invite_submit': 'Crear un código de invitación',
  'devices.inviting': 'Consultando al relé…',
  'devices.invited_heading': 'Invitación para {label}',
  'devices.invited_code': 'Código de un solo uso',
  'devices.invited_how':
    'En el dispositivo nuevo, elija «Inscribirse con un código de invitación», escriba la dirección del relé {relay} y este código. El código sirve una vez, hasta el {expires}.',
  'devices.invited_secret':
    'El código abre las claves del equipo: entréguelo en persona o por teléfono, nunca por correo ni mensaje de texto.',
  'devices.invited_done': 'Listo',
  'devices.role.outreach': 'Trabajo de calle',
  'devices.role.officer': 'Policía',
  'devices.role.supervisor': 'Supervisión',
  'devices.confirm_heading': '¿Revocar {label}?',
  'devices.confirm_pending_heading': '¿Cancelar la invitación para {label}?',
  'devices.confirm_body':
    'Ya no podrá sincronizar y borrará sus datos de Waymark la próxima vez que contacte con el relé. Luego el equipo recibe claves nuevas, así que nada de lo que se escriba a partir de ahora podrá leerse con las claves de este dispositivo. No se puede deshacer.',
  'devices.confirm_pending_body':
    'Su código dejará de funcionar. El equipo recibe claves nuevas, por si alguien más vio el código. No se puede deshacer.',
  'devices.confirm_yes': 'Revocar dispositivo',
  'devices.confirm_pending_yes': 'Cancelar invitación',
  'devices.confirm_no': 'Conservarlo',
  'devices.revoking': 'Revocando…',
  'devices.revoked': '{label} está revocado. Las claves del equipo son ahora de la época {epoch}, entregadas a {n} dispositivos.',
  'devices.revoked_pending':
    '{label} está revocado. Las claves nuevas aún no se pudieron entregar: este dispositivo lo termina en su próxima sincronización.',
  'devices.not_rekeyed_one':
    '{n} dispositivo recibe las claves nuevas más tarde, cuando este dispositivo pueda comprobar su clave (tras sincronizar): {names}.',
  'devices.not_rekeyed_other':
    '{n} dispositivos reciben las claves nuevas más tarde, cuando este dispositivo pueda comprobar sus claves (tras sincronizar): {names}.',
};
