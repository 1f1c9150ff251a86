// What `npm test` needs besides node_modules, installed or started only where
// missing: PostgreSQL and Redis on loopback, Debian's nginx (load-balancer
// tests), Chromium with an emoji font (browser tests) and promtool (alert-rule
// checks). As root it runs `apt-get update` once, then `apt-get install`;
// otherwise it stops with the command to run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * @typedef {object} Need
 * @property {string} what       what the tests use it for
 * @property {string[]} packages Debian packages that provide it
 * @property {() => boolean} present
 */

/** @param {string} command */
const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
/** @param {string} pkg */
const installed = (pkg) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed') ?? false;
/** @param {string} dir */
const postgresBinaries = (dir = '/usr/lib/postgresql') => existsSync(dir) && readdirSync(dir).some((v) => existsSync(`${dir}/${v}/bin/initdb`));

/** @type {Need[]} */
export const NEEDS = [
  { what: 'PostgreSQL (the tests also run private clusters)', packages: ['postgresql'], present: () => postgresBinaries() },
  { what: 'redis-server (the shared one and private ones)', packages: ['redis-server'], present: () => onPath('redis-server') },
  { what: 'nginx for the load-balancer tests', packages: ['nginx'], present: () => existsSync('/usr/sbin/nginx') },
  { what: 'Chromium for the browser tests', packages: ['chromium'], present: () => existsSync('/usr/bin/chromium') },
  { what: 'an emoji font for the screenshots', packages: ['fonts-noto-color-emoji'], present: () => installed('fonts-noto-color-emoji') },
  { what: 'promtool for the alert-rule checks', packages: ['prometheus'], present: () => onPath('promtool') },
];

/** @param {number} port */
const listening = (port) =>
  /** @type {Promise<boolean>} */ (
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    })
  );

/** @param {number} port @param {number} timeoutMs */
async function waitListening(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await listening(port)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

/** Runs a command quietly; its output is shown only when it fails. @param {string} command @param {string[]} args */
function must(command, args) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}):\n${`${result.stdout}${result.stderr}`.slice(-4000)}`);
}

const asRoot = process.getuid?.() === 0;

/** Installs the Debian packages of every missing need (one `apt-get update` first). */
function installMissing() {
  const missing = NEEDS.filter((need) => !need.present());
  if (missing.length === 0) return;
  const packages = missing.flatMap((need) => need.packages);
  const list = missing.map((need) => `  - ${need.what}`).join('\n');
  if (!asRoot) {
    throw new Error(`The tests need what is not installed here:\n${list}\nInstall it (Debian), then run npm test again:\n  sudo apt-get install -y ${packages.join(' ')}`);
  }
  console.log(`npm test: installing ${packages.join(', ')}:\n${list}`);
  must('apt-get', ['update', '-qq']);
  must('apt-get', ['install', '-y', '-qq', ...packages]);
}

async function startPostgres() {
  if (await listening(5432)) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql').sort((a, b) => Number(a) - Number(b)) : [];
  const version = versions.at(-1);
  if (!asRoot || !version) throw new Error('PostgreSQL is not running on 127.0.0.1:5432 (user postgres, trust): start it, e.g. pg_ctlcluster 15 main start');
  console.log(`npm test: starting PostgreSQL ${version}`);
  spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], { stdio: 'inherit' });
  if (!(await waitListening(5432, 30_000))) throw new Error('PostgreSQL did not start on 127.0.0.1:5432');
}

async function startRedis() {
  if (await listening(6379)) return;
  console.log('npm test: starting Redis on 127.0.0.1:6379');
  must('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no']);
  if (!(await waitListening(6379, 10_000))) throw new Error('Redis did not start on 127.0.0.1:6379');
}

/** Everything `npm test` needs, ready; throws with what to do when it cannot be. */
export async function prepareTestMachine() {
  installMissing();
  await startPostgres();
  await startRedis();
}
