import { describe, expect, it } from 'vitest';
import {
  MIN_PASSPHRASE,
  enrollProblem,
  passphraseProblem,
  relayUrl,
  standaloneProblem,
  startErrorKey,
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
});
