// Whether this start may create the demo tenant, whose admin login is published in the README.
// A newcomer's `npm start` (no NODE_ENV) gets it unless DEMO=0; a production deployment
// (NODE_ENV=production) gets it only when DEMO=1 is said explicitly.
import type { Config } from '../config.ts';

export function demoDataAllowed(config: Pick<Config, 'NODE_ENV' | 'DEMO'>): boolean {
  if (config.NODE_ENV === 'production') return config.DEMO === true;
  return config.DEMO !== false;
}
