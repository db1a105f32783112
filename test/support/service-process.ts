import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_AUTHORIZATION, TEST_ADMIN_KEY } from './test-keys';

export const BUILT_API = join(__dirname, '..', '..', 'dist', 'apps', 'api', 'apps', 'api', 'src', 'main.js');
export const BUILT_PROJECTOR = join(
  __dirname,
  '..',
  '..',
  'dist',
  'apps',
  'projector',
  'apps',
  'projector',
  'src',
  'main.js',
);

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
}

/**
 * Starts a built process (the API by default, on a free port) and waits until its output says it is ready:
 * the API's "listening on port N", or the given pattern.
 */
export async function startService(
  env: Record<string, string>,
  script = BUILT_API,
  ready = /listening on port (\d+)/,
  nodeOptions: readonly string[] = [],
): Promise<ServiceProcess> {
  if (!existsSync(script)) throw new Error(`${script} is missing: run "npm run build" first (npm test does)`);
  const child = spawn(process.execPath, [...nodeOptions, script], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ADMIN_API_KEY: TEST_ADMIN_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${output}`)), 20_000);
    let started = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // Once started, the output is only kept: matching it again at every line (a log line per request)
      // would cost the test or benchmark process time in proportion to all the output so far.
      if (started) return;
      const match = ready.exec(output);
      if (match) {
        started = true;
        clearTimeout(timer);
        resolve(match[1] === undefined ? '' : `http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited with ${code}:\n${output}`));
    });
  });
  return { child, url, output: () => output };
}

export function stopService(service: ServiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (service.child.exitCode !== null || service.child.signalCode !== null) return resolve();
    service.child.once('exit', () => resolve());
    service.child.kill(signal);
  });
}

/** Calls a started service with a JSON body (if any) and answers its JSON; a status of 300 or more throws. */
export async function callService(
  service: ServiceProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      ...ADMIN_AUTHORIZATION,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}
