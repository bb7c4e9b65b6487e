import { AppError } from '../../errors.ts';

/**
 * A small binary container for fitted model state: magic, a JSON header of scalars, then typed arrays stored raw
 * (little-endian, 4-byte aligned). Compact enough to keep in the database as one bytea value, with no dependency.
 */

const MAGIC = 'SLEMB1\0\0';

type TypedArray = Float32Array | Int32Array | Uint32Array;
const TYPES = { f32: Float32Array, i32: Int32Array, u32: Uint32Array } as const;
type TypeName = keyof typeof TYPES;

function typeNameOf(array: TypedArray): TypeName {
  if (array instanceof Float32Array) return 'f32';
  if (array instanceof Int32Array) return 'i32';
  return 'u32';
}

export interface Packed {
  header: Record<string, unknown>;
  arrays: Record<string, TypedArray>;
}

export function pack({ header, arrays }: Packed): Buffer {
  const layout = Object.entries(arrays).map(([name, array]) => ({ name, type: typeNameOf(array), length: array.length }));
  const json = Buffer.from(JSON.stringify({ header, layout }), 'utf8');
  const jsonPadded = Math.ceil(json.length / 4) * 4;
  const dataBytes = layout.reduce((sum, a) => sum + a.length * 4, 0);
  const out = Buffer.alloc(MAGIC.length + 4 + jsonPadded + dataBytes);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, MAGIC.length);
  json.copy(out, MAGIC.length + 4);
  let at = MAGIC.length + 4 + jsonPadded;
  for (const array of Object.values(arrays)) {
    const bytes = Buffer.from(array.buffer, array.byteOffset, array.byteLength);
    if (!isLittleEndian) throw new Error('big-endian hosts are not supported');
    bytes.copy(out, at);
    at += array.byteLength;
  }
  return out;
}

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function unpack(buffer: Buffer): Packed {
  const bad = (why: string) => new AppError('bad_request', `not a serialized local embedder: ${why}`);
  if (buffer.length < MAGIC.length + 4 || buffer.toString('latin1', 0, MAGIC.length) !== MAGIC) throw bad('wrong magic');
  const jsonLength = buffer.readUInt32LE(MAGIC.length);
  const jsonStart = MAGIC.length + 4;
  if (jsonStart + jsonLength > buffer.length) throw bad('truncated header');
  let parsed: { header: Record<string, unknown>; layout: { name: string; type: TypeName; length: number }[] };
  try {
    parsed = JSON.parse(buffer.toString('utf8', jsonStart, jsonStart + jsonLength));
  } catch {
    throw bad('header is not JSON');
  }
  let at = jsonStart + Math.ceil(jsonLength / 4) * 4;
  const arrays: Record<string, TypedArray> = {};
  for (const { name, type, length } of parsed.layout) {
    const Type = TYPES[type];
    if (!Type || !Number.isInteger(length) || length < 0 || at + length * 4 > buffer.length) throw bad(`bad array ${name}`);
    // Copy into a fresh aligned buffer: the Buffer's own offset may not be 4-byte aligned.
    const array = new Type(length);
    new Uint8Array(array.buffer).set(buffer.subarray(at, at + length * 4));
    arrays[name] = array;
    at += length * 4;
  }
  return { header: parsed.header, arrays };
}
