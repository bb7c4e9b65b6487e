/**
 * Test-only loaders for the CDNOW data set in the shared data folder (never copied into the repo).
 * See /work/shared/data/cdnow/README.md for the file formats and the data preparation rules.
 */
import { readFileSync } from 'node:fs';
import { hasSharedData, sharedDataPath } from '../../../../server/testing/sharedData.ts';
import { summarizeTransactions, type RfmSummary, type Transaction } from '../summary.ts';

export const CDNOW_SAMPLE = ['cdnow', 'CDNOW_sample.txt'] as const;
export const CDNOW_SUMMARY = ['cdnow', 'cdnow_customers_summary.csv'] as const;
export const CDNOW_SUMMARY_ZBAR = ['cdnow', 'cdnow_customers_summary_with_transactions.csv'] as const;

export function hasCdnow(): boolean {
  return hasSharedData(...CDNOW_SAMPLE) && hasSharedData(...CDNOW_SUMMARY) && hasSharedData(...CDNOW_SUMMARY_ZBAR);
}

/**
 * CDNOW_sample.txt: whitespace-separated, CRLF, leading spaces, no header.
 * Columns: master_id sample_id YYYYMMDD cds dollars. Customer = sample_id with the zero padding removed ("0001" → "1"),
 * so ids match the `ID` column of the summary CSVs.
 */
export function loadCdnowSampleTransactions(): Transaction[] {
  const text = readFileSync(sharedDataPath(...CDNOW_SAMPLE), 'utf8');
  const out: Transaction[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5) continue;
    const [, sampleId, ymd, , dollars] = cols as [string, string, string, string, string];
    out.push({
      customerId: String(Number(sampleId)),
      date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`,
      value: Number(dollars),
    });
  }
  return out;
}

/** The paper's calibration summary: weeks, same-day merge, calibration to 1997-09-30, holdout to 1998-06-30. */
export function cdnowSummary(): RfmSummary {
  return summarizeTransactions(loadCdnowSampleTransactions(), {
    calibrationEnd: '1997-09-30',
    holdoutEnd: '1998-06-30',
    unit: 'weeks',
    mergeSameDay: true,
  });
}

/** Rows of a small numeric CSV with a header, keyed by column name. */
export function readNumericCsv(parts: readonly string[]): Record<string, number>[] {
  const lines = readFileSync(sharedDataPath(...parts), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',');
  return lines.slice(1).map((line) => {
    const cols = line.split(',');
    return Object.fromEntries(header.map((h, i) => [h, Number(cols[i])]));
  });
}
