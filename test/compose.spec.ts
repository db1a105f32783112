import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { parse } from 'yaml';

/**
 * The production shape in docker/ is checked without Docker: the compose files must be valid against the
 * Compose Specification's JSON schema (vendored in docker/compose-spec/), and keep the properties that make
 * them safe to run: databases unreachable from outside unless asked, a MongoDB health check that needs a
 * writable primary, API replicas behind one proxy port, and no secret written into the file.
 */
const DOCKER = join(__dirname, '..', 'docker');
const read = (file: string) => readFileSync(join(DOCKER, file), 'utf8');

/** As Compose reads YAML: `<<` merges the mapping it names. */
const load = (file: string): Compose => parse(read(file), { merge: true });

// Strict about the schema's keywords; its union types and untyped object keywords are as published.
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, strictTypes: false });
const validate = ajv.compile(JSON.parse(read('compose-spec/compose-spec.json')));
const schemaErrors = (document: unknown): string[] =>
  validate(document) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Service {
  image?: string;
  ports?: (string | number | { host_ip?: string; published?: string | number })[];
  environment?: Record<string, string>;
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
  container_name?: string;
  volumes?: string[];
}
interface Compose {
  services: Record<string, Service>;
  [key: string]: unknown;
}

const DATABASES = ['eventstore', 'mongo'];
const compose = load('compose.yaml');
const dbPorts = load('compose.db-ports.yaml');
const services = compose.services;
const testOf = (service: Service): string => [service.healthcheck?.test ?? []].flat().join(' ');

/** Compose merges an override's service keys over the base's, and concatenates `ports`. */
function merged(base: Compose, override: Compose): Compose {
  const result: Compose = structuredClone(base);
  for (const [name, service] of Object.entries(override.services)) {
    const into = (result.services[name] ??= {});
    const { ports, ...rest } = service;
    Object.assign(into, rest);
    if (ports) into.ports = [...(into.ports ?? []), ...ports];
  }
  return result;
}

/** A published port's host interface: `[IP:]HOST:CONTAINER`, the long syntax's host_ip, or every interface. */
function hostInterface(port: NonNullable<Service['ports']>[number]): string {
  if (typeof port === 'object') return port.host_ip ?? '0.0.0.0';
  const parts = String(port).split(':');
  return parts.length >= 3 ? parts.slice(0, -2).join(':') : '0.0.0.0';
}

