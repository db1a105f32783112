import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { problemType } from '../http/problem';
import { sendProblem } from '../http/problem.filter';

/** The paths of the dashboard page: the page itself and the files it loads. No key: the page holds no data. */
export const WEB_PAGE_PATH = '/';
export const WEB_ASSETS_PREFIX = '/assets/';
export const isWebPagePath = (path: string): boolean =>
  path === WEB_PAGE_PATH || path.startsWith(WEB_ASSETS_PREFIX);

/**
 * Where the built page is by default: apps/web/build of the installation, the first directory above this
 * file that holds a package.json (the repository from the sources, the image's /app from dist/).
 */
export function defaultWebDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return join(from, 'web');
    dir = parent;
  }
  return join(dir, 'apps', 'web', 'build');
}

function pageNotBuilt(reply: FastifyReply): void {
  sendProblem(reply, {
    type: problemType('dashboard-not-built'),
    title: 'The dashboard is not built',
    status: 503,
    detail: 'the dashboard page has not been built: run npm run build:web (npm run build does it too)',
    code: 'UNAVAILABLE',
  });
}

/**
 * Serves the dashboard (apps/web, built by `npm run build:web`): its page at / and its files under /assets/,
 * read from `webDir` as they are at each request, so that a build made while the service runs is served. Until
 * the page is built, / answers 503 saying how to build it; a missing file is a 404 like any unknown path.
 */
export function registerWebPage(fastify: FastifyInstance, webDir: string): void {
  const indexFile = join(webDir, 'index.html');
  fastify.get(WEB_PAGE_PATH, async (_request, reply) => {
    let page: Buffer;
    try {
      page = await readFile(indexFile);
    } catch {
      pageNotBuilt(reply);
      return reply;
    }
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(page);
  });
  void fastify.register(fastifyStatic, {
    root: join(webDir, 'assets'),
    prefix: WEB_ASSETS_PREFIX,
    // Another part of the service (the API's documentation) may decorate the reply already.
    decorateReply: false,
    // The page may be built after the service starts.
    suppressWarning: true,
    index: false,
    dotfiles: 'deny',
    // Revalidated with the ETag on each load: the file names carry no hash.
    cacheControl: true,
    maxAge: 0,
  });
}
