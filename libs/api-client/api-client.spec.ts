import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { GENERATED_FILES, generatedFiles } from './testing/generate';

/** `npm run api-client` runs this with API_CLIENT_WRITE=1: it writes the files rather than comparing them. */
const WRITE = process.env['API_CLIENT_WRITE'] === '1';

/** Where two texts part: the first line that differs, for a message that fits on a screen. */
function firstDifference(committed: string, generated: string): string | undefined {
  if (committed === generated) return undefined;
  const a = committed.split('\n');
  const b = generated.split('\n');
  const line = a.findIndex((text, i) => text !== b[i]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}: committed ${JSON.stringify(a[at] ?? '<end>')}, generated ${JSON.stringify(b[at] ?? '<end>')}`;
}

describe('the typed API client (libs/api-client)', () => {
  it(
    WRITE
      ? 'writes openapi.json and src/schema.ts from the document the application serves'
      : 'is generated from the document the application serves (else: npm run api-client)',
    async () => {
      const files = await generatedFiles();
      for (const name of ['document', 'types'] as const) {
        const file = GENERATED_FILES[name];
        if (WRITE) {
          writeFileSync(file, files[name]);
          continue;
        }
        const committed = existsSync(file) ? readFileSync(file, 'utf8') : '<missing>';
        expect({
          file: relative(process.cwd(), file),
          stale: firstDifference(committed, files[name]),
        }).toEqual({
          file: relative(process.cwd(), file),
          stale: undefined,
        });
      }
    },
    60_000,
  );
});
