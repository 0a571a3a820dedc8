// Login throttling, shared by every instance: at most LOGIN_MAX_FAILURES_PER_ACCOUNT wrong passwords
// per e-mail and LOGIN_MAX_FAILURES_PER_ADDRESS per client address in LOGIN_FAILURE_WINDOW_SEC.
// Past either, every attempt (even with the right password, so guessing cannot go on) is answered
// 429 with Retry-After until the window ends. A successful login clears its account's count.
// The e-mail is counted whether or not it exists, so the answers do not tell which accounts exist.
import type pg from 'pg';
import { HttpError } from '../http/errors.ts';
import { SharedLimit } from './shared-limit.ts';

export interface LoginThrottleSettings {
  LOGIN_MAX_FAILURES_PER_ACCOUNT: number;
  LOGIN_MAX_FAILURES_PER_ADDRESS: number;
  LOGIN_FAILURE_WINDOW_SEC: number;
}

export class LoginThrottle {
  private readonly accounts: SharedLimit;
  private readonly addresses: SharedLimit;

  constructor(pool: pg.Pool, settings: LoginThrottleSettings) {
    const durationSec = settings.LOGIN_FAILURE_WINDOW_SEC;
    this.accounts = new SharedLimit(pool, {
      name: 'login-account',
      points: settings.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      durationSec,
    });
    this.addresses = new SharedLimit(pool, {
      name: 'login-address',
      points: settings.LOGIN_MAX_FAILURES_PER_ADDRESS,
      durationSec,
    });
  }

  /** Throws a 429 HttpError (with Retry-After) when the account or the address is throttled. */
  async before(email: string, address: string | undefined): Promise<void> {
    const [account, from] = await Promise.all([
      this.accounts.check(accountKey(email)),
      this.addresses.check(address ?? 'unknown'),
    ]);
    const wait = Math.max(account ?? 0, from ?? 0);
    if (wait > 0) {
      throw new HttpError(
        429,
        'too_many_attempts',
        'Too many failed logins; retry later.',
        { retry_after_seconds: wait },
        { 'Retry-After': String(wait) },
      );
    }
  }

  /** Records the outcome of a password check. */
  async after(email: string, address: string | undefined, succeeded: boolean): Promise<void> {
    if (succeeded) {
      await this.accounts.reset(accountKey(email));
      return;
    }
    await Promise.all([this.accounts.consume(accountKey(email)), this.addresses.consume(address ?? 'unknown')]);
  }
}

function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
