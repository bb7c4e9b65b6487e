import type { Queryable } from '../db/index.ts';
import { copyText } from '../db/copy.ts';
import { UnionFind } from './unionFind.ts';

export type IdentityKind = 'email' | 'phone' | 'external_id';

export interface IdentityKey {
  kind: IdentityKind;
  /** The system an external id belongs to; '' for emails and phones, which are global. */
  source: string;
  /** Already normalized (see normalize.ts). */
  value: string;
}

export interface CustomerAttributes {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  country?: string | null;
  city?: string | null;
  signup_channel?: string | null;
  signed_up_at?: Date | null;
  attributes?: Record<string, unknown> | null;
}

export interface CustomerRecord {
  keys: IdentityKey[];
  attrs: CustomerAttributes;
}

export interface ResolveResult {
  /** The customer each record belongs to after resolution, in record order. */
  customerIds: number[];
  created: number;
  /** Existing customers whose attributes changed or that absorbed another customer. */
  updated: number;
  merged: number;
}

const ATTR_COLUMNS = ['name', 'email', 'phone', 'country', 'city', 'signup_channel', 'signed_up_at'] as const;
const CUSTOMER_REFERENCES = ['orders', 'events', 'feedback', 'customer_identities'] as const;

const keyString = (k: IdentityKey) => `${k.kind}\u0001${k.source}\u0001${k.value}`;
const customerNode = (id: number) => `customer\u0001${id}`;

/**
 * Identity resolution: records (and existing customers) that share a normalized email, phone or external id are one
 * customer. Components with no existing customer get a new one; a component that spans several existing customers
 * merges them into the oldest (lowest id), moving their orders, events, feedback, identities and tags. Later records
 * in the batch overwrite earlier attribute values; missing values never erase known ones.
 */
export async function resolveCustomers(
  tx: Queryable,
  records: readonly CustomerRecord[],
  runId: number | null = null,
): Promise<ResolveResult> {
  const uniqueKeys = new Map<string, IdentityKey>();
  for (const r of records) for (const k of r.keys) uniqueKeys.set(keyString(k), k);
  const existing = await loadIdentities(tx, [...uniqueKeys.values()]);

  const sets = new UnionFind();
  for (const r of records) {
    if (r.keys.length === 0) throw new Error('resolveCustomers: a record needs at least one identity');
    for (const k of r.keys) sets.union(keyString(r.keys[0]!), keyString(k));
  }
  for (const e of existing) sets.union(keyString(e), customerNode(e.customer_id));

  const existingByRoot = new Map<string, Set<number>>();
  for (const e of existing) {
    const root = sets.find(customerNode(e.customer_id));
    if (!existingByRoot.has(root)) existingByRoot.set(root, new Set());
    existingByRoot.get(root)!.add(e.customer_id);
  }

  const roots = records.map((r) => sets.find(keyString(r.keys[0]!)));
  const newRoots = [...new Set(roots.filter((root) => !existingByRoot.has(root)))];
  const newIds = await allocateCustomerIds(tx, newRoots.length);
  const customerOfRoot = new Map<string, number>(newRoots.map((root, i) => [root, newIds[i]!]));
  const merges: { merged: number; survivor: number }[] = [];
  for (const [root, ids] of existingByRoot) {
    const [survivor, ...others] = [...ids].sort((a, b) => a - b);
    customerOfRoot.set(root, survivor!);
    for (const merged of others) merges.push({ merged, survivor: survivor! });
  }
  const customerIds = roots.map((root) => customerOfRoot.get(root)!);

  const attrsByCustomer = collectAttributes(records, customerIds);
  const created = new Set(newIds);
  await insertCustomers(tx, newIds, attrsByCustomer);
  const changed = await mergeCustomers(tx, merges, runId);
  const updatedIds = await updateCustomers(
    tx,
    [...attrsByCustomer].filter(([id]) => !created.has(id)),
  );
  for (const id of updatedIds) changed.add(id);
  const known = new Set(existing.map(keyString));
  await insertIdentities(
    tx,
    [...uniqueKeys].filter(([s]) => !known.has(s)).map(([s, k]) => ({ ...k, customer_id: customerOfRoot.get(sets.find(s))! })),
  );
  return { customerIds, created: newIds.length, updated: changed.size, merged: merges.length };
}

async function loadIdentities(tx: Queryable, keys: IdentityKey[]) {
  if (keys.length === 0) return [];
  const { rows } = await tx.query<IdentityKey & { customer_id: number }>(
    `SELECT ci.kind, ci.source, ci.value, ci.customer_id
       FROM customer_identities ci
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(kind, source, value)
         ON ci.kind = k.kind AND ci.source = k.source AND ci.value = k.value`,
    [keys.map((k) => k.kind), keys.map((k) => k.source), keys.map((k) => k.value)],
  );
  return rows;
}

async function allocateCustomerIds(tx: Queryable, count: number): Promise<number[]> {
  if (count === 0) return [];
  const { rows } = await tx.query<{ id: number }>(
    `SELECT nextval('customers_id_seq') AS id FROM generate_series(1, $1::int)`,
    [count],
  );
  return rows.map((r) => r.id);
}

/** Per customer, the attributes its records carry; later records win, nulls never overwrite. */
function collectAttributes(records: readonly CustomerRecord[], customerIds: number[]) {
  const out = new Map<number, CustomerAttributes>();
  records.forEach((r, i) => {
    const id = customerIds[i]!;
    const acc = out.get(id) ?? {};
    for (const col of ATTR_COLUMNS) {
      const v = r.attrs[col];
      if (v !== null && v !== undefined) (acc as Record<string, unknown>)[col] = v;
    }
    if (r.attrs.attributes) acc.attributes = { ...acc.attributes, ...r.attrs.attributes };
    out.set(id, acc);
  });
  return out;
}

