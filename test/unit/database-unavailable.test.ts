// The classifier behind 503-versus-500: every way node-postgres, pg-pool, node's sockets and
// PostgreSQL report an unreachable, restarting, overloaded or frozen database is "unavailable";
// errors of our own making (syntax, constraint, type) are not.
import { describe, it, expect } from 'vitest';
import { isDatabaseUnavailable, withDeadline, DeadlineExceeded } from '../../server/db/unavailable.ts';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a broken pipe', withCode('EPIPE')],
    ['a socket timeout', withCode('ETIMEDOUT')],
    ['the driver losing its connection', new Error('Connection terminated unexpectedly')],
    ['the driver timing out a connect', new Error('Connection terminated due to connection timeout')],
    ['the pool timing out a connect', new Error('timeout exceeded when trying to connect')],
    ['a query read timeout', new Error('Query read timeout')],
    ['a client that lost its connection', new Error('Client has encountered a connection error and is not queryable')],
    ['a pool that was ended (shutdown)', new Error('Cannot use a pool after calling end on the pool')],
    ['SQLSTATE 08006 connection failure', withCode('08006')],
    ['SQLSTATE 08001 cannot establish', withCode('08001')],
    ['SQLSTATE 08P01 protocol violation', withCode('08P01')],
    ['SQLSTATE 57P01 admin shutdown', withCode('57P01', 'terminating connection due to administrator command')],
    ['SQLSTATE 57P02 crash shutdown', withCode('57P02')],
    ['SQLSTATE 57P03 cannot connect now', withCode('57P03', 'the database system is starting up')],
    ['SQLSTATE 53300 too many connections', withCode('53300')],
    ['SQLSTATE 53100 disk full', withCode('53100')],
    [
      'SQLSTATE 25006 read-only server (failover)',
      withCode('25006', 'cannot execute INSERT in a read-only transaction'),
    ],
    ['SQLSTATE 57014 statement timeout', withCode('57014', 'canceling statement due to statement timeout')],
    [
      'an AggregateError of refused addresses',
      Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), { code: 'ECONNREFUSED' }),
    ],
    ['an AggregateError without a code of its own', new AggregateError([withCode('ECONNREFUSED')])],
    ['a wrapped cause', new Error('ingest failed', { cause: withCode('57P01') })],
    ['a missed deadline', new DeadlineExceeded('readiness', 800)],
  ])('says %s is unavailability', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a syntax error (42601)', withCode('42601', 'syntax error at or near "selec"')],
    ['a unique violation (23505)', withCode('23505')],
    ['an RLS violation (42501)', withCode('42501')],
    ['a raised exception (P0001)', withCode('P0001')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'rows')")],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
  ])('says %s is not', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('withDeadline', () => {
  it('rejects with DeadlineExceeded when the work does not settle in time', async () => {
    await expect(withDeadline(new Promise(() => {}), 20, 'nothing')).rejects.toBeInstanceOf(DeadlineExceeded);
  });
  it('passes the result through when the work settles in time', async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, 'seven')).resolves.toBe(7);
  });
});
