// One cold start, in this fresh process: imports a function bundle, then (when given an
// event) sends it one request. Plain JavaScript so that no TypeScript loader runs here; run
// as `node --input-type=module -e <this file's text> <bundle> <event JSON or "">`, so that the
// first import also starts Node's ES module loader, as the Lambda runtime's import does.
// Prints one line: COLD_START {json}.
const [file, eventJson] = process.argv.slice(-2);
const started = performance.now();
const cpu = process.cpuUsage();
const { handler } = await import(file);
const imported = performance.now();
const importCpu = process.cpuUsage(cpu);
let status;
if (eventJson) {
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
    memoryLimitInMB: '1024',
    awsRequestId: 'cold-start-bench',
    logGroupName: 'bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 29_000,
  };
  const answer = await handler(JSON.parse(eventJson), context);
  status = answer?.statusCode;
}
const answered = performance.now();
const result = {
  import_ms: imported - started,
  // CPU time of the import: less swayed than wall time by other work on a shared machine.
  import_cpu_ms: (importCpu.user + importCpu.system) / 1000,
  first_request_ms: eventJson ? answered - imported : null,
  status,
};
process.stdout.write(`\nCOLD_START ${JSON.stringify(result)}\n`);
process.exit(0);