async function insertCustomers(tx: Queryable, ids: number[], attrs: Map<number, CustomerAttributes>) {
  if (ids.length === 0) return;
  const rows = ids.map((id) => {
    const a = attrs.get(id) ?? {};
    return [id, ...ATTR_COLUMNS.map((c) => a[c] ?? null), a.attributes ?? {}];
  });
  await tx.copyFrom('customers', ['id', ...ATTR_COLUMNS, 'attributes'], copyText(rows));
}

/** Fill in / overwrite attributes of existing customers; returns the ids whose row actually changed. */
async function updateCustomers(tx: Queryable, entries: [number, CustomerAttributes][]): Promise<number[]> {
  const withValues = entries.filter(([, a]) => ATTR_COLUMNS.some((c) => a[c] != null) || a.attributes);
  if (withValues.length === 0) return [];
  const column = (c: (typeof ATTR_COLUMNS)[number]) => withValues.map(([, a]) => a[c] ?? null);
  const { rows } = await tx.query<{ id: number }>(
    `UPDATE customers c SET
        name = coalesce(u.name, c.name), email = coalesce(u.email, c.email), phone = coalesce(u.phone, c.phone),
        country = coalesce(u.country, c.country), city = coalesce(u.city, c.city),
        signup_channel = coalesce(u.signup_channel, c.signup_channel),
        signed_up_at = coalesce(u.signed_up_at, c.signed_up_at),
        attributes = c.attributes || coalesce(u.attributes, '{}'::jsonb), updated_at = now()
       FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                   $8::timestamptz[], $9::jsonb[])
            AS u(id, name, email, phone, country, city, signup_channel, signed_up_at, attributes)
      WHERE c.id = u.id
        AND (coalesce(u.name, c.name), coalesce(u.email, c.email), coalesce(u.phone, c.phone),
             coalesce(u.country, c.country), coalesce(u.city, c.city),
             coalesce(u.signup_channel, c.signup_channel), coalesce(u.signed_up_at, c.signed_up_at),
             c.attributes || coalesce(u.attributes, '{}'::jsonb))
            IS DISTINCT FROM (c.name, c.email, c.phone, c.country, c.city, c.signup_channel, c.signed_up_at, c.attributes)
      RETURNING c.id`,
    [
      withValues.map(([id]) => id),
      ...ATTR_COLUMNS.map(column),
      withValues.map(([, a]) => (a.attributes ? JSON.stringify(a.attributes) : null)),
    ],
  );
  return rows.map((r) => r.id);
}

/** Move everything of each merged customer to its survivor, remember the merge, delete the merged row. */
async function mergeCustomers(
  tx: Queryable,
  merges: { merged: number; survivor: number }[],
  runId: number | null,
): Promise<Set<number>> {
  if (merges.length === 0) return new Set();
  const params = [merges.map((m) => m.merged), merges.map((m) => m.survivor)];
  const pairs = `unnest($1::int8[], $2::int8[]) AS m(merged, survivor)`;
  for (const table of CUSTOMER_REFERENCES) {
    await tx.query(`UPDATE ${table} t SET customer_id = m.survivor FROM ${pairs} WHERE t.customer_id = m.merged`, params);
  }
  await tx.query(
    `INSERT INTO customer_tags (customer_id, tag_id, assigned_at)
     SELECT m.survivor, ct.tag_id, ct.assigned_at FROM customer_tags ct JOIN ${pairs} ON ct.customer_id = m.merged
     ON CONFLICT DO NOTHING`,
    params,
  );
  // The survivor keeps its own values and takes the merged customer's where it has none.
  await tx.query(
    `UPDATE customers s SET name = coalesce(s.name, d.name), email = coalesce(s.email, d.email),
            phone = coalesce(s.phone, d.phone), country = coalesce(s.country, d.country),
            city = coalesce(s.city, d.city), signup_channel = coalesce(s.signup_channel, d.signup_channel),
            signed_up_at = least(s.signed_up_at, d.signed_up_at), attributes = d.attributes || s.attributes,
            updated_at = now()
       FROM ${pairs} JOIN customers d ON d.id = m.merged WHERE s.id = m.survivor`,
    params,
  );
  await tx.query(
    `INSERT INTO customer_merges (merged_id, survivor_id, reason, import_run_id)
     SELECT merged, survivor, 'shared identity', $3 FROM ${pairs}
     ON CONFLICT (merged_id) DO UPDATE SET survivor_id = excluded.survivor_id`,
    [...params, runId],
  );
  await tx.query(`DELETE FROM customers WHERE id = ANY($1::int8[])`, [params[0]]);
  await tx.query(
    `INSERT INTO audit_log (action, target, details)
     SELECT 'customer.merge', 'customer:' || survivor, jsonb_build_object('merged_id', merged, 'import_run_id', $3::int8)
       FROM ${pairs}`,
    [...params, runId],
  );
  return new Set(merges.map((m) => m.survivor));
}

async function insertIdentities(tx: Queryable, rows: (IdentityKey & { customer_id: number })[]) {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO customer_identities (customer_id, kind, source, value)
     SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[])
     ON CONFLICT (kind, source, value) DO NOTHING`,
    [rows.map((r) => r.customer_id), rows.map((r) => r.kind), rows.map((r) => r.source), rows.map((r) => r.value)],
  );
}
