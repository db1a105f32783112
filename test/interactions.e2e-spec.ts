import { randomUUID } from 'node:crypto';
import {
  type TestApp,
  dealFor,
  lead,
  momentBetween,
  qualifiedLead,
  refused,
  useApp,
} from './support/test-app';

const DAY_MS = 24 * 3600 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  readonly id: string;
  readonly revision: number;
  readonly position: string;
}

interface ActivityItem {
  readonly activityId: string;
  readonly leadId: string | null;
  readonly dealId: string | null;
  readonly subject: string;
  readonly status: string;
  readonly dueAt: string;
}

/** An instant this many milliseconds from `from`, as ISO. */
const shifted = (from: string | number, ms: number): string =>
  new Date((typeof from === 'string' ? Date.parse(from) : from) + ms).toISOString();

const capturedLead = async (t: TestApp, overrides: Record<string, unknown> = {}) =>
  (await t.http().post('/leads').send(lead(overrides)).expect(201)).body.id as string;

const newDeal = async (t: TestApp, fields: Record<string, unknown> = {}) => {
  const leadId = await qualifiedLead(t);
  return (await t.http().post('/deals').send(dealFor(leadId, fields)).expect(201)).body.id as string;
};

/** A command that must be accepted with this status; its answer. */
async function accepted(t: TestApp, path: string, body: object, status = 200, key?: string): Promise<Answer> {
  const request = t.http().post(path);
  if (key !== undefined) request.set('Idempotency-Key', key);
  const response = await request.send(body);
  expect({ status: response.status, body: response.body as unknown }).toEqual({
    status,
    body: expect.anything(),
  });
  return response.body as Answer;
}

const activity = (overrides: Record<string, unknown> = {}) => ({
  type: 'call',
  subject: 'Call about the proposal',
  dueAt: shifted(Date.now(), DAY_MS),
  ...overrides,
});

