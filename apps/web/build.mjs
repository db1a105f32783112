// Builds the dashboard page: bundles apps/web/src/main.tsx (Preact) and the CSS it imports, minified with source
// maps (the views shown later in chunks of their own), and writes index.html naming the chunks to preload, into
// apps/web/build/ (or the directory after --out). The service serves that directory at / (WEB_DIR). Not dist/:
// `nest build` empties it.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const webRoot = dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const outDir =
  outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : join(webRoot, 'build');
const assetsDir = join(outDir, 'assets');

rmSync(assetsDir, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });

const { metafile } = await build({
  entryPoints: [join(webRoot, 'src', 'main.tsx')],
  outdir: assetsDir,
  entryNames: 'main',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  // The views shown later (the funnel and its chart library, the deal and lead pages) are chunks of their own.
  splitting: true,
  minify: !process.env.WEB_NO_MINIFY,
  sourcemap: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  tsconfig: join(webRoot, 'tsconfig.json'),
  logLevel: 'warning',
  metafile: true,
});

// The chunks main.js imports at once are fetched with it (modulepreload), not after it has been parsed.
const entry = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint?.endsWith('main.tsx'));
const preloads = (entry?.[1].imports ?? [])
  .filter((imported) => imported.kind === 'import-statement')
  .map((imported) => `<link rel="modulepreload" href="/assets/${basename(imported.path)}" />\n    `)
  .join('');
const page = readFileSync(join(webRoot, 'index.html'), 'utf8').replace(
  '<script type="module"',
  `${preloads}<script type="module"`,
);
writeFileSync(join(outDir, 'index.html'), page);

if (!process.argv.includes('--quiet')) {
  const sizes = ['main.js', 'main.css'].map((name) => {
    const bytes = readFileSync(join(assetsDir, name));
    return `${name} ${bytes.length} bytes (${gzipSync(bytes).length} gzipped)`;
  });
  process.stdout.write(`dashboard built in ${outDir}: ${sizes.join(', ')}\n`);
}
