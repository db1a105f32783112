import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { LogLevelName } from '../config/app-config';
import { PinoLoggerService, createLogger } from './logger';

/** A logger writing to memory: the lines it wrote, parsed. */
async function captured(level: LogLevelName = 'info') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const logger = await createLogger({ logLevel: level, logFormat: 'json' }, destination);
  return { logger, nest: new PinoLoggerService(logger), lines };
}

describe('createLogger', () => {
  it('writes JSON lines with the level named and an ISO time, from the configured level up', async () => {
    const { logger, lines } = await captured('warn');
    logger.info('not written');
    logger.warn({ route: '/leads' }, 'written');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'written',
        route: '/leads',
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      }),
    ]);
  });

  it('never writes credentials or bodies, whatever a call is given', async () => {
    const { logger, lines } = await captured();
    logger.info(
      {
        authorization: 'Bearer secret-1',
        request: {
          headers: { authorization: 'Bearer secret-2', cookie: 'c=secret-3' },
          body: { email: 'a@b.c' },
        },
        key: { secret: 'secret-4', apiKey: 'secret-5' },
      },
      'careless',
    );
    expect(JSON.stringify(lines)).not.toMatch(/secret-|a@b\.c/);
  });
});

describe('PinoLoggerService', () => {
  it("writes Nest's calls with their context, at pino's level", async () => {
    const { nest, lines } = await captured('trace');
    nest.log('started', 'Main');
    nest.warn('slow consumer', 'EventStream');
    nest.debug('details', 'ReadSide');
    nest.verbose('more details', 'ReadSide');
    nest.fatal('gone', 'Main');
    nest.log('no context');
    expect(lines.map(({ level, context, msg }) => ({ level, context, msg }))).toEqual([
      { level: 'info', context: 'Main', msg: 'started' },
      { level: 'warn', context: 'EventStream', msg: 'slow consumer' },
      { level: 'debug', context: 'ReadSide', msg: 'details' },
      { level: 'trace', context: 'ReadSide', msg: 'more details' },
      { level: 'fatal', context: 'Main', msg: 'gone' },
      { level: 'info', context: undefined, msg: 'no context' },
    ]);
  });

  it('keeps a stack apart from the message, given as the message or beside it', async () => {
    const { nest, lines } = await captured();
    const error = new Error('the disk is full');
    nest.error(error.stack, 'ProblemFilter');
    nest.error('projections failed', error.stack, 'ReadSide');
    nest.error(error);
    expect(lines[0]).toMatchObject({
      level: 'error',
      context: 'ProblemFilter',
      msg: 'Error: the disk is full',
    });
    expect(lines[0]!['stack']).toBe(error.stack);
    expect(lines[1]).toMatchObject({ msg: 'projections failed', context: 'ReadSide', stack: error.stack });
    expect(lines[2]).toMatchObject({
      msg: 'the disk is full',
      err: expect.objectContaining({ stack: error.stack }),
    });
  });

  it("writes Nest's start-up chatter at debug", async () => {
    const { nest, lines } = await captured('info');
    nest.log('Mapped {/leads, POST} route', 'RouterExplorer');
    nest.log('AppModule dependencies initialized', 'InstanceLoader');
    nest.log('Nest application successfully started', 'NestApplication');
    expect(lines.map((l) => l['msg'])).toEqual(['Nest application successfully started']);
  });

  it('is what every Nest Logger writes to once it is the app logger', async () => {
    const { nest, lines } = await captured();
    Logger.overrideLogger(nest);
    try {
      new Logger('Somewhere').log('hello');
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines).toEqual([expect.objectContaining({ level: 'info', context: 'Somewhere', msg: 'hello' })]);
  });
});
