import { z } from 'zod';
import { nonEmptyText, strictMapping } from './config-fields.js';

/** `auth:` — the master key for the admin API, and whether every request needs a virtual key. */
export const authSchema = strictMapping(
  {
    master_key: nonEmptyText('write the admin master key, best from the environment: master_key: ${TOLLGATE_MASTER_KEY}')
      .refine((value) => value.length >= 16, { error: 'too short; use at least 16 random characters (e.g. openssl rand -hex 24)' })
      .optional(),
    require_virtual_key: z.boolean({ error: 'write true or false' }).optional(),
  },
  'write auth: { master_key: ${TOLLGATE_MASTER_KEY}, require_virtual_key: true }, or leave auth out',
)
  .transform((auth) => ({ masterKey: auth.master_key, requireVirtualKey: auth.require_virtual_key ?? false }))
  .prefault({});
