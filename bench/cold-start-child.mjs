// One cold start, in this fresh process: imports a function bundle, then (when given an
// event) sends it one request. Plain JavaScript so that no TypeScript loader runs here; run
// as `node --input-type=module -e <this file's text> <bundle> <event JSON or "">`, so that the
// first import also starts Node's ES module loader, as the Lambda runtime's import does.
// The event may be a JSON array of events, answered one after the other (their times after
// the first in later_requests_ms). Prints one line: COLD_START {json}.
const [file, eventJson] = process.argv.slice(-2);
const started = performance.now();
const cpu = process.cpuUsage();
const { handler } = await import(file);
const imported = performance.now();
const importCpu = process.cpuUsage(cpu);
let status;
let answered = imported;
let requestCpu = null;
const laterRequests = [];
const laterCpu = [];
const laterStatuses = [];
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
  const [first, ...later] = [JSON.parse(eventJson)].flat();
  const firstCpu = process.cpuUsage();
  const answer = await handler(first, context);
  status = answer?.statusCode;
  answered = performance.now();
  requestCpu = process.cpuUsage(firstCpu);
  for (const event of later) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    laterStatuses.push((await handler(event, context))?.statusCode);
    laterRequests.push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    laterCpu.push((used.user + used.system) / 1000);
  }
}
const result = {
  import_ms: imported - started,
  // CPU time of the import: less swayed than wall time by other work on a shared machine.
  import_cpu_ms: (importCpu.user + importCpu.system) / 1000,
  first_request_ms: eventJson ? answered - imported : null,
  // CPU time of this process during the request (the emulator and dynalite run elsewhere).
  first_request_cpu_ms: requestCpu ? (requestCpu.user + requestCpu.system) / 1000 : null,
  status,
  ...(laterRequests.length
    ? { later_requests_ms: laterRequests, later_requests_cpu_ms: laterCpu, later_statuses: laterStatuses }
    : {}),
};
process.stdout.write(`\nCOLD_START ${JSON.stringify(result)}\n`);
process.exit(0);
