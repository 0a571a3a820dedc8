// The production server's Node flags are written in three places: `npm start` (package.json), the
// image's CMD (Dockerfile) and the benchmarks (bench/support/environment.ts), which must measure the
// server as it runs. They must say the same.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../bench/support/environment.ts';

const root = new URL('../../', import.meta.url);
const flagsOf = (words: string[]) => words.filter((w) => w.startsWith('--'));

describe("the production server's Node flags", () => {
  it('are the same in npm start and for the benchmarks', () => {
    const start = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')).scripts.start as string;
    expect(flagsOf(start.split(/\s+/))).toEqual(SERVER_NODE_FLAGS);
  });

  it("are the same in the image's CMD", () => {
    const cmd = readFileSync(new URL('Dockerfile', root), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('CMD '))!;
    expect(flagsOf(JSON.parse(cmd.slice(4)) as string[])).toEqual(SERVER_NODE_FLAGS);
  });
});
