import { resolveCustomers, type CustomerRecord, type IdentityKey } from '../identity.ts';
import { FieldError, blankToNull, normalizeEmail, normalizeId, normalizePhone, parseTimestamp } from '../normalize.ts';
import { collectRows, type EntityImporter } from './common.ts';

export const customersImporter: EntityImporter<CustomerRecord> = {
  createState: () => undefined,

  parse(get, _state, ctx) {
    const country = blankToNull(get('country'));
    const email = normalizeEmail(get('email'));
    const phone = normalizePhone(get('phone'), country);
    const externalId = normalizeId(get('external_id'));
    const keys: IdentityKey[] = [];
    if (externalId) keys.push({ kind: 'external_id', source: ctx.source, value: externalId });
    if (email) keys.push({ kind: 'email', source: '', value: email });
    if (phone) keys.push({ kind: 'phone', source: '', value: phone });
    if (keys.length === 0) throw new FieldError('no identity: a customer needs an external_id, email or phone');
    return {
      keys,
      attrs: {
        name: blankToNull(get('name')),
        email,
        phone,
        country,
        city: blankToNull(get('city')),
        signup_channel: blankToNull(get('signup_channel')),
        signed_up_at: parseTimestamp(get('signed_up_at'), 'signed_up_at'),
      },
    };
  },

  collect: collectRows,

  async write(tx, rows, ctx) {
    const result = await resolveCustomers(tx, rows, ctx.runId);
    const changed = result.created + result.updated;
    return {
      inserted: result.created,
      updated: result.updated,
      unchanged: rows.length - changed,
      details: { customers_created: result.created, customers_updated: result.updated, customers_merged: result.merged },
    };
  },
};
