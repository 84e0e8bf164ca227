// Prints the plain closing line CI reads, "N passed, N failed[, N skipped]", from
// vitest's JSON report. Extra failed steps (e.g. the type check) count as failures.
// Exits non-zero when anything failed or when no test ran at all.
import { readFileSync } from 'node:fs';

const [reportPath, extraFailures = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(extraFailures);
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests;
  failed += report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A test file that fails to load has no failed tests but is a failure all the same.
  failed += report.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
} catch (error) {
  console.error(`No readable test report at ${reportPath}: ${error.message}`);
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
