import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from '@app/application';
import openapiTS, { COMMENT_HEADER, type OpenAPI3, astToString } from 'openapi-typescript';
import { createApp } from '../../../apps/api/src/app.factory';

/**
 * The generated files of the typed client, and how they are made: the OpenAPI document as the application
 * builds it (no server: the app is created on a temporary data directory and asked in-process), and the
 * TypeScript types openapi-typescript writes from it. Both are committed; `npm run api-client` rewrites them
 * and a unit test fails while they are stale. (Kept under testing/ so that the service's build leaves it out.)
 */
export const API_CLIENT_DIR = join(__dirname, '..');
const REPOSITORY_ROOT = join(API_CLIENT_DIR, '..', '..');

/** The committed files, by path from the repository root. */
export const GENERATED_FILES = {
  document: join(API_CLIENT_DIR, 'openapi.json'),
  types: join(API_CLIENT_DIR, 'src', 'schema.ts'),
} as const;

/** The document GET /openapi.json serves, from an application that is created and closed again. */
export async function buildOpenApiDocument(): Promise<OpenAPI3> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sales-pipeline-openapi-'));
  try {
    const app = await createApp(
      loadConfig({ DATA_DIR: dataDir, PORT: '0', ADMIN_API_KEY: 'openapi-document-key-0123456789abcdef' }),
      { logger: false },
    );
    try {
      const answer = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/openapi.json' });
      if (answer.statusCode !== 200) throw new Error(`GET /openapi.json answered ${answer.statusCode}`);
      return answer.json<OpenAPI3>();
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    // The keys live beside the data directory by default (DATA_DIR-keys).
    rmSync(`${dataDir}-keys`, { recursive: true, force: true });
  }
}

/** The TypeScript types of the document: paths, operations and component schemas. */
export async function apiTypes(document: OpenAPI3): Promise<string> {
  const nodes = await openapiTS(document, { silent: true, alphabetize: false, exportType: false });
  return `${COMMENT_HEADER}${astToString(nodes)}`;
}

/** The text of each generated file, formatted as the repository's Prettier settings say. */
export async function generatedFiles(
  document?: OpenAPI3,
): Promise<Record<keyof typeof GENERATED_FILES, string>> {
  const built = document ?? (await buildOpenApiDocument());
  return {
    document: prettier(GENERATED_FILES.document, `${JSON.stringify(built, null, 2)}\n`),
    types: prettier(
      GENERATED_FILES.types,
      `// Generated from openapi.json by \`npm run api-client\`: do not edit.\n${await apiTypes(built)}`,
    ),
  };
}

/**
 * Prettier in a child process: its module loads plugins with dynamic import(), which Jest's module system does
 * not run.
 */
function prettier(file: string, text: string): string {
  return execFileSync(
    process.execPath,
    [require.resolve('prettier/bin/prettier.cjs'), '--stdin-filepath', relative(REPOSITORY_ROOT, file)],
    { cwd: REPOSITORY_ROOT, input: text, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
}
