// Checks that a webhook request came from Herald, unaltered and recently: its X-Herald-Signature header is
// t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">, keyed with the subscription's secret (shown once, when the
// subscription was written, in X-Herald-Signing-Secret; $rotate-secret gives a new one). For Node (node:crypto).
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * @param {string} secret the subscription's signing secret
 * @param {string | undefined} header the request's X-Herald-Signature
 * @param {Buffer | string} body the raw body as received (empty when there is none)
 * @param {number} [toleranceSeconds] how old a request may be (300)
 * @returns {boolean} whether Herald sent it, as it is, within the tolerance
 */
export function verifyWebhook(secret, header, body, toleranceSeconds = 300) {
  const { t, v1 } = Object.fromEntries((header ?? '').split(',').map((part) => part.split('=', 2)));
  if (!t || !v1 || Math.abs(Date.now() / 1000 - Number(t)) > toleranceSeconds) {
    return false;
  }
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
  return expected.length === v1.length && timingSafeEqual(Buffer.from(expected), Buffer.from(v1));
}
