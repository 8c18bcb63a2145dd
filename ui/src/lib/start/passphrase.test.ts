import { describe, expect, it } from 'vitest';
import {
  MIN_PASSPHRASE,
  enrollProblem,
  passphraseProblem,
  relayUrl,
  standaloneProblem,
  startErrorKey,
  tidyCertificate,
} from './passphrase';

describe('passphraseProblem', () => {
  it('asks for at least the minimum, counted in characters', () => {
    expect(MIN_PASSPHRASE).toBe(8);
    expect(passphraseProblem('1234567', '1234567')).toBe('start.pass_too_short');
    expect(passphraseProblem('12345678', '12345678')).toBeNull();
    // Eight characters, more UTF-16 units: accepted like the device counts.
    expect(passphraseProblem('ñandú🙂🙂🙂', 'ñandú🙂🙂🙂')).toBeNull();
    expect(passphraseProblem('🙂🙂🙂🙂', '🙂🙂🙂🙂')).toBe('start.pass_too_short');
  });

  it('needs both entries to match exactly', () => {
    expect(passphraseProblem('correct horse', 'correct hors')).toBe('start.pass_mismatch');
    expect(passphraseProblem('correct horse', 'correct horse ')).toBe('start.pass_mismatch');
  });
});

describe('relayUrl', () => {
  it('accepts http(s) addresses and adds https when no scheme is typed', () => {
    expect(relayUrl(' https://relay.example.org/ ')).toBe('https://relay.example.org');
    expect(relayUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(relayUrl('relay.example.org')).toBe('https://relay.example.org');
  });

  it('refuses what is not an address', () => {
    expect(relayUrl('')).toBeNull();
    expect(relayUrl('ftp://relay.example.org')).toBeNull();
    expect(relayUrl('https://')).toBeNull();
    expect(relayUrl('not a url')).toBeNull();
  });
});

describe('form problems', () => {
  it('enroll: relay, then code, then passphrase', () => {
    expect(enrollProblem('', 'A.B', 'longenough', 'longenough')).toBe('start.need_relay');
    expect(enrollProblem('relay.example.org', ' ', 'longenough', 'longenough')).toBe('start.need_code');
    expect(enrollProblem('relay.example.org', 'A.B', 'short', 'short')).toBe('start.pass_too_short');
    expect(enrollProblem('relay.example.org', 'A.B', 'longenough', 'longenough')).toBeNull();
  });

  it('standalone: role, then name, then passphrase', () => {
    expect(standaloneProblem(null, 'Ana', 'longenough', 'longenough')).toBe('start.need_role');
    expect(standaloneProblem('officer', ' ', 'longenough', 'longenough')).toBe('start.need_name');
    expect(standaloneProblem('officer', 'Ana', 'longenough', 'longenougH')).toBe('start.pass_mismatch');
    expect(standaloneProblem('outreach', 'Ana', 'longenough', 'longenough')).toBeNull();
  });

  it('names relay failures specifically and leaves others to the common messages', () => {
    expect(startErrorKey('relay_unreachable')).toBe('start.error_relay_unreachable');
    expect(startErrorKey('relay_refused')).toBe('start.error_relay_refused');
    expect(startErrorKey('invalid')).toBeNull();
  });

  it('tells a relay certificate this phone does not trust from a relay out of reach', () => {
    // The device's messages (crates/waymark-device/src/transport.rs).
    const untrusted =
      'relay unreachable: https://127.0.0.1:4433 (its TLS certificate is not trusted (invalid peer certificate: UnknownIssuer); a relay with its own certificate needs `waymark enroll --ca-cert FILE.pem`, and a device enrolled that way trusts only that certificate)';
    expect(startErrorKey('relay_unreachable', untrusted)).toBe('start.error_certificate_untrusted');
    const other =
      'relay unreachable: https://127.0.0.1:4433 (its TLS certificate is not signed by the certificate this device was enrolled to trust (invalid peer certificate: BadSignature))';
    expect(startErrorKey('relay_unreachable', other)).toBe('start.error_certificate_mismatch');
    expect(startErrorKey('relay_unreachable', 'relay unreachable: https://r (cannot connect)')).toBe(
      'start.error_relay_unreachable',
    );
    const pem = 'unknown relay certificate "no certificate in it": expected one of a PEM file holding the relay\'s certificate';
    expect(startErrorKey('invalid', pem)).toBe('start.error_certificate_invalid');
    const http =
      'unknown relay address "http://127.0.0.1:8080": expected one of an https:// URL when a relay certificate is given';
    expect(startErrorKey('invalid', http)).toBe('start.error_certificate_https');
    // The fake's wording of the same refusals.
    expect(startErrorKey('invalid', 'the relay certificate is not a PEM certificate (-----BEGIN CERTIFICATE-----)')).toBe(
      'start.error_certificate_invalid',
    );
    expect(startErrorKey('invalid', 'a relay certificate needs an https:// relay address')).toBe(
      'start.error_certificate_https',
    );
  });
});

describe('tidyCertificate', () => {
  const body = 'MIIBlzCCATygAwIBAgIUHGH/kXEaRJgFCMNXPpU19cBC8BIwCgYIKoZIzj0EAwIwFDESMBAGA1UEAwwJMTI3LjAuMC4x';
  const pem = `-----BEGIN CERTIFICATE-----\n${body.slice(0, 64)}\n${body.slice(64)}\n-----END CERTIFICATE-----\n`;

  it('keeps a well-formed PEM as it is', () => {
    expect(tidyCertificate(pem)).toBe(pem);
    expect(tidyCertificate(`  \r\n${pem.replace(/\n/g, '\r\n')}  `)).toBe(pem);
  });

  it('puts back the line breaks a paste lost, block by block', () => {
    expect(tidyCertificate(pem.replace(/\n/g, ''))).toBe(pem);
    expect(tidyCertificate(pem.replace(/\n/g, ' ') + pem.replace(/\n/g, ''))).toBe(pem + pem);
  });

  it('leaves anything else for the device to refuse, and empty as none', () => {
    expect(tidyCertificate('not a certificate')).toBe('not a certificate');
    expect(tidyCertificate('   ')).toBeNull();
  });
});