describe('docker/compose.yaml', () => {
  describe('is a valid Compose file', () => {
    it.each([
      ['compose.yaml', compose],
      ['compose.db-ports.yaml', dbPorts],
      ['compose.yaml with compose.db-ports.yaml', merged(compose, dbPorts)],
    ])('%s passes the Compose Specification schema', (_name, document) => {
      expect(schemaErrors(document)).toEqual([]);
    });

    it('the schema check refuses what Compose would refuse', () => {
      const broken = structuredClone(compose);
      (broken.services['api']!.healthcheck as Record<string, unknown>)['intervall'] = '5s';
      broken.services['mongo']!.depends_on = { eventstore: { condition: 'service_ready' } };
      (broken as Record<string, unknown>)['service'] = {};
      const errors = schemaErrors(broken);
      expect(errors).toEqual(
        expect.arrayContaining([
          '/services/api/healthcheck must NOT have additional properties',
          '/services/mongo/depends_on/eventstore/condition must be equal to one of the allowed values',
          ' must NOT have additional properties',
        ]),
      );
    });
  });

  describe('databases', () => {
    it.each(DATABASES)('%s publishes no port unless the override is added', (name) => {
      expect(services[name]).toBeDefined();
      expect(services[name]!.ports).toBeUndefined();
    });

    it('the override publishes them on the loopback interface only', () => {
      for (const name of DATABASES) {
        const ports = dbPorts.services[name]?.ports ?? [];
        expect(ports.length).toBeGreaterThan(0);
        for (const port of ports) expect(hostInterface(port)).toBe('127.0.0.1');
      }
      expect(Object.keys(dbPorts.services).sort()).toEqual([...DATABASES].sort());
    });

    it('no service but the proxy publishes a port', () => {
      const publishing = Object.entries(services).filter(([, service]) => service.ports !== undefined);
      expect(publishing.map(([name]) => name)).toEqual(['proxy']);
    });
  });

  describe('the MongoDB health check', () => {
    const mongo = services['mongo']!;
    const args = [mongo.healthcheck?.test ?? []].flat();
    const script = args[args.indexOf('--eval') + 1]!;

    it('runs a mongosh script that asks for a writable primary and quits non-zero without one', () => {
      expect(args.slice(0, 2)).toEqual(['CMD', 'mongosh']);
      expect(script).toContain('db.hello().isWritablePrimary');
      expect(script).toContain('quit(1)');
    });

    /** The script run against a stand-in for mongosh's globals: its exit code and the replica set it made. */
    function run(state: 'uninitiated' | 'secondary' | 'primary' | 'unreachable') {
      class Quit extends Error {}
      let exitCode = 0;
      let initiated: unknown;
      const rs = {
        status: () => {
          if (state === 'uninitiated')
            throw Object.assign(new Error('no replset config has been received'), {
              codeName: 'NotYetInitialized',
            });
          if (state === 'unreachable')
            throw Object.assign(new Error('connection refused'), { codeName: 'HostUnreachable' });
          return { ok: 1 };
        },
        initiate: (config: unknown) => {
          initiated = config;
          return { ok: 1 };
        },
      };
      const db = { hello: () => ({ isWritablePrimary: state === 'primary' }) };
      const quit = (code = 0) => {
        exitCode = code;
        throw new Quit();
      };
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the health check script, run as mongosh runs it
        new Function('rs', 'db', 'quit', 'print', script)(rs, db, quit, () => undefined);
      } catch (error) {
        if (!(error instanceof Quit)) exitCode = 1; // mongosh exits 1 on an uncaught error
      }
      return { exitCode, initiated };
    }

    it('fails until the member is a writable primary, initiating the replica set the first time', () => {
      expect(run('uninitiated')).toEqual({
        exitCode: 1,
        initiated: { _id: 'rs0', members: [{ _id: 0, host: 'mongo:27017' }] },
      });
      expect(run('secondary')).toEqual({ exitCode: 1, initiated: undefined });
      expect(run('unreachable')).toEqual({ exitCode: 1, initiated: undefined });
      expect(run('primary')).toEqual({ exitCode: 0, initiated: undefined });
    });

    it('the API and the projector start only once both stores are healthy', () => {
      for (const name of ['api', 'projector']) {
        for (const store of DATABASES) {
          expect(services[name]!.depends_on?.[store]).toEqual({ condition: 'service_healthy' });
        }
      }
    });

    it('MongoDB is a replica set for the processes that use it', () => {
      expect(services['mongo']!.healthcheck?.disable).toBeUndefined();
      for (const name of ['api', 'projector']) {
        expect(services[name]!.environment?.['MONGODB_URL']).toMatch(/[?&]replicaSet=rs0\b/);
      }
    });
  });

  describe('API processes', () => {
    const api = services['api']!;
    const proxy = services['proxy']!;

    it('the api service has no fixed host port nor container name, so that it scales', () => {
      expect(api.ports).toBeUndefined();
      expect(api.container_name).toBeUndefined();
    });

    it('a proxy publishes the one port and spreads requests over every api replica', () => {
      expect(proxy.ports).toEqual(['${API_PORT:-3000}:80']);
      expect(proxy.depends_on?.['api']).toBeDefined();
      expect(proxy.volumes).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro');
      const nginx = read('nginx.conf');
      // Re-resolved while running (nginx 1.27.3 or later), so replicas added by --scale are used too.
      expect(nginx).toMatch(/^\s*server api:3000 resolve;/m);
      expect(nginx).toMatch(/^resolver 127\.0\.0\.11\b/m);
      expect(nginx).toMatch(/^\s*proxy_pass http:\/\/api;/m);
      const [, minor] = /^nginx:1\.(\d+)/.exec(proxy.image ?? '') ?? [];
      expect(Number(minor)).toBeGreaterThanOrEqual(28);
    });

    it('health: the API is checked for readiness, the proxy for liveness through to an API process', () => {
      expect(testOf(api)).toContain('/health/ready');
      expect(testOf(proxy)).toContain('http://127.0.0.1/health/live');
      expect(read('Dockerfile')).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
    });

    it('the admin key comes from the environment, never from the file', () => {
      expect(api.environment?.['ADMIN_API_KEY']).toMatch(/^\$\{ADMIN_API_KEY:\?[^}]+\}$/);
      for (const [name, service] of Object.entries(services)) {
        for (const [key, value] of Object.entries(service.environment ?? {})) {
          if (/KEY|SECRET|PASSWORD|TOKEN/.test(key)) {
            expect({ service: name, key, value: String(value) }).toEqual({
              service: name,
              key,
              value: expect.stringMatching(/^\$\{[A-Z_]+(:?\?[^}]*)?\}$/),
            });
          }
        }
      }
    });
  });

  it('the image runs a current LTS release of Node.js (22 or a later even one)', () => {
    const majors = [...read('Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map(([, major]) => Number(major));
    expect(majors.length).toBeGreaterThan(0);
    for (const major of majors) {
      expect(major).toBeGreaterThanOrEqual(22);
      expect(major % 2).toBe(0);
    }
  });
});
