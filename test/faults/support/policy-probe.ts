// A process with ringside's lifecycle (server/lifecycle.ts) that, on the word in argv[2], lets an
// error go uncaught: `db-rejection` (a refused connection nobody awaited), `bug-rejection` (a
// TypeError nobody awaited) or `bug-exception` (thrown from a timer). It prints "serving" every
// 50 ms while alive and "stop step ran" from its stop step.
import { createLogger } from '../../../server/logger.ts';
import { installLifecycle } from '../../../server/lifecycle.ts';

const lifecycle = installLifecycle(createLogger('silent'));
lifecycle.add('probe', async () => {
  process.stdout.write('stop step ran\n');
});
const ticker = setInterval(() => process.stdout.write('serving\n'), 50);
setTimeout(() => clearInterval(ticker), 1_000).unref();
setTimeout(() => {
  const what = process.argv[2];
  if (what === 'db-rejection')
    void Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
  if (what === 'bug-rejection')
    void Promise.reject(new TypeError("Cannot read properties of undefined (reading 'rows')"));
  if (what === 'bug-exception') throw new TypeError('a bug');
}, 100);
