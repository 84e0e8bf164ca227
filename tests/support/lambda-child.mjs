// One Lambda invocation of a built bundle, in this fresh process, as the runtime makes it:
// imports the bundle, then calls its handler with the event and a context whose clock says
// `remainingMs` were left when the invocation began (counting down from there). Plain
// JavaScript so no TypeScript loader runs. Run as
// `node lambda-child.mjs <bundle> <event JSON> <remainingMs>`; prints one line: INVOKED {json}.
const [file, eventJson, remaining] = process.argv.slice(-3);
const { handler } = await import(file);
const started = performance.now();
const context = {
  functionName: 'deadline-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:deadline-test',
  memoryLimitInMB: '1024',
  awsRequestId: 'deadline-test-request',
  logGroupName: 'deadline-test',
  logStreamName: 'deadline-test',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => Math.max(0, Math.floor(Number(remaining) - (performance.now() - started))),
};
const answer = await handler(JSON.parse(eventJson), context);
const elapsedMs = performance.now() - started;
console.log(`INVOKED ${JSON.stringify({ answer, elapsedMs })}`);
