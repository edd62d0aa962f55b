// Starts a local Bluesky network (PLC, PDS, AppView, with bsync and ozone) for Fil Rouge's tests,
// from the @atproto/dev-env installed by scripts/peers/bluesky.sh. Run with
// `node --require ./listen-loopback.cjs start.mjs` (the Rust harness, crates/testkit/src/bluesky.rs,
// does). Reads FILROUGE_BLUESKY_DEV_ENV (the install folder), DB_POSTGRES_URL, DB_POSTGRES_SCHEMA
// (letters and underscores only), REDIS_HOST (asserted, unused) and TMPDIR (PDS files). When ready
// prints one JSON line on stdout: {"plc": url, "pds": url, "bsky": url}. Stops on SIGTERM, SIGINT,
// or when stdin closes (the test process is gone).
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const log = (...args) => console.error('[bluesky-dev-env]', ...args);

const home = process.env.FILROUGE_BLUESKY_DEV_ENV;
if (!home) {
  log('FILROUGE_BLUESKY_DEV_ENV is not set');
  process.exit(2);
}
const schema = process.env.DB_POSTGRES_SCHEMA || 'filrouge';
if (!/^[A-Za-z_]+$/.test(schema)) {
  log(`schema name ${schema} must be letters and underscores only`);
  process.exit(2);
}
const entry = path.join(home, 'node_modules', '@atproto', 'dev-env', 'dist', 'index.js');
const { TestNetwork } = await import(pathToFileURL(entry).href);

const started = Date.now();
const network = await TestNetwork.create({
  dbPostgresUrl: process.env.DB_POSTGRES_URL,
  dbPostgresSchema: schema,
  // Rate limits on, as on a real PDS (createSession: 30 per 5 minutes per identifier and IP).
  pds: { hostname: 'localhost', rateLimitsEnabled: true },
});

let closing = false;
const stop = async (why) => {
  if (closing) return;
  closing = true;
  log(`stopping (${why})`);
  const timer = setTimeout(() => process.exit(1), 10_000);
  timer.unref();
  try {
    await network.close();
  } catch (e) {
    log('close failed', e);
  }
  process.exit(0);
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.stdin.on('end', () => stop('stdin closed'));
process.stdin.on('error', () => stop('stdin error'));
process.stdin.resume();

log(`ready in ${Date.now() - started} ms`);
process.stdout.write(
  JSON.stringify({ plc: network.plc.url, pds: network.pds.url, bsky: network.bsky.url }) + '\n',
);
