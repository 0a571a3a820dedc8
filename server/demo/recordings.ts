// The demo's recording: a few seconds of spoken French (espeak-ng + lame, made once and committed:
// server/demo/audio/appel-demo.mp3), served by the app itself under /demo-recordings/ when demo data
// is allowed, so that a newcomer's first start, and every call `npm run simulate` sends, has a
// recording that plays and that the AI pipeline can transcribe. The recording proxy and the worker
// fetch it like any Ringover recording: through the allow-list, to which demo mode adds this
// machine's loopback names — outside production only (a production server never fetches from itself).
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { AppContext } from '../app.ts';
import type { Config } from '../config.ts';
import { demoDataAllowed } from './policy.ts';

const DEMO_AUDIO = fileURLToPath(new URL('./audio/appel-demo.mp3', import.meta.url));
export const DEMO_RECORDINGS_PATH = '/demo-recordings/';

/** GET /demo-recordings/<name>.mp3 → the demo audio, with Range support (any name: one file); demo mode only. */
export function installDemoRecordings(app: Express, ctx: AppContext): void {
  if (!demoDataAllowed(ctx.config)) return;
  app.get(`${DEMO_RECORDINGS_PATH}:name`, (req, res, next) => {
    if (!/^[\w-]{1,80}\.mp3$/.test(req.params.name)) return next();
    res.sendFile(DEMO_AUDIO, { acceptRanges: true, maxAge: '1h', headers: { 'content-type': 'audio/mpeg' } });
  });
}

/** The configuration with the loopback names allowed as recording hosts, in demo mode outside production. */
export function withDemoRecordingHosts<C extends Pick<Config, 'NODE_ENV' | 'DEMO' | 'RECORDING_ALLOWED_HOSTS'>>(
  config: C,
): C {
  if (!demoDataAllowed(config) || config.NODE_ENV === 'production') return config;
  const hosts = new Set([...config.RECORDING_ALLOWED_HOSTS, 'localhost', '127.0.0.1']);
  return { ...config, RECORDING_ALLOWED_HOSTS: [...hosts] };
}
