import type { NewVirtualKey, VirtualKeyRecord } from './virtual-key.js';

/** A newly created key: its record, and its secret, which exists nowhere else. */
export interface CreatedVirtualKey {
  readonly record: VirtualKeyRecord;
  /** The only time the secret is available: show it once and let it go. */
  readonly secret: string;
}

/**
 * Where virtual keys live. Every implementation passes `virtual-key-store.contract.ts`.
 * Stores hold hashes only; records come out as fresh copies.
 */
export interface VirtualKeyStore {
  /** Draws an id and a secret, stores the record (never the secret), and returns both. */
  create(key: NewVirtualKey): Promise<CreatedVirtualKey>;
  /** The key whose `hashKeySecret(secret)` is `hash`, revoked or expired alike. */
  findByHash(hash: string): Promise<VirtualKeyRecord | undefined>;
  get(id: string): Promise<VirtualKeyRecord | undefined>;
  /** Every key, revoked ones included, ordered by `createdAt`, then creation order. */
  list(): Promise<VirtualKeyRecord[]>;
  /**
   * Marks the key revoked at `at` (wall-clock ms). Idempotent: revoking again keeps the first
   * time and still returns true. False when no key has this id.
   */
  revoke(id: string, at: number): Promise<boolean>;
  /** Safe to call twice; every other method rejects afterwards. */
  close(): Promise<void>;
}

/** The one read the request path needs; a store, or a cache in front of one. */
export type VirtualKeyLookup = Pick<VirtualKeyStore, 'findByHash'>;
