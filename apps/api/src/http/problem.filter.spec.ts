import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { ProblemFilter } from './problem.filter';

/** What the filter is given for a request: its raw request says whether the client went away. */
function hostFor(aborted: boolean) {
  const reply = {
    status: jest.fn().mockReturnThis(),
    header: jest.fn().mockReturnThis(),
    send: jest.fn().mockReturnThis(),
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => reply, getRequest: () => ({ raw: { aborted } }) }),
  } as unknown as ArgumentsHost;
  return { host, reply };
}

describe('ProblemFilter', () => {
  let error: jest.SpyInstance;
  let debug: jest.SpyInstance;
  beforeEach(() => {
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('logs an unexpected failure as an error, with its stack', () => {
    const { host, reply } = hostFor(false);
    const failure = new Error('the disk is full');
    new ProblemFilter().catch(failure, host);
    expect(error).toHaveBeenCalledWith(failure.stack);
    expect(reply.status).toHaveBeenCalledWith(500);
  });

  it('logs what a request whose client went away failed with at debug, as aborted: no error', () => {
    const { host } = hostFor(true);
    new ProblemFilter().catch(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), host);
    expect(error).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledWith('request aborted by the client: aborted');
  });
});
