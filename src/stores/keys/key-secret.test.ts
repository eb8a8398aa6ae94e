import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyId, generateKeySecret, hashKeySecret, isWellFormedKeySecret, keySecretPrefix, type RandomBytes } from './key-secret.js';

const counting: RandomBytes = (bytes) => Buffer.from(Array.from({ length: bytes }, (_, index) => index * 7 + 3));

describe('key secrets', () => {
  it('makes tg- plus 40 url-safe characters from 30 injected random bytes', () => {
    const requested: number[] = [];
    const secret = generateKeySecret((bytes) => {
      requested.push(bytes);
      return counting(bytes);
    });

    expect(requested).toEqual([30]);
    expect(secret).toBe(`tg-${counting(30).toString('base64url')}`);
    expect(secret).toMatch(/^tg-[A-Za-z0-9_-]{40}$/);
    expect(isWellFormedKeySecret(secret)).toBe(true);
  });

  it('draws different secrets from the default crypto source', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateKeySecret()));
    expect(secrets.size).toBe(50);
    for (const secret of secrets) expect(isWellFormedKeySecret(secret)).toBe(true);
  });

  it('makes vk_ ids from 12 random bytes, independent of the secret', () => {
    expect(generateKeyId(counting)).toBe(`vk_${counting(12).toString('base64url')}`);
    expect(generateKeyId()).toMatch(/^vk_[A-Za-z0-9_-]{16}$/);
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    expect(() => generateKeySecret(() => Buffer.alloc(29))).toThrow(RangeError);
    expect(() => generateKeyId(() => Buffer.alloc(13))).toThrow(RangeError);
  });

  it('hashes the whole secret as lowercase hex SHA-256', () => {
    expect(hashKeySecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const secret = generateKeySecret();
    expect(hashKeySecret(secret)).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(hashKeySecret(secret)).not.toBe(hashKeySecret(secret.slice(3)));
  });

  it('keeps the first 8 characters after tg- as the display prefix', () => {
    expect(keySecretPrefix('tg-ABCDEFGHijklmnopqrstuvwxyz0123456789_-abcd')).toBe('ABCDEFGH');
  });

  it.each([
    undefined,
    null,
    42,
    '',
    'tg-',
    `tg-${'a'.repeat(39)}`,
    `tg-${'a'.repeat(41)}`,
    `sk-${'a'.repeat(40)}`,
    `TG-${'a'.repeat(40)}`,
    `tg-${'a'.repeat(39)}=`,
    `tg-${'a'.repeat(39)}+`,
    ` tg-${'a'.repeat(40)}`,
    `Bearer tg-${'a'.repeat(40)}`,
    `tg-${'a'.repeat(40)}\n`,
  ])('calls %j malformed', (value) => {
    expect(isWellFormedKeySecret(value)).toBe(false);
  });
});
