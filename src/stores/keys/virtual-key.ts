/**
 * A virtual key as stored: everything about the key except its secret, which is shown once at
 * creation and kept only as `hash`. Records are plain JSON-shaped data, read-only by type.
 */
export interface VirtualKeyRecord {
  /** Public id (`vk_…`), unrelated to the secret: safe to log, to show, and to write in the ledger. */
  readonly id: string;
  /** `hashKeySecret(secret)`: lowercase hex SHA-256, unique per key. */
  readonly hash: string;
  /** The first characters of the secret after `tg-`, so people can tell their keys apart. */
  readonly prefix: string;
  readonly name: string | null;
  readonly org: string | null;
  readonly team: string | null;
  readonly user: string | null;
  /** Logical model names the key may call; `null` means every model. */
  readonly allowedModels: readonly string[] | null;
  readonly tags: Readonly<Record<string, string>>;
  /** Wall-clock ms from which the key no longer authenticates; `null` never expires. */
  readonly expiresAt: number | null;
  readonly createdAt: number;
  /** When the key was revoked (the first revocation wins); any non-null value refuses the key. */
  readonly revokedAt: number | null;
  /** Opaque JSON for now; issue 5 defines the budget shape. */
  readonly budgets: readonly unknown[];
  /** Opaque JSON for now; issue 5 defines the rate-limit shape. */
  readonly rateLimits: readonly unknown[];
}

/**
 * What a creator gives. The store draws the id and secret and stamps `createdAt`.
 * `allowedModels` is required: granting every model (`null`) is a choice someone writes down,
 * never a default. The rest default to "none": null owner fields and name, no tags, no expiry,
 * no budgets, no rate limits.
 */
export interface NewVirtualKey {
  readonly allowedModels: readonly string[] | null;
  readonly name?: string | null;
  readonly org?: string | null;
  readonly team?: string | null;
  readonly user?: string | null;
  readonly tags?: Readonly<Record<string, string>>;
  readonly expiresAt?: number | null;
  /** JSON values only (objects, arrays, strings, finite numbers, booleans, null). */
  readonly budgets?: readonly unknown[];
  readonly rateLimits?: readonly unknown[];
}
