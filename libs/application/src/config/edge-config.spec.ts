import { ConfigError, loadConfig } from './app-config';

describe('the edge settings', () => {
  it('reads the rate limits, the CORS origins, the trusted proxies and the timeouts', () => {
    expect(
      loadConfig({
        RATE_LIMIT_PER_KEY: '100',
        RATE_LIMIT_PER_ADDRESS: '0',
        RATE_LIMIT_WINDOW_MS: '1000',
        CORS_ORIGINS: 'https://crm.example.com, http://localhost:5173',
        TRUST_PROXY: '10.0.0.0/8,127.0.0.1,::1',
        REQUEST_TIMEOUT_MS: '5000',
        KEEP_ALIVE_TIMEOUT_MS: '2000',
        CONNECTION_TIMEOUT_MS: '600000',
      }).edge,
    ).toEqual({
      rateLimitPerKey: 100,
      rateLimitPerAddress: 0,
      rateLimitWindowMs: 1000,
      corsOrigins: ['https://crm.example.com', 'http://localhost:5173'],
      trustProxy: ['10.0.0.0/8', '127.0.0.1', '::1'],
      requestTimeoutMs: 5000,
      headersTimeoutMs: 5000,
      keepAliveTimeoutMs: 2000,
      connectionTimeoutMs: 600_000,
    });
  });

  it('stops on a bad value, naming every bad setting', () => {
    let error: unknown;
    try {
      loadConfig({
        RATE_LIMIT_PER_KEY: 'lots',
        CORS_ORIGINS: 'https://ok.example.com,*,https://x.example.com/path',
        TRUST_PROXY: '10.0.0.0/33,proxy',
        REQUEST_TIMEOUT_MS: '2000',
        HEADERS_TIMEOUT_MS: '3000',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'CORS_ORIGINS must be origins such as https://crm.example.com (scheme, host and port, lowercase, no path), got "*, https://x.example.com/path"',
      'TRUST_PROXY must be IP addresses or CIDR ranges such as 10.0.0.0/8, got "10.0.0.0/33, proxy"',
      'HEADERS_TIMEOUT_MS must not exceed REQUEST_TIMEOUT_MS (2000), got "3000"',
      'RATE_LIMIT_PER_KEY must be an integer from 0 to 1000000000, got "lots"',
    ]);
  });
});
