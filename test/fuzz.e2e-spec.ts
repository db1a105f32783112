import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { lead, problemOf, qualification, refused as refusedBy, useApp } from './support/test-app';

/** What a hostile client found: inputs that crashed a validator or slipped past the unknown-field check. */
describe('Hostile input: every one is a 4xx problem+json naming the field, and nothing is written', () => {
  const t = useApp({ BODY_LIMIT: '262144' });
  const refused = (send: Parameters<typeof refusedBy>[1], status = 400) => refusedBy(t, send, status);
  const json = (path: string, text: string, method: 'post' | 'patch' = 'post') =>
    t.http()[method](path).set('Content-Type', 'application/json').send(text);

  async function capturedLead(): Promise<string> {
    return (await t.http().post('/leads').send(lead()).expect(201)).body.id as string;
  }

  describe('a body nested 10,000 levels deep (class-transformer would overflow the stack)', () => {
    const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;

    it('in a field, or as the whole body, of every kind of command', async () => {
      const leadId = await capturedLead();
      const cases: [string, string, 'post' | 'patch'][] = [
        ['/leads', `{"name":${deepArray}}`, 'post'],
        ['/leads', deepArray, 'post'],
        ['/leads', deepObject, 'post'],
        [`/leads/${leadId}/qualify`, `{"budget":${deepObject}}`, 'post'],
        [`/leads/${leadId}`, `{"tags":${deepArray}}`, 'patch'],
        ['/deals', `{"value":${deepObject}}`, 'post'],
        ['/pipelines', `{"name":"P","stages":${deepArray}}`, 'post'],
      ];
      for (const [path, body, method] of cases) {
        const problem = await refused(() => json(path, body, method));
        expect(problem.code).toBe('VALIDATION_FAILED');
        expect(problem.errors![0]!.reason).toBe('nests deeper than 32 levels');
      }
    });

    it('while a body nested as deep as a real one is served', async () => {
      const stages = [
        { stage: 'one', probability: 10 },
        { stage: 'two', probability: 50 },
      ];
      await t.http().post('/pipelines').send({ name: 'Shallow', stages }).expect(201);
    });
  });

  describe('a lone surrogate in a string (the email validator throws on one)', () => {
    const strings: Record<string, unknown> = {
      leadId: `${randomUUID().slice(0, 35)}\ud800`,
      name: 'Ada \ud800',
      email: '\ud800@example.com',
      company: 'Analytical \udc00 Engines',
      phone: '+44 \udfff',
      source: 'web\ud800',
      campaign: '\udbff',
      interest: 'x\udc00y',
    };

    it.each(Object.keys(strings))('in %s of a capture', async (field) => {
      const problem = await refused(() =>
        t
          .http()
          .post('/leads')
          .send(lead({ campaign: 'spring', interest: 'yes', phone: '+1 555', [field]: strings[field] })),
      );
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors).toEqual([
        { field, reason: 'must be well-formed Unicode text (it holds a lone surrogate)' },
      ]);
    });

    it('in an item of tags, in a key, and in a field of another command', async () => {
      const tags = await refused(() =>
        t
          .http()
          .post('/leads')
          .send(lead({ tags: ['ok', 'bad\ud800'] })),
      );
      expect(tags.errors).toEqual([
        { field: 'tags.1', reason: 'must be well-formed Unicode text (it holds a lone surrogate)' },
      ]);
      const key = await refused(() => json('/leads', '{"name":"Ada","\\ud800":1}'));
      expect(key.errors![0]!.field).toBe('\\ud800');
      const leadId = await capturedLead();
      const qualify = await refused(() =>
        t
          .http()
          .post(`/leads/${leadId}/qualify`)
          .send(qualification({ authority: 'C\ud800O' })),
      );
      expect(qualify.errors!.map((e) => e.field)).toEqual(['authority']);
      const patch = await refused(() =>
        t.http().patch(`/leads/${leadId}`).send({ email: 'grace\udfff@example.com' }),
      );
      expect(patch.errors!.map((e) => e.field)).toEqual(['email']);
    });

    it('while well-formed text outside the BMP is taken', async () => {
      await t
        .http()
        .post('/leads')
        .send(lead({ name: 'Ada 😀 𝔸' }))
        .expect(201);
    });
  });

  describe('keys named after Object.prototype members', () => {
    const names = [
      '__proto__',
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
      '__defineGetter__',
    ];

    it.each(names)('%s in a body is refused as an unknown field', async (name) => {
      const body = JSON.stringify(lead()).replace(/^\{/, `{"${name}":{"admin":true},`);
      const problem = await refused(() => json('/leads', body));
      expect(problem.code).toBe('VALIDATION_FAILED');
      expect(problem.errors).toEqual([{ field: name, reason: 'is not a known field' }]);
      expect(problem.detail).not.toMatch(/JSON/);
    });

    it('in a nested object, and in a body without fields', async () => {
      const leadId = await capturedLead();
      const nested = await refused(() =>
        json(
          `/leads/${leadId}/qualify`,
          '{"budget":{"amount":1,"currency":"EUR","constructor":{"prototype":{}}},"timeline":"2026-09-30"}',
        ),
      );
      expect(nested.errors).toEqual([{ field: 'budget.constructor', reason: 'is not a known field' }]);
      const pipeline = (
        await t
          .http()
          .post('/pipelines')
          .send({
            name: 'Retiring',
            stages: [
              { stage: 'a', probability: 10 },
              { stage: 'b', probability: 20 },
            ],
          })
          .expect(201)
      ).body as { id: string };
      const empty = await refused(() => json(`/pipelines/${pipeline.id}/stages/a/retire`, '{"toString":1}'));
      expect(empty.errors).toEqual([{ field: 'toString', reason: 'is not a known field' }]);
    });

    it.each(names)('%s in a query string is refused as an unknown field', async (name) => {
      for (const path of ['/leads', '/deals', '/analytics/pipeline', '/analytics/funnel']) {
        const response = await t.http().get(`${path}?${name}=1`);
        expect(response.status).toBe(400);
        expect(problemOf(response).errors).toEqual([{ field: name, reason: 'is not a known field' }]);
      }
      const events = await t.http().get(`/events?${name}=1`).set('accept', 'application/json');
      expect(events.status).toBe(400);
      expect(problemOf(events).errors).toEqual([{ field: name, reason: 'is not a known field' }]);
    });
  });

  describe('random input', () => {
    /** Any code unit, lone surrogates included, or a code point of any plane. */
    const unit = fc.oneof(
      fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const text = fc.string({ unit, maxLength: 12 });
    const key = fc.oneof(
      fc.constantFrom('name', 'email', 'source', 'tags', '__proto__', 'constructor', 'toString', 'valueOf'),
      text,
    );
    const value = fc.jsonValue({ maxDepth: 4, stringUnit: unit });
    /** JSON text of an object whose keys may repeat or be prototype names (written as text, never assigned). */
    const objectText = fc
      .array(fc.tuple(key, value), { maxLength: 8 })
      .map(
        (entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
      );
    const body = fc.oneof(
      objectText,
      value.map((v) => JSON.stringify(v)),
    );

    it('any JSON body to a command is answered below 500, a refusal as problem+json that writes nothing', async () => {
      const leadId = await capturedLead();
      const paths = ['/leads', `/leads/${leadId}/qualify`, `/leads/${leadId}/disqualify`, '/pipelines'];
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom(...paths), async (text, path) => {
          const before = await t.store.headPosition();
          const response = await json(path, text);
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            problemOf(response);
            expect(await t.store.headPosition()).toBe(before);
          }
        }),
        { numRuns: 150 },
      );
    });

    /** Every byte of the UTF-8 of a string percent-encoded: encodeURIComponent refuses lone surrogates. */
    const encoded = (s: string) =>
      [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
    const query = fc
      .array(
        fc.tuple(
          key,
          fc.oneof(
            text,
            fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('latin1')),
          ),
        ),
        {
          maxLength: 5,
        },
      )
      .map((entries) => entries.map(([k, v]) => `${encoded(k)}=${encoded(v)}`).join('&'));

    it('any query string to a list or a report is answered below 500', async () => {
      await fc.assert(
        fc.asyncProperty(
          query,
          fc.constantFrom('/leads', '/deals', '/analytics/pipeline', '/pipelines'),
          async (q, path) => {
            const response = await t.http().get(`${path}?${q}`);
            expect(response.status).toBeLessThan(500);
            if (response.status >= 400) problemOf(response);
          },
        ),
        { numRuns: 150 },
      );
    });
  });
});
