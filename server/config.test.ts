import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';

describe('loadConfig', () => {
  it('defaults to embedded PGlite in .data/pglite on port 3000', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('pglite://.data/pglite');
    expect(config.PORT).toBe(3000);
  });

  it('accepts pglite and postgres URLs and treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: 'pglite:///tmp/x' }).DATABASE_URL).toBe('pglite:///tmp/x');
    expect(loadConfig({ DATABASE_URL: 'postgres://root@127.0.0.1:5432/test' }).DATABASE_URL).toBe(
      'postgres://root@127.0.0.1:5432/test',
    );
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).PORT).toBe(3000);
    expect(loadConfig({ PORT: '8080', SIGHTLINE_TODAY: '2011-12-10' })).toMatchObject({ PORT: 8080, SIGHTLINE_TODAY: '2011-12-10' });
  });

  it('fails fast on a bad value, naming the variable and the problem', () => {
    const attempt = () => loadConfig({ DATABASE_URL: 'mysql://localhost/db', PORT: 'eighty' });
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(/DATABASE_URL: must be pglite:\/\/<dir> or postgres:\/\//);
    expect(attempt).toThrow(/PORT:/);
    expect(() => loadConfig({ SIGHTLINE_TODAY: '10/12/2011' })).toThrow(/SIGHTLINE_TODAY: must be a date YYYY-MM-DD/);
    expect(() => loadConfig({ LLM_BASE_URL: 'not a url' })).toThrow(/LLM_BASE_URL/);
  });
});
