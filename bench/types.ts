/** One benchmark section's results: rows for the printed table and the raw numbers for --json. */
export interface BenchSection {
  title: string;
  /** Column headers of the printed table. */
  columns: string[];
  rows: (string | number)[][];
  /** Everything measured, machine-readable. */
  data: Record<string, unknown>;
  /** Lines printed under the table: targets met or missed, caveats. */
  notes?: string[];
}
