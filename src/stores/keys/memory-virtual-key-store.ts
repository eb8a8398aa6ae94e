import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../core/clock.js';
import type { RandomBytes } from './key-secret.js';
import { assertRevocationTime, mintVirtualKey } from './mint-virtual-key.js';
import type { NewVirtualKey, VirtualKeyRecord } from './virtual-key.js';
import type { CreatedVirtualKey, VirtualKeyStore } from './virtual-key-store.js';

export interface MemoryVirtualKeyStoreOptions {
  /** Stamps `createdAt`. */
  readonly clock?: Clock;
  /** Draws ids and secrets (default `node:crypto` `randomBytes`). */
  readonly random?: RandomBytes;
}

/**
 * Virtual keys kept in process memory: for tests and for library use without persistence.
 * Records are copied in and out, so callers cannot change stored keys.
 */
export function createMemoryVirtualKeyStore(options: MemoryVirtualKeyStoreOptions = {}): VirtualKeyStore {
  const minting = { clock: options.clock ?? systemClock, random: options.random ?? randomBytes };
  // Insertion order is creation order; `list` sorts stably by createdAt on top of it.
  const byId = new Map<string, VirtualKeyRecord>();
  const idByHash = new Map<string, string>();
  let closed = false;

  const ensureOpen = (): void => {
    if (closed) throw new Error('memory virtual key store is closed');
  };

  return {
    async create(key: NewVirtualKey): Promise<CreatedVirtualKey> {
      ensureOpen();
      const created = mintVirtualKey(key, minting);
      const { record } = created;
      if (byId.has(record.id) || idByHash.has(record.hash)) {
        throw new Error(`virtual key ${record.id} collides with a stored key's id or hash`);
      }
      byId.set(record.id, structuredClone(record));
      idByHash.set(record.hash, record.id);
      return created;
    },

    async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
      ensureOpen();
      const id = idByHash.get(hash);
      return id === undefined ? undefined : copyOf(byId.get(id));
    },

    async get(id: string): Promise<VirtualKeyRecord | undefined> {
      ensureOpen();
      return copyOf(byId.get(id));
    },

    async list(): Promise<VirtualKeyRecord[]> {
      ensureOpen();
      return [...byId.values()].sort((left, right) => left.createdAt - right.createdAt).map((record) => structuredClone(record));
    },

    async revoke(id: string, at: number): Promise<boolean> {
      ensureOpen();
      assertRevocationTime(at);
      const record = byId.get(id);
      if (!record) return false;
      if (record.revokedAt === null) byId.set(id, { ...record, revokedAt: at });
      return true;
    },

    async close(): Promise<void> {
      closed = true;
      byId.clear();
      idByHash.clear();
    },
  };
}

function copyOf(record: VirtualKeyRecord | undefined): VirtualKeyRecord | undefined {
  return record === undefined ? undefined : structuredClone(record);
}
