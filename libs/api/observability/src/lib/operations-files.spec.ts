import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ParleyMetrics } from './metrics';

const root = resolve(__dirname, '../../../../..');
const prometheusDir = join(root, 'docker/prometheus');
// npm test installs promtool (Debian's prometheus package) where it is missing.
const promtool = (...args: string[]) => execFileSync('promtool', args, { cwd: prometheusDir, encoding: 'utf8', stdio: 'pipe' });

/** Every Parley metric family the API exposes (an idle registry: no server needed). */
async function exposedFamilies(): Promise<string[]> {
  const metrics = new ParleyMetrics();
  return (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name);
}

/** The parley_* metric families a text refers to (histogram series reduced to their family). */
function referencedFamilies(text: string): string[] {
  const names = text.match(/\bparley_[a-z_]+/g) ?? [];
  return [...new Set(names.map((name) => name.replace(/_(bucket|sum|count)$/, '')))].sort();
}

describe('operations files', () => {
  it('the alert rules pass `promtool check rules` and their unit tests', () => {
    expect(promtool('check', 'rules', 'alerts.yml')).toContain('SUCCESS');
    expect(promtool('test', 'rules', 'alerts.test.yml')).toContain('SUCCESS');
  });

  it('the Prometheus configuration passes `promtool check config`', () => {
    // The metrics token is a compose secret; a stand-in file lets promtool check the rest.
    const dir = mkdtempSync(join(tmpdir(), 'parley-prometheus-'));
    try {
      const tokenFile = join(dir, 'metrics_token');
      writeFileSync(tokenFile, 'stand-in');
      const config = readFileSync(join(prometheusDir, 'prometheus.yml'), 'utf8').replace('/run/secrets/metrics_token', tokenFile);
      writeFileSync(join(dir, 'prometheus.yml'), config);
      writeFileSync(join(dir, 'alerts.yml'), readFileSync(join(prometheusDir, 'alerts.yml')));
      expect(execFileSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8', stdio: 'pipe' })).toContain(
        'SUCCESS',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the dashboard, the alerts and the README name only metrics the API exposes, and the README lists them all', async () => {
    const exposed = await exposedFamilies();
    const dashboard = readFileSync(join(root, 'docker/grafana/parley.json'), 'utf8');
    JSON.parse(dashboard);
    const alerts = readFileSync(join(prometheusDir, 'alerts.yml'), 'utf8');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const operations = readme.slice(readme.indexOf('## Operations'));
    for (const text of [dashboard, alerts, operations]) {
      for (const name of referencedFamilies(text)) expect(exposed).toContain(name);
    }
    const parleyFamilies = exposed.filter((name) => name.startsWith('parley_'));
    for (const name of parleyFamilies) expect(operations).toContain(`\`${name}\``);
    // The dashboard shows every one of them too.
    expect(referencedFamilies(dashboard)).toEqual([...parleyFamilies].sort());
  });
});
