import { createServer } from 'node:net';

/**
 * The ports `npm start` serves on, each with the variable that moves it: the one place
 * that names them (the agent's and invoke's defaults are built from these).
 */
export const LOCAL_PORTS = {
  http: { variable: 'PORT', port: 3000, serves: 'the API' },
  websocket: { variable: 'WEBSOCKET_PORT', port: 3001, serves: "the agents' WebSocket" },
  lambda: { variable: 'LAMBDA_PORT', port: 3002, serves: 'the Lambda invoke API' },
  emulator: { variable: 'EMULATOR_PORT', port: 3010, serves: 'the Google emulator' },
  dynamo: { variable: 'DYNAMODB_PORT', port: 3011, serves: 'DynamoDB (dynalite)' },
} as const;

export type LocalPort = keyof typeof LOCAL_PORTS;

/** The local host name every address `npm start` prints uses (and PUBLIC_URL locally). */
export const LOCAL_HOST = 'localhost';

/** `http://localhost:<port>` of a local port's default. */
export function localUrl(which: LocalPort, scheme = 'http'): string {
  return `${scheme}://${LOCAL_HOST}:${LOCAL_PORTS[which].port}`;
}

/** Each port's number: its variable when set (and a valid port), else its default. */
export function resolvePorts(env: Record<string, string | undefined>): Record<LocalPort, number> {
  const entries = Object.entries(LOCAL_PORTS).map(([name, { variable, port }]) => {
    const value = env[variable];
    if (value === undefined || value === '') return [name, port];
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1 || number > 65_535) {
      throw new Error(`${variable}=${value} is not a port number (1-65535).`);
    }
    return [name, number];
  });
  return Object.fromEntries(entries) as Record<LocalPort, number>;
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** One line per port in `which` that something else holds, naming the variable that moves it. */
export async function takenPorts(ports: Record<LocalPort, number>, which: readonly LocalPort[]): Promise<string[]> {
  const lines: string[] = [];
  for (const name of which) {
    if (await isFree(ports[name])) continue;
    const { variable, serves } = LOCAL_PORTS[name];
    lines.push(
      `Port ${ports[name]} (${serves}) is in use: stop what holds it, or move it with ${variable}=<port> npm start`,
    );
  }
  return lines;
}
