// ringside's production entry point (server/main.ts, what `npm start` runs), started by side-by-side.ts
// under a command line of its own: on a machine shared with others who stop their ringside servers by
// name (`pkill -f server/main.ts`; seen here, ending a benchmark halfway), the benchmark's is left alone.
import '../../server/main.ts';
