import type { Role } from '../types.ts';

const SEES_PII: ReadonlySet<Role> = new Set(['admin', 'support']);

export function canSeePii(role: Role): boolean {
  return SEES_PII.has(role);
}

/** a***@example.com — keeps the domain (useful for B2B) and hides the person. */
export function maskEmail(email: string | null, role: Role): string | null {
  if (email === null || canSeePii(role)) return email;
  const at = email.indexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

/** +44*******018 — country code and last three digits. */
export function maskPhone(phone: string | null, role: Role): string | null {
  if (phone === null || canSeePii(role)) return phone;
  const digits = phone.replace(/\D/g, '');
  const prefix = phone.startsWith('+') ? `+${digits.slice(0, 2)}` : '';
  return `${prefix}${'*'.repeat(Math.max(3, digits.length - prefix.length - 2))}${digits.slice(-3)}`;
}

/** Given name + initial: "Ann Lee" → "Ann L."; Chinese names keep the family name: "王小明" → "王**". */
export function maskName(name: string | null, role: Role): string | null {
  if (name === null || canSeePii(role)) return name;
  if (/[\u3400-\u9fff]/.test(name)) return name[0] + '*'.repeat(Math.max(1, name.length - 1));
  const [first, ...rest] = name.trim().split(/\s+/);
  return rest.length ? `${first} ${rest[rest.length - 1]![0]}.` : first!;
}

/**
 * The role tools run under when their results are sent to an LLM endpoint: results leave the machine then, so
 * personal data is masked whoever asks (admins still see it through the API, the CLI and the offline planner).
 */
export function roleForModel(role: Role): Role {
  return canSeePii(role) ? 'analyst' : role;
}
