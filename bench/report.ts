/** One benchmark figure, printed beside the baseline it is compared with. */
export interface Row {
  name: string;
  value: string;
  baseline: string;
  /** value / baseline (lower is better). */
  ratio: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function printRows(title: string, rows: Row[]): void {
  console.log(`\n## ${title}`);
  for (const row of rows) {
    console.log(`- ${row.name}: ${row.value}\n    baseline: ${row.baseline}\n    ratio: ${row.ratio.toFixed(2)}x`);
  }
}
