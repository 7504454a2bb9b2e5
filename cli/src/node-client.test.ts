import { describe, expect, test } from 'bun:test';
import { describeRequestError } from './node-client';

const failure = (code: string) => Object.assign(new Error(code.toLowerCase()), { code });

describe('describeRequestError', () => {
  test('a certificate this machine does not trust says how to trust its CA', () => {
    expect(describeRequestError(failure('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'https://127.0.0.1:7443')).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE: the node's certificate does not lead to a CA trusted here; trust yours with NODE_EXTRA_CA_CERTS=ca.pem");
    expect(describeRequestError(failure('ERR_TLS_CERT_ALTNAME_INVALID'), 'https://kv.example:7443')).toContain('does not name this host');
  });

  test('a scheme that does not match the node is named', () => {
    expect(describeRequestError(failure('EPROTO'), 'https://127.0.0.1:7070')).toBe('EPROTO: the TLS handshake failed; if the node serves plain HTTP, use http://');
    expect(describeRequestError(failure('ECONNRESET'), 'http://127.0.0.1:7443')).toBe('ECONNRESET: if the node serves HTTPS (--tls-cert), use https://');
  });

  test('other failures are their code, or their message without one', () => {
    expect(describeRequestError(failure('ECONNREFUSED'), 'http://127.0.0.1:7070')).toBe('ECONNREFUSED');
    expect(describeRequestError(failure('ECONNRESET'), 'https://127.0.0.1:7070')).toBe('ECONNRESET');
    expect(describeRequestError(new Error('socket hang up'), 'http://127.0.0.1:7070')).toBe('socket hang up');
    expect(describeRequestError(Object.assign(new Error('no answer within 10 s'), { name: 'TimeoutError' }), 'http://127.0.0.1:7070')).toBe('no answer within 10 s');
  });
});
