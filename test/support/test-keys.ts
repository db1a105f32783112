/** The admin key every service a test starts holds (ADMIN_API_KEY), which test requests send. */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnopqrstuv';

/** The header that authenticates a test request as the admin. */
export const ADMIN_AUTHORIZATION = { authorization: `Bearer ${TEST_ADMIN_KEY}` } as const;
