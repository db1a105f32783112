import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { PROBLEM_CODES } from './problem-codes';

const ROOT = join(__dirname, '..', '..', '..', '..');
/** Where codes that reach a client are thrown: the HTTP layer and everything it calls. */
const SOURCE_DIRS = ['apps/api/src', 'libs/domain/src', 'libs/application/src', 'libs/event-store/src'];
const CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !/\.(spec|e2e-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

const literal = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CODE.test(node.text)
    ? node.text
    : undefined;

const nameOf = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) ? node.text : undefined;

/** The name a call or `new` uses for its target: `notFound(...)`, `ProblemException.badRequest(...)`. */
const calleeName = (expression: ts.Expression): string | undefined =>
  ts.isPropertyAccessExpression(expression) ? expression.name.text : nameOf(expression);

/**
 * Every problem code the sources can answer with, found syntactically: string literals given as a `code`
 * property, as the default of a `code` parameter, as the argument in a `code` parameter's place of a call
 * (notFound('LEAD_NOT_FOUND', ...), forbidden(detail, 'ROLE_REQUIRED'), assertSlug(v, f, 'INVALID_STAGE', ...)),
 * and the keys of a `..._CODES` table (the Fastify error codes the problem mapping passes on).
 */
function thrownCodes(): Map<string, string> {
  const parsed = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).map((file) =>
    ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true),
  );
  const found = new Map<string, string>();
  const add = (code: string | undefined, node: ts.Node) => {
    if (code === undefined || found.has(code)) return;
    const file = node.getSourceFile();
    const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    found.set(code, `${relative(ROOT, file.fileName)}:${line}`);
  };

  // Which functions take a code, and where in their parameters.
  const codeParameter = new Map<string, number>();
  const functionName = (node: ts.SignatureDeclaration): string | undefined => {
    if (ts.isConstructorDeclaration(node)) return nameOf(node.parent.name);
    if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return nameOf(node.name);
    if (ts.isVariableDeclaration(node.parent)) return nameOf(node.parent.name);
    return undefined;
  };
  const visitDeclarations = (node: ts.Node): void => {
    if (ts.isFunctionLike(node)) {
      node.parameters.forEach((parameter, index) => {
        if (nameOf(parameter.name) !== 'code') return;
        const name = functionName(node);
        if (name !== undefined) codeParameter.set(name, index);
        add(literal(parameter.initializer), parameter);
      });
    }
    if (ts.isPropertyAssignment(node) && nameOf(node.name) === 'code') add(literal(node.initializer), node);
    if (
      ts.isVariableDeclaration(node) &&
      nameOf(node.name)?.endsWith('_CODES') &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      for (const property of node.initializer.properties) {
        const key = property.name;
        if (key && (ts.isIdentifier(key) || ts.isStringLiteral(key)) && CODE.test(key.text))
          add(key.text, key);
      }
    }
    ts.forEachChild(node, visitDeclarations);
  };
  parsed.forEach(visitDeclarations);

  const visitCalls = (node: ts.Node): void => {
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments) {
      const name = calleeName(node.expression);
      const index = name === undefined ? undefined : codeParameter.get(name);
      if (index !== undefined) add(literal(node.arguments[index]), node);
    }
    ts.forEachChild(node, visitCalls);
  };
  parsed.forEach(visitCalls);
  return found;
}

describe('Problem.code in the OpenAPI document', () => {
  const thrown = thrownCodes();

  it('finds the codes where the sources throw them (the scan itself works)', () => {
    for (const code of [
      'LEAD_NOT_FOUND',
      'VALIDATION_FAILED',
      'ROLE_REQUIRED',
      'INVALID_STAGE',
      'FST_ERR_CTP_BODY_TOO_LARGE',
    ]) {
      expect({ code, found: thrown.has(code) }).toEqual({ code, found: true });
    }
  });

  it('lists every code the service can answer with', () => {
    const listed = new Set<string>(PROBLEM_CODES);
    const missing = [...thrown].filter(([code]) => !listed.has(code)).map(([code, at]) => `${code} (${at})`);
    expect(missing).toEqual([]);
  });

  it('lists no code the service no longer answers with', () => {
    expect(PROBLEM_CODES.filter((code) => !thrown.has(code))).toEqual([]);
  });

  it('keeps the list sorted and without duplicates', () => {
    expect([...PROBLEM_CODES]).toEqual([...new Set(PROBLEM_CODES)].sort());
  });
});
