import { createHash, randomBytes } from 'node:crypto';

/** Random bytes on demand; `node:crypto`'s `randomBytes` in production, seeded in tests. */
export type RandomBytes = (bytes: number) => Buffer;

/** What every secret starts with, so scanners and people recognise a leaked Tollgate key. */
export const keySecretScheme = 'tg-';
/** 30 random bytes: 240 bits, exactly 40 base64url characters. */
export const keySecretRandomBytes = 30;
/** How many characters after `tg-` a record keeps for display. */
export const keySecretPrefixLength = 8;
/** 12 random bytes: 96 bits, 16 base64url characters after `vk_`. */
export const keyIdRandomBytes = 12;

const secretPattern = /^tg-[A-Za-z0-9_-]{40}$/;

function drawBytes(random: RandomBytes, count: number): Buffer {
  const bytes = random(count);
  if (!Buffer.isBuffer(bytes) || bytes.length !== count) {
    throw new RangeError(`random source must return a Buffer of ${count} bytes, got ${Buffer.isBuffer(bytes) ? bytes.length : typeof bytes}`);
  }
  return bytes;
}

/** A new secret: `tg-` followed by 40 url-safe characters (240 random bits). */
export function generateKeySecret(random: RandomBytes = randomBytes): string {
  return `${keySecretScheme}${drawBytes(random, keySecretRandomBytes).toString('base64url')}`;
}

/**
 * A new public key id: `vk_` followed by 16 url-safe characters (96 random bits). Drawn
 * independently of the secret, so logging or showing it reveals nothing about the secret.
 */
export function generateKeyId(random: RandomBytes = randomBytes): string {
  return `vk_${drawBytes(random, keyIdRandomBytes).toString('base64url')}`;
}

/** Whether a presented value has the shape `generateKeySecret` makes; checked before hashing. */
export function isWellFormedKeySecret(value: unknown): value is string {
  return typeof value === 'string' && secretPattern.test(value);
}

/** The display prefix kept in the record: the first 8 characters after `tg-`. */
export function keySecretPrefix(secret: string): string {
  return secret.slice(keySecretScheme.length, keySecretScheme.length + keySecretPrefixLength);
}

/**
 * The stored form of a secret: lowercase hex SHA-256 of the whole secret.
 *
 * A fast, unsalted hash is right here, unlike for passwords. Slow salted hashes (bcrypt, scrypt,
 * argon2) exist because people choose guessable passwords, so each guess must be made expensive.
 * These secrets are 240 uniformly random bits: a stolen hash table cannot be brute-forced at any
 * hash speed, and a salt adds nothing against guessing a value no one chose. Being deterministic,
 * the hash is also the lookup key (one indexed read per request), where a salted hash would
 * force checking every stored key. And it costs microseconds on the request path, where a
 * password hash costs tens of milliseconds of CPU per request.
 *
 * Comparing by lookup is not a timing leak: an attacker controls the secret, not its hash, so
 * timing differences in matching hashes tell them nothing about any stored secret. That is why
 * there is no constant-time compare helper.
 */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
