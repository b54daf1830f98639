// Credentials in traffic events: every common carrier is masked, the rest stays readable.
import { describe, expect, it } from '@jest/globals';
import { MASKED, maskHeaders, maskUrl } from '../../plugin/tunnel/redact.js';

const SECRET = 's3cr3t-value';

describe('maskHeaders', () => {
  it.each([
    ['Authorization', `Bearer ${SECRET}`, `Bearer ${MASKED}`],
    ['authorization', `Basic ${SECRET}`, `Basic ${MASKED}`],
    ['Authorization', SECRET, MASKED],
    ['Proxy-Authorization', `Basic ${SECRET}`, `Basic ${MASKED}`],
    ['x-api-key', SECRET, MASKED],
    ['X-Amz-Security-Token', SECRET, MASKED],
    ['X-Amz-Signature', SECRET, MASKED],
    ['x-my-service-token', SECRET, MASKED],
    ['X-CSRF-Token', SECRET, MASKED],
    ['x-session-id', SECRET, MASKED],
    ['Cookie', `sid=${SECRET}; theme=dark; other_name=${SECRET}`, `sid=${MASKED}; theme=${MASKED}; other_name=${MASKED}`],
    ['Set-Cookie', `__Host-id=${SECRET}; Path=/; Secure; HttpOnly`, `__Host-id=${MASKED}; Path=/; Secure; HttpOnly`],
  ])('%s: %s', (name, value, shown) => {
    const out = maskHeaders([name, value]);
    expect(out).toEqual([name, shown]);
    expect(out.join(' ')).not.toContain(SECRET);
  });

  it.each([
    ['x-dev', 'alice'], ['content-type', 'application/json'], ['www-authenticate', 'Bearer realm="x"'],
    [':authority', 'orders:8080'], ['user-agent', 'curl/8'], ['x-request-id', 'abc'], ['accept', '*/*'],
  ])('keeps %s', (name, value) => {
    expect(maskHeaders([name, value])).toEqual([name, value]);
  });
});

describe('maskUrl', () => {
  it.each([
    [`/cb?code=${SECRET}&state=ok`, `/cb?code=${MASKED}&state=ok`],
    [`/x?access_token=${SECRET}`, `/x?access_token=${MASKED}`],
    [`/blob?sv=2020&sig=${SECRET}&se=2026`, `/blob?sv=2020&sig=${MASKED}&se=2026`],
    [`/o?X-Amz-Credential=${SECRET}&X-Amz-Signature=${SECRET}&X-Amz-Expires=60`, `/o?X-Amz-Credential=${MASKED}&X-Amz-Signature=${MASKED}&X-Amz-Expires=60`],
    [`/maps?key=${SECRET}#top`, `/maps?key=${MASKED}#top`],
    [`/a?client%5Fsecret=${SECRET}`, `/a?client%5Fsecret=${MASKED}`],
    ['/orders/42?page=2&sort=date', '/orders/42?page=2&sort=date'],
    ['/plain', '/plain'],
    ['/flag?debug', '/flag?debug'],
  ])('%s', (target, shown) => {
    expect(maskUrl(target)).toBe(shown);
  });
});
