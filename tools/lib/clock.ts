/** The clock tools use for "today": fixed (SIGHTLINE_TODAY, --today, tests) or the system date, always UTC. */
export interface Clock {
  /** Today's date as YYYY-MM-DD (UTC). */
  today(): string;
}

export function fixedClock(date: string): Clock {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new Error(`clock date must be YYYY-MM-DD, got "${date}"`);
  }
  return { today: () => date };
}

export const systemClock: Clock = { today: () => new Date().toISOString().slice(0, 10) };

export function clockFromConfig(config: { SIGHTLINE_TODAY?: string }): Clock {
  return config.SIGHTLINE_TODAY ? fixedClock(config.SIGHTLINE_TODAY) : systemClock;
}

/** Date arithmetic on YYYY-MM-DD strings, in UTC. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