describe('Interactions: notes and activities on leads and deals', () => {
  const t = useApp();
  const view = async (path: string, query = '') =>
    (await t.http().get(`${path}${query}`).expect(200)).body as Record<string, unknown>;

  it('adds notes to a lead and to a deal: 201 naming the note, and the views show the last activity', async () => {
    const leadId = await capturedLead(t);
    const note = await accepted(t, `/leads/${leadId}/notes`, { text: 'Met at the fair' }, 201);
    expect(note).toEqual({ id: expect.stringMatching(UUID), revision: 1, position: expect.any(String) });
    expect(note.id).not.toBe(leadId);
    const [, added] = await t.store.readStream(`lead-${leadId}`);
    expect(added).toMatchObject({
      type: 'LeadNoteAdded',
      data: { leadId, noteId: note.id, text: 'Met at the fair', addedAt: expect.any(String) },
    });
    expect(await view(`/leads/${leadId}`)).toMatchObject({
      lastActivityAt: added!.data['addedAt'],
      nextActivity: null,
      revision: 1,
    });

    const dealId = await newDeal(t);
    expect(await view(`/deals/${dealId}`)).toMatchObject({ lastActivityAt: null, nextActivity: null });
    const dealNote = await accepted(t, `/deals/${dealId}/notes`, { text: 'Budget confirmed' }, 201);
    expect(dealNote.revision).toBe(1);
    const [, dealAdded] = await t.store.readStream(`deal-${dealId}`);
    expect(dealAdded).toMatchObject({
      type: 'DealNoteAdded',
      data: { dealId, noteId: dealNote.id, text: 'Budget confirmed' },
    });
    expect(await view(`/deals/${dealId}`)).toMatchObject({
      lastActivityAt: dealAdded!.data['addedAt'],
      nextActivity: null,
      rottingSince: null,
    });
  });

  it('schedules, completes, reschedules and cancels; the next activity is the open one due first', async () => {
    const dealId = await newDeal(t, { owner: 'olga' });
    const later = shifted(Date.now(), 2 * DAY_MS);
    const sooner = shifted(Date.now(), DAY_MS);
    const first = await accepted(
      t,
      `/deals/${dealId}/activities`,
      activity({ subject: 'Send the contract', type: 'email', dueAt: later, assignee: 'grace' }),
      201,
    );
    expect(first).toEqual({ id: expect.stringMatching(UUID), revision: 1, position: expect.any(String) });
    const second = await accepted(
      t,
      `/deals/${dealId}/activities`,
      activity({ subject: 'Demo', type: 'meeting', dueAt: sooner }),
      201,
    );
    expect(await view(`/deals/${dealId}`)).toMatchObject({
      lastActivityAt: null,
      // Without an assignee, the deal's owner does it.
      nextActivity: {
        activityId: second.id,
        type: 'meeting',
        subject: 'Demo',
        dueAt: sooner,
        assignee: 'olga',
      },
    });

    const done = await accepted(t, `/deals/${dealId}/activities/${second.id}/complete`, {
      outcome: 'wants a proposal',
      note: 'the CFO joined',
    });
    expect(done).toEqual({ id: second.id, revision: 3, position: expect.any(String) });
    const completed = (await t.store.readStream(`deal-${dealId}`))[3]!;
    expect(completed).toMatchObject({
      type: 'DealActivityCompleted',
      data: {
        dealId,
        activityId: second.id,
        type: 'meeting',
        outcome: 'wants a proposal',
        note: 'the CFO joined',
        completedAt: expect.any(String),
      },
    });
    expect(await view(`/deals/${dealId}`)).toMatchObject({
      lastActivityAt: completed.data['completedAt'],
      nextActivity: { activityId: first.id, dueAt: later, assignee: 'grace' },
    });

    // A due time with an offset is kept in UTC; the same due time again records nothing.
    const moved = await accepted(t, `/deals/${dealId}/activities/${first.id}/reschedule`, {
      dueAt: '2031-05-04T11:30:00+02:00',
    });
    expect(moved).toEqual({ id: first.id, revision: 4, position: expect.any(String) });
    expect((await t.store.readStream(`deal-${dealId}`))[4]).toMatchObject({
      type: 'DealActivityRescheduled',
      data: { dealId, activityId: first.id, from: later, to: '2031-05-04T09:30:00.000Z' },
    });
    const before = await t.store.headPosition();
    const same = await accepted(t, `/deals/${dealId}/activities/${first.id}/reschedule`, {
      dueAt: '2031-05-04T09:30:00Z',
    });
    expect(same).toEqual({ id: first.id, revision: 4, position: moved.position });
    expect(await t.store.headPosition()).toBe(before);

    const cancelled = await accepted(t, `/deals/${dealId}/activities/${first.id}/cancel`, {
      reason: 'they call us',
    });
    expect(cancelled).toEqual({ id: first.id, revision: 5, position: expect.any(String) });
    expect(await view(`/deals/${dealId}`)).toMatchObject({
      lastActivityAt: completed.data['completedAt'],
      nextActivity: null,
    });

    // Only an open activity changes.
    const base = `/deals/${dealId}/activities`;
    for (const [activityId, action, body] of [
      [first.id, 'complete', {}],
      [first.id, 'cancel', {}],
      [first.id, 'reschedule', { dueAt: sooner }],
      [second.id, 'complete', {}],
      [second.id, 'cancel', {}],
    ] as const) {
      const problem = await refused(
        t,
        () => t.http().post(`${base}/${activityId}/${action}`).send(body),
        409,
      );
      expect(problem.code).toBe('ACTIVITY_NOT_OPEN');
    }
    // An activity the deal does not have.
    for (const [action, body] of [
      ['complete', {}],
      ['reschedule', { dueAt: sooner }],
      ['cancel', {}],
    ] as const) {
      const problem = await refused(
        t,
        () => t.http().post(`${base}/${randomUUID()}/${action}`).send(body),
        404,
      );
      expect(problem.code).toBe('ACTIVITY_NOT_FOUND');
    }
  });

  it('refuses an activityId the lead has already; on another lead the same id is another activity', async () => {
    const activityId = randomUUID();
    const leadId = await capturedLead(t);
    const other = await capturedLead(t);
    const scheduled = await accepted(t, `/leads/${leadId}/activities`, activity({ activityId }), 201);
    expect(scheduled.id).toBe(activityId);
    const problem = await refused(
      t,
      () =>
        t
          .http()
          .post(`/leads/${leadId}/activities`)
          .send(activity({ activityId, subject: 'again' })),
      409,
    );
    expect(problem.code).toBe('ACTIVITY_ALREADY_EXISTS');
    const elsewhere = await accepted(
      t,
      `/leads/${other}/activities`,
      activity({ activityId: activityId.toUpperCase(), subject: 'elsewhere' }),
      201,
    );
    expect(elsewhere.id).toBe(activityId);

    const listed = (await t.http().get(`/activities?minPosition=${elsewhere.position}&limit=100`).expect(200))
      .body.items as ActivityItem[];
    expect(
      listed
        .filter((item) => item.activityId === activityId)
        .map(({ leadId: lead, dealId, subject }) => ({ lead, dealId, subject }))
        .sort((a, b) => a.subject.localeCompare(b.subject)),
    ).toEqual([
      { lead: leadId, dealId: null, subject: 'Call about the proposal' },
      { lead: other, dealId: null, subject: 'elsewhere' },
    ]);
  });

  it('a closed deal takes notes, and its open activities can be completed or cancelled, not scheduled or moved', async () => {
    const dealId = await newDeal(t);
    const base = `/deals/${dealId}/activities`;
    const [a, b] = [
      await accepted(t, base, activity({ subject: 'a' }), 201),
      await accepted(t, base, activity({ subject: 'b' }), 201),
    ];
    await t.http().post(`/deals/${dealId}/lose`).send({ reason: 'price' }).expect(200);
    const scheduling = await refused(t, () => t.http().post(base).send(activity()), 409);
    expect(scheduling.code).toBe('DEAL_ALREADY_CLOSED');
    const moving = await refused(
      t,
      () =>
        t
          .http()
          .post(`${base}/${a.id}/reschedule`)
          .send({ dueAt: shifted(Date.now(), 5 * DAY_MS) }),
      409,
    );
    expect(moving.code).toBe('DEAL_ALREADY_CLOSED');
    await accepted(t, `${base}/${a.id}/complete`, {});
    await accepted(t, `${base}/${b.id}/cancel`, {});
    await accepted(t, `/deals/${dealId}/notes`, { text: 'lost on price' }, 201);
    // Reopened, it plans again.
    await t.http().post(`/deals/${dealId}/reopen`).send({ reason: 'back' }).expect(200);
    await accepted(t, base, activity(), 201);
  });

  it('a disqualified lead: complete and cancel, but no scheduling or rescheduling until it is reactivated', async () => {
    const leadId = await capturedLead(t);
    await t.http().patch(`/leads/${leadId}`).send({ owner: 'ada' }).expect(200);
    const base = `/leads/${leadId}/activities`;
    const a = await accepted(t, base, activity({ subject: 'a' }), 201);
    const b = await accepted(t, base, activity({ subject: 'b' }), 201);
    const c = await accepted(t, base, activity({ subject: 'c' }), 201);
    expect((await view(`/leads/${leadId}`))['nextActivity']).toMatchObject({ assignee: 'ada' });
    await t.http().post(`/leads/${leadId}/disqualify`).send({ reason: 'no_budget' }).expect(200);
    for (const send of [
      () => t.http().post(base).send(activity()),
      () =>
        t
          .http()
          .post(`${base}/${c.id}/reschedule`)
          .send({ dueAt: shifted(Date.now(), 3 * DAY_MS) }),
    ]) {
      expect((await refused(t, send, 409)).code).toBe('LEAD_ALREADY_DISQUALIFIED');
    }
    await accepted(t, `${base}/${a.id}/complete`, { outcome: 'no budget indeed' });
    await accepted(t, `${base}/${b.id}/cancel`, { reason: 'disqualified' });
    await accepted(t, `/leads/${leadId}/notes`, { text: 'try again next year' }, 201);
    await t.http().post(`/leads/${leadId}/reactivate`).send({ reason: 'budget approved' }).expect(200);
    await accepted(t, `${base}/${c.id}/reschedule`, { dueAt: shifted(Date.now(), 3 * DAY_MS) });
    await accepted(t, base, activity(), 201);
  });

  it('answers 404 for an unknown lead or deal, 400 naming the field for bad input, and writes nothing', async () => {
    const leadId = await capturedLead(t);
    const dealId = await newDeal(t);
    const unknownLead = await refused(
      t,
      () => t.http().post(`/leads/${randomUUID()}/notes`).send({ text: 'x' }),
      404,
    );
    expect(unknownLead.code).toBe('LEAD_NOT_FOUND');
    const unknownDeal = await refused(
      t,
      () => t.http().post(`/deals/${randomUUID()}/activities`).send(activity()),
      404,
    );
    expect(unknownDeal.code).toBe('DEAL_NOT_FOUND');
    const unknownDealActivity = await refused(
      t,
      () => t.http().post(`/deals/${randomUUID()}/activities/${randomUUID()}/complete`).send({}),
      404,
    );
    expect(unknownDealActivity.code).toBe('DEAL_NOT_FOUND');

    const cases: [string, object, string][] = [
      [`/leads/${leadId}/notes`, {}, 'text'],
      [`/leads/${leadId}/notes`, { text: '   ' }, 'text'],
      [`/deals/${dealId}/notes`, { text: 'x'.repeat(5001) }, 'text'],
      [`/deals/${dealId}/notes`, { text: 'x', pinned: true }, 'pinned'],
      [`/leads/${leadId}/activities`, activity({ type: 'lunch' }), 'type'],
      [`/leads/${leadId}/activities`, activity({ subject: '' }), 'subject'],
      [`/leads/${leadId}/activities`, activity({ subject: 'x'.repeat(201) }), 'subject'],
      [`/leads/${leadId}/activities`, activity({ dueAt: '2031-05-04' }), 'dueAt'],
      [`/leads/${leadId}/activities`, activity({ dueAt: '2031-05-04T09:30:00' }), 'dueAt'],
      [`/leads/${leadId}/activities`, activity({ dueAt: '2031-02-30T09:30:00Z' }), 'dueAt'],
      [`/deals/${dealId}/activities`, activity({ activityId: 'not-a-uuid' }), 'activityId'],
      [`/deals/${dealId}/activities`, activity({ assignee: null }), 'assignee'],
      [`/deals/${dealId}/activities`, { type: 'task', subject: 'x' }, 'dueAt'],
      [`/deals/${dealId}/activities/${randomUUID()}/reschedule`, {}, 'dueAt'],
      [`/deals/${dealId}/activities/${randomUUID()}/complete`, { outcome: 'x'.repeat(501) }, 'outcome'],
      [`/deals/${dealId}/activities/${randomUUID()}/cancel`, { reason: 7 }, 'reason'],
      [`/deals/${dealId}/activities/not-a-uuid/cancel`, {}, 'activityId'],
      [`/leads/not-a-uuid/notes`, { text: 'x' }, 'leadId'],
    ];
    for (const [path, body, field] of cases) {
      const problem = await refused(t, () => t.http().post(path).send(body), 400);
      expect({ path, body, fields: problem.errors?.map((e) => e.field) }).toEqual({
        path,
        body,
        fields: expect.arrayContaining([field]),
      });
    }
  });

  it('a keyed retry returns the same note or activity and writes nothing; the key is scoped to the lead', async () => {
    const leadId = await capturedLead(t);
    const key = randomUUID();
    const body = activity({ subject: 'Follow up' });
    const first = await accepted(t, `/leads/${leadId}/activities`, body, 201, key);
    const before = await t.store.headPosition();
    const retry = await accepted(t, `/leads/${leadId}/activities`, body, 201, key);
    expect(retry).toEqual(first);
    expect(await t.store.headPosition()).toBe(before);
    const changed = await refused(
      t,
      () =>
        t
          .http()
          .post(`/leads/${leadId}/activities`)
          .set('Idempotency-Key', key)
          .send({ ...body, subject: 'Something else' }),
      422,
    );
    expect(changed.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // The same key on another lead is another request: another activity.
    const other = await capturedLead(t);
    const elsewhere = await accepted(t, `/leads/${other}/activities`, body, 201, key);
    expect(elsewhere.id).not.toBe(first.id);

    const noteKey = randomUUID();
    const note = await accepted(t, `/leads/${leadId}/notes`, { text: 'called' }, 201, noteKey);
    expect(await accepted(t, `/leads/${leadId}/notes`, { text: 'called' }, 201, noteKey)).toEqual(note);
    // And the activity scheduled once is there once.
    const stream = await t.store.readStream(`lead-${leadId}`);
    expect(stream.map((e) => e.type)).toEqual(['LeadCaptured', 'LeadActivityScheduled', 'LeadNoteAdded']);
  });

  it('honours If-Match: a stale revision is 412 and writes nothing', async () => {
    const dealId = await newDeal(t);
    const problem = await refused(
      t,
      () => t.http().post(`/deals/${dealId}/notes`).set('If-Match', '"5"').send({ text: 'x' }),
      412,
    );
    expect(problem.code).toBe('REVISION_MISMATCH');
    const note = await t.http().post(`/deals/${dealId}/notes`).set('If-Match', '"0"').send({ text: 'x' });
    expect(note.status).toBe(201);
    expect(note.headers['etag']).toBe('"1"');
  });

  describe('GET /activities', () => {
    /** A moment well ahead, at noon UTC, that every list below is asked as of. */
    const moment = (() => {
      const day = new Date(Date.now() + 20 * DAY_MS);
      return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 12)).toISOString();
    })();
    const assignee = `assignee-${randomUUID()}`;
    const ids: Record<string, string> = {};
    let leadId: string;
    let dealId: string;
    let last: string;

    const list = async (query: string) =>
      (await t.http().get(`/activities?assignee=${assignee}&minPosition=${last}&${query}`).expect(200))
        .body as { items: ActivityItem[]; nextCursor: string | null };
    const subjects = async (query: string) => (await list(query)).items.map((item) => item.subject);
    const asOfMoment = `asOf=${encodeURIComponent(moment)}`;

    beforeAll(async () => {
      leadId = await capturedLead(t);
      dealId = await newDeal(t);
      const schedule = async (path: string, subject: string, dueAt: string) => {
        const answer = await accepted(t, path, activity({ subject, dueAt, assignee }), 201);
        ids[subject] = answer.id;
        last = answer.position;
      };
      const onLead = `/leads/${leadId}/activities`;
      const onDeal = `/deals/${dealId}/activities`;
      await schedule(onLead, 'two days before', shifted(moment, -2 * DAY_MS));
      await schedule(onDeal, 'an hour before', shifted(moment, -3600_000));
      await schedule(onLead, 'done three hours before', shifted(moment, -3 * 3600_000));
      await schedule(onDeal, 'an hour after', shifted(moment, 3600_000));
      await schedule(onLead, 'tie one', shifted(moment, 3 * DAY_MS));
      await schedule(onDeal, 'tie two', shifted(moment, 3 * DAY_MS));
      await schedule(onLead, 'cancelled in six days', shifted(moment, 6 * DAY_MS));
      await schedule(onDeal, 'eight days after', shifted(moment, 8 * DAY_MS));
      await accepted(t, `/leads/${leadId}/activities/${ids['done three hours before']}/complete`, {
        outcome: 'reached',
      });
      last = (await accepted(t, `/leads/${leadId}/activities/${ids['cancelled in six days']}/cancel`, {}))
        .position;
      // Someone else's: never in this assignee's lists.
      last = (await accepted(t, onDeal, activity({ assignee: 'someone else' }), 201)).position;
    });

    const tied = () => ['tie one', 'tie two'].sort((a, b) => (ids[a]! < ids[b]! ? -1 : 1));

    it('lists by due time, earliest first, ties by activityId, a page at a time', async () => {
      const all = [
        'two days before',
        'done three hours before',
        'an hour before',
        'an hour after',
        ...tied(),
        'cancelled in six days',
        'eight days after',
      ];
      expect(await subjects('limit=100')).toEqual(all);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: ActivityItem[]; nextCursor: string | null } = await list(
          `limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((item) => item.subject));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all);
    });

    it('shows each activity with its lead or deal, status, and when it was done or cancelled', async () => {
      const items = (await list('limit=100')).items;
      const find = (subject: string) => items.find((item) => item.subject === subject);
      expect(find('done three hours before')).toEqual({
        activityId: ids['done three hours before'],
        leadId,
        dealId: null,
        type: 'call',
        subject: 'done three hours before',
        dueAt: shifted(moment, -3 * 3600_000),
        assignee,
        status: 'done',
        scheduledAt: expect.any(String),
        completedAt: expect.any(String),
        cancelledAt: null,
        outcome: 'reached',
      });
      expect(find('cancelled in six days')).toMatchObject({
        status: 'cancelled',
        completedAt: null,
        cancelledAt: expect.any(String),
        outcome: null,
      });
      expect(find('an hour before')).toMatchObject({ leadId: null, dealId, status: 'open' });
    });

    it('filters by status, lead and deal', async () => {
      expect(await subjects('status=done')).toEqual(['done three hours before']);
      expect(await subjects('status=cancelled')).toEqual(['cancelled in six days']);
      expect(await subjects(`leadId=${leadId}&status=open`)).toEqual(['two days before', 'tie one']);
      expect(await subjects(`dealId=${dealId.toUpperCase()}`)).toEqual([
        'an hour before',
        'an hour after',
        'tie two',
        'eight days after',
      ]);
      expect(await subjects(`leadId=${leadId}&dealId=${dealId}`)).toEqual([]);
    });

    it("filters by due time relative to the list's moment: overdue, today, this week (UTC)", async () => {
      expect(await subjects(`due=overdue&${asOfMoment}`)).toEqual(['two days before', 'an hour before']);
      expect(await subjects(`due=overdue&status=done&${asOfMoment}`)).toEqual([]);
      expect(await subjects(`due=today&${asOfMoment}`)).toEqual([
        'done three hours before',
        'an hour before',
        'an hour after',
      ]);
      expect(await subjects(`due=today&status=open&${asOfMoment}`)).toEqual([
        'an hour before',
        'an hour after',
      ]);
      expect(await subjects(`due=week&${asOfMoment}`)).toEqual([
        'done three hours before',
        'an hour before',
        'an hour after',
        ...tied(),
        'cancelled in six days',
      ]);
      // Now, everything is due in the future: nothing is overdue yet.
      expect(await subjects('due=overdue')).toEqual([]);
    });

    it('as of a past moment: only what had been scheduled, in the state it was then', async () => {
      const leadOnly = `/leads/${leadId}/activities`;
      const activityId = (await accepted(t, leadOnly, activity({ subject: 'x', assignee: 'asof' }), 201)).id;
      const between = await momentBetween();
      const done = await accepted(t, `${leadOnly}/${activityId}/complete`, {});
      await accepted(t, leadOnly, activity({ subject: 'y', assignee: 'asof' }), 201);
      const then = (
        await t
          .http()
          .get(`/activities?assignee=asof&asOf=${encodeURIComponent(between)}&minPosition=${done.position}`)
          .expect(200)
      ).body.items as ActivityItem[];
      expect(then.map(({ subject, status }) => ({ subject, status }))).toEqual([
        { subject: 'x', status: 'open' },
      ]);
    });

    it('refuses bad filters with 400 naming the parameter', async () => {
      for (const [query, field] of [
        ['status=late', 'status'],
        ['due=tomorrow', 'due'],
        ['leadId=nope', 'leadId'],
        ['limit=0', 'limit'],
        ['cursor=%25%25', 'cursor'],
        ['asOf=yesterday', 'asOf'],
      ]) {
        const response = await t.http().get(`/activities?${query}`).expect(400);
        expect((response.body as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(
          field,
        );
      }
    });
  });

  it('lists of leads and deals and as-of views show the last and next activity too', async () => {
    const leadId = await qualifiedLead(t);
    const dealId = (await t.http().post('/deals').send(dealFor(leadId)).expect(201)).body.id as string;
    const before = await momentBetween();
    const dueAt = shifted(Date.now(), 4 * DAY_MS);
    const leadActivity = await accepted(t, `/leads/${leadId}/activities`, activity({ dueAt }), 201);
    const note = await accepted(t, `/deals/${dealId}/notes`, { text: 'x' }, 201);
    const dealActivity = await accepted(t, `/deals/${dealId}/activities`, activity({ dueAt }), 201);
    const last = dealActivity.position;

    const leads = (await t.http().get(`/leads?minPosition=${last}&limit=100`).expect(200)).body.items as {
      leadId: string;
    }[];
    expect(leads.find((item) => item.leadId === leadId)).toMatchObject({
      lastActivityAt: null,
      nextActivity: { activityId: leadActivity.id, dueAt },
    });
    const deals = (await t.http().get(`/deals?leadId=${leadId}&minPosition=${last}`).expect(200)).body.items;
    const dealNow = await view(`/deals/${dealId}`);
    expect(deals).toEqual([dealNow]);
    expect(dealNow).toMatchObject({
      lastActivityAt: expect.any(String),
      nextActivity: { activityId: dealActivity.id, dueAt },
    });
    expect(note.id).not.toBe(dealActivity.id);

    const asOf = `?asOf=${encodeURIComponent(before)}`;
    expect(await view(`/deals/${dealId}`, asOf)).toMatchObject({ lastActivityAt: null, nextActivity: null });
    expect(await view(`/leads/${leadId}`, asOf)).toMatchObject({ lastActivityAt: null, nextActivity: null });
    const dealsThen = (
      await t
        .http()
        .get(`/deals?leadId=${leadId}&asOf=${encodeURIComponent(before)}`)
        .expect(200)
    ).body.items;
    expect(dealsThen).toEqual([await view(`/deals/${dealId}`, asOf)]);
  });

  it("shows notes and activities in the lead's and the deal's history, in order with everything else", async () => {
    const leadId = await qualifiedLead(t);
    const dealId = (await t.http().post('/deals').send(dealFor(leadId)).expect(201)).body.id as string;
    const scheduled = await accepted(
      t,
      `/deals/${dealId}/activities`,
      activity({ subject: 'Kick-off' }),
      201,
    );
    await accepted(t, `/deals/${dealId}/notes`, { text: 'sent the agenda' }, 201);
    await t.http().post(`/deals/${dealId}/move`).send({ stage: 'demo' }).expect(200);
    await accepted(t, `/deals/${dealId}/activities/${scheduled.id}/complete`, { outcome: 'held' });
    const history = (await t.http().get(`/deals/${dealId}/history`).expect(200)).body as {
      integrity: unknown;
      events: {
        revision: number;
        type: string;
        data: Record<string, unknown>;
        metadata: Record<string, unknown>;
        stateAfter: Record<string, unknown>;
      }[];
    };
    expect(history.integrity).toEqual({ verified: true, brokenAt: null });
    expect(history.events.map(({ revision, type }) => [revision, type])).toEqual([
      [0, 'DealCreated'],
      [1, 'DealActivityScheduled'],
      [2, 'DealNoteAdded'],
      [3, 'StageAdvanced'],
      [4, 'DealActivityCompleted'],
    ]);
    const [, planned, noted, , completed] = history.events;
    expect(planned!.data).toMatchObject({ dealId, activityId: scheduled.id, subject: 'Kick-off' });
    expect(planned!.metadata).toMatchObject({ actor: expect.any(String) });
    expect(planned!.stateAfter).toMatchObject({
      lastActivityAt: null,
      nextActivity: { activityId: scheduled.id, subject: 'Kick-off' },
    });
    expect(noted!.data).toMatchObject({ text: 'sent the agenda' });
    expect(noted!.stateAfter).toMatchObject({ lastActivityAt: noted!.data['addedAt'] });
    expect(completed!.stateAfter).toMatchObject({
      stage: 'demo',
      lastActivityAt: completed!.data['completedAt'],
      nextActivity: null,
    });

    await accepted(t, `/leads/${leadId}/notes`, { text: 'prefers email' }, 201);
    const leadHistory = (await t.http().get(`/leads/${leadId}/history`).expect(200)).body as {
      events: { type: string; stateAfter: Record<string, unknown> }[];
    };
    expect(leadHistory.events.map((e) => e.type)).toEqual(['LeadCaptured', 'LeadQualified', 'LeadNoteAdded']);
    expect(leadHistory.events[2]!.stateAfter['lastActivityAt']).toEqual(expect.any(String));
  });
});

describe('Rotting deals', () => {
  const t = useApp();
  const pipelineId = `rot-${randomUUID().slice(0, 8)}`;
  const deals: Record<string, { dealId: string; createdAt: string }> = {};
  let touchedAt: string;
  let completedAt: string;
  let last: string;

  const created = async (name: string, fields: Record<string, unknown>) => {
    const dealId = await newDeal(t, { pipelineId, ...fields });
    const { createdAt } = (await t.http().get(`/deals/${dealId}`).expect(200)).body as { createdAt: string };
    deals[name] = { dealId, createdAt };
    return dealId;
  };
  const at = (ms: number) => encodeURIComponent(shifted(Date.now(), ms));

  beforeAll(async () => {
    await t
      .http()
      .post('/pipelines')
      .send({
        pipelineId,
        name: 'Rotting',
        stages: [
          { stage: 'fresh', probability: 10, rottenAfterDays: 3 },
          { stage: 'slow', probability: 50, rottenAfterDays: 10 },
          { stage: 'never', probability: 90 },
        ],
      })
      .expect(201);
    await created('untouched', { stage: 'fresh', owner: 'ada' });
    const noted = await created('noted', { stage: 'fresh' });
    await created('slow', { stage: 'slow', owner: 'ada' });
    await created('never', { stage: 'never' });
    const lost = await created('lost', { stage: 'fresh' });
    const planned = await created('planned', { stage: 'fresh', owner: 'grace' });
    const worked = await created('worked', { stage: 'fresh', owner: 'grace' });

    await accepted(t, `/deals/${noted}/notes`, { text: 'still interested' }, 201);
    touchedAt = (await t.store.readStream(`deal-${noted}`))[1]!.data['addedAt'] as string;
    await t.http().post(`/deals/${lost}/lose`).send({ reason: 'price' }).expect(200);
    // Scheduling is no touch; doing it is.
    await accepted(t, `/deals/${planned}/activities`, activity(), 201);
    const plannedForWorked = await accepted(t, `/deals/${worked}/activities`, activity(), 201);
    const done = await accepted(t, `/deals/${worked}/activities/${plannedForWorked.id}/complete`, {});
    completedAt = (await t.store.readStream(`deal-${worked}`))[2]!.data['completedAt'] as string;
    last = done.position;
  });

  const rotsAt = (from: string, days: number) => shifted(from, days * DAY_MS);

  it('a deal is rotting once untouched for its stage period: rottingSince on the view, now or as of', async () => {
    const { dealId, createdAt } = deals['untouched']!;
    expect((await t.http().get(`/deals/${dealId}`).expect(200)).body.rottingSince).toBeNull();
    const since = rotsAt(createdAt, 3);
    const viewAt = async (moment: string) =>
      (
        await t
          .http()
          .get(`/deals/${dealId}?asOf=${encodeURIComponent(moment)}`)
          .expect(200)
      ).body as {
        rottingSince: string | null;
      };
    expect((await viewAt(shifted(since, -1))).rottingSince).toBeNull();
    expect((await viewAt(since)).rottingSince).toBe(since);
    expect((await viewAt(shifted(since, 30 * DAY_MS))).rottingSince).toBe(since);

    // A note and a completed activity touch the deal; a scheduled one does not; a closed deal never rots.
    const sinceOf = async (name: string) =>
      (
        (
          await t
            .http()
            .get(`/deals/${deals[name]!.dealId}?asOf=${at(20 * DAY_MS)}`)
            .expect(200)
        ).body as { rottingSince: string | null }
      ).rottingSince;
    expect(await sinceOf('noted')).toBe(rotsAt(touchedAt, 3));
    expect(await sinceOf('planned')).toBe(rotsAt(deals['planned']!.createdAt, 3));
    expect(await sinceOf('worked')).toBe(rotsAt(completedAt, 3));
    expect(await sinceOf('slow')).toBe(rotsAt(deals['slow']!.createdAt, 10));
    expect(await sinceOf('never')).toBeNull();
    expect(await sinceOf('lost')).toBeNull();
  });

  it('GET /deals?rotting=true lists the deals rotting at the moment of the list, newest first', async () => {
    const names = async (query: string) => {
      const items = (await t.http().get(`/deals?pipelineId=${pipelineId}&limit=100&${query}`).expect(200))
        .body.items as { dealId: string }[];
      return items.map((item) => Object.keys(deals).find((name) => deals[name]!.dealId === item.dealId));
    };
    expect(await names(`rotting=true&minPosition=${last}`)).toEqual([]);
    expect(await names(`rotting=false&minPosition=${last}`)).toEqual([
      'worked',
      'planned',
      'lost',
      'never',
      'slow',
      'noted',
      'untouched',
    ]);
    const inFiveDays = `asOf=${at(5 * DAY_MS)}`;
    expect(await names(`rotting=true&${inFiveDays}`)).toEqual(['worked', 'planned', 'noted', 'untouched']);
    expect(await names(`rotting=false&${inFiveDays}`)).toEqual(['lost', 'never', 'slow']);
    const inElevenDays = `asOf=${at(11 * DAY_MS)}`;
    expect(await names(`rotting=true&${inElevenDays}`)).toEqual([
      'worked',
      'planned',
      'slow',
      'noted',
      'untouched',
    ]);
    // With the other filters, and a page at a time.
    expect(await names(`rotting=true&owner=grace&${inElevenDays}`)).toEqual(['worked', 'planned']);
    expect(await names(`rotting=true&stage=slow&${inElevenDays}`)).toEqual(['slow']);
    expect(await names(`rotting=true&status=won&${inElevenDays}`)).toEqual([]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { dealId: string }[]; nextCursor: string | null } = (
        await t
          .http()
          .get(
            `/deals?pipelineId=${pipelineId}&rotting=true&limit=2&${inElevenDays}${cursor ? `&cursor=${cursor}` : ''}`,
          )
          .expect(200)
      ).body;
      seen.push(...page.items.map((item) => item.dealId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['worked', 'planned', 'slow', 'noted', 'untouched'].map((n) => deals[n]!.dealId));
    // Every deal listed as rotting says since when.
    const items = (
      await t.http().get(`/deals?pipelineId=${pipelineId}&rotting=true&${inElevenDays}`).expect(200)
    ).body.items as { rottingSince: string | null }[];
    expect(items.every((item) => item.rottingSince !== null)).toBe(true);
  });

  it('counts the rotting deals per stage in the pipeline report, at its moment, per owner too', async () => {
    const report = async (query: string) =>
      (await t.http().get(`/analytics/pipeline?pipelineId=${pipelineId}&${query}`).expect(200)).body as {
        stages: { stage: string; openDeals: number; rottingDeals: number }[];
        owners?: { owner: string | null; stages: { stage: string; rottingDeals: number }[] }[];
      };
    const rotting = (stages: { stage: string; rottingDeals: number }[]) =>
      Object.fromEntries(stages.map((s) => [s.stage, s.rottingDeals]));
    expect(rotting((await report(`minPosition=${last}`)).stages)).toEqual({ fresh: 0, slow: 0, never: 0 });
    expect(rotting((await report(`asOf=${at(5 * DAY_MS)}`)).stages)).toEqual({ fresh: 4, slow: 0, never: 0 });
    const later = await report(`asOf=${at(11 * DAY_MS)}&groupBy=owner`);
    expect(rotting(later.stages)).toEqual({ fresh: 4, slow: 1, never: 0 });
    expect(later.owners!.map((o) => [o.owner, rotting(o.stages)])).toEqual([
      ['ada', { fresh: 1, slow: 1, never: 0 }],
      ['grace', { fresh: 2, slow: 0, never: 0 }],
      [null, { fresh: 1, slow: 0, never: 0 }],
    ]);
  });

  it('a stage change touches the deal, and a new rotting period applies to every deal in the stage', async () => {
    const dealId = await created('moved', { stage: 'fresh' });
    const moved = await t.http().post(`/deals/${dealId}/move`).send({ stage: 'slow' }).expect(200);
    const movedAt = (await t.store.readStream(`deal-${dealId}`))[1]!.data['advancedAt'] as string;
    const sinceAt = async (days: number) =>
      (
        (
          await t
            .http()
            .get(`/deals/${dealId}?asOf=${at(days * DAY_MS)}`)
            .expect(200)
        ).body as {
          rottingSince: string | null;
        }
      ).rottingSince;
    expect(await sinceAt(5)).toBeNull();
    expect(await sinceAt(11)).toBe(rotsAt(movedAt, 10));
    const changed = await t
      .http()
      .patch(`/pipelines/${pipelineId}/stages/slow`)
      .send({ rottenAfterDays: 2 })
      .expect(200);
    expect(await sinceAt(5)).toBe(rotsAt(movedAt, 2));
    const report = (
      await t
        .http()
        .get(`/analytics/pipeline?pipelineId=${pipelineId}&asOf=${at(5 * DAY_MS)}`)
        .expect(200)
    ).body as { stages: { stage: string; rottingDeals: number }[] };
    expect(report.stages.find((s) => s.stage === 'slow')?.rottingDeals).toBe(2);
    expect(BigInt(changed.body.position)).toBeGreaterThan(BigInt(moved.body.position));
  });
});
