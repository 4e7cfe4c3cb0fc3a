// The deployment files, checked offline: compose.yaml against the Compose spec's JSON Schema, the
// Kubernetes manifests against Kubernetes' schemas and types, and the Dockerfile's stages against the
// repository. Where `docker compose` or `kubectl` is installed, their own renderers run too.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { Ajv } from 'ajv';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigSchema, loadConfig } from '../../src/config.js';

const ROOT = join(import.meta.dirname, '../..');
const DEPLOY = join(ROOT, 'deploy');
const K8S = join(DEPLOY, 'k8s');
const read = (path: string) => readFileSync(path, 'utf8');
const CONFIG_KEYS = new Set(Object.keys(ConfigSchema.shape));
const SECRET_NAME = /SECRET|TOKEN|PASSWORD/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
function obj(v: unknown, what: string): Obj {
  if (!isObj(v)) throw new Error(`${what} is not a mapping`);
  return v;
}
function arr(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new Error(`${what} is not a list`);
  return v;
}

/** A KEY=VALUE env file (comments and blank lines skipped), as compose and `kubectl --from-env-file` read it. */
function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=VALUE: ${line}`);
    out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}

function commandWorks(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 15_000 });
  return r.status === 0;
}

// ---------------------------------------------------------------------------------------------
// Compose
// ---------------------------------------------------------------------------------------------

describe('deploy/compose.yaml', () => {
  const compose = obj(parse(read(join(DEPLOY, 'compose.yaml'))), 'compose.yaml');
  const services = obj(compose.services, 'services');
  const bot = obj(services.bot, 'services.bot');
  const redis = obj(services.redis, 'services.redis');
  const envExample = parseEnvFile(read(join(DEPLOY, '.env.example')));

  it('is valid against the Compose specification JSON Schema', () => {
    // Vendored from the npm package dclint (schemas/compose.schema.json), a copy of compose-spec/compose-spec's schema.
    const schema = JSON.parse(read(join(ROOT, 'test/fixtures/schemas/compose-spec.json'))) as Obj;
    const require = createRequire(import.meta.url);
    const draft7 = require('ajv/dist/refs/json-schema-draft-07.json') as Obj;
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: false });
    // The schema names draft-07 by its https address; Ajv ships the same meta-schema under http.
    ajv.addMetaSchema({ ...draft7, $id: schema.$schema as string });
    const validate = ajv.compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);

    // The schema is strict enough to catch the mistakes that matter.
    const typo = structuredClone(compose) as { services: { bot: Obj } };
    typo.services.bot.healthcheck = { ...obj(bot.healthcheck, 'healthcheck'), intervall: '3s' };
    expect(validate(typo)).toBe(false);
    const badCondition = structuredClone(compose) as { services: { bot: Obj } };
    badCondition.services.bot.depends_on = { redis: { condition: 'service_ready' } };
    expect(validate(badCondition)).toBe(false);
  });

  it('starts the bot only once Redis is healthy', () => {
    expect(obj(bot.depends_on, 'depends_on')).toMatchObject({ redis: { condition: 'service_healthy' } });
    const test = arr(obj(redis.healthcheck, 'redis.healthcheck').test, 'redis healthcheck test').join(' ');
    expect(test).toMatch(/redis-cli ping/);
    expect(test).toMatch(/PONG/);
  });

  it('runs Redis on deploy/redis/redis.conf (append-only, noeviction) with /data on a named volume', () => {
    const volumes = arr(redis.volumes, 'redis.volumes').map(String);
    const confMount = volumes.find((v) => v.includes('redis.conf'));
    expect(confMount).toBeDefined();
    const [hostPath, containerPath] = confMount!.split(':');
    const conf = read(join(DEPLOY, hostPath!));
    expect(conf).toBe(read(join(DEPLOY, 'redis/redis.conf')));
    expect(conf).toMatch(/^appendonly yes$/m);
    expect(conf).toMatch(/^dir \/data$/m);
    expect(conf).toMatch(/^maxmemory-policy noeviction$/m);
    expect(arr(redis.command, 'redis.command')).toEqual(['redis-server', containerPath]);

    const dataMount = volumes.find((v) => v.endsWith(':/data'));
    const volumeName = dataMount?.split(':')[0];
    expect(volumeName).toMatch(/^[a-z][a-z0-9_-]*$/); // a named volume, not a bind mount
    expect(Object.keys(obj(compose.volumes, 'volumes'))).toContain(volumeName);
    // redis.conf uses Redis 7 directives (busy-reply-threshold, appenddirname).
    expect(Number(/^redis:(\d+)/.exec(String(redis.image))?.[1])).toBeGreaterThanOrEqual(7);
  });

  it('publishes the bot on 3978, checks /healthz and builds deploy/Dockerfile from the repository root', () => {
    expect(arr(bot.ports, 'ports').map(String).some((p) => p.endsWith(':3978'))).toBe(true);
    expect(arr(obj(bot.healthcheck, 'bot.healthcheck').test, 'bot healthcheck test').join(' ')).toContain('/healthz');
    const build = obj(bot.build, 'build');
    const context = join(DEPLOY, String(build.context));
    expect(context).toBe(ROOT);
    expect(existsSync(join(context, String(build.dockerfile)))).toBe(true);
    expect(existsSync(join(context, 'package.json'))).toBe(true);
  });

  it('reads deploy/.env and points REDIS_URL at its own Redis service', () => {
    expect(arr(bot.env_file, 'env_file')).toEqual([{ path: './.env', required: true }]);
    const environment = obj(bot.environment, 'environment');
    const url = new URL(String(environment.REDIS_URL));
    expect(Object.keys(services)).toContain(url.hostname);
    for (const key of Object.keys(environment)) expect(CONFIG_KEYS, key).toContain(key);
    // What the container ends up with: .env.example, then compose's environment on top.
    const config = loadConfig({ ...Object.fromEntries(envExample), ...(environment as Record<string, string>) });
    expect(config.REDIS_URL).toBe('redis://redis:6379');
    expect(config.PLAYGROUND).toBe('off');
  });

  it('.env.example documents exactly the variables of src/config.ts, without secrets', () => {
    expect([...envExample.keys()].sort()).toEqual([...CONFIG_KEYS].sort());
    for (const [key, value] of envExample) {
      if (SECRET_NAME.test(key)) expect(value, key).toBe('');
    }
    const text = read(join(DEPLOY, '.env.example'));
    for (const key of envExample.keys()) {
      // Each variable has a comment line right above it (or above its group).
      const before = text.slice(0, text.indexOf(`\n${key}=`)).trimEnd().split('\n');
      const above = before.slice(-3);
      expect(above.some((l) => l.startsWith('#')), `${key} has no comment`).toBe(true);
    }
    expect(loadConfig(Object.fromEntries(envExample)).PORT).toBe(3978);
  });

  it.runIf(commandWorks('docker', ['compose', 'version']))('docker compose accepts it', () => {
    // A scratch copy with .env made from the example, so a developer's real deploy/.env is never read.
    const dir = mkdtempSync(join(tmpdir(), 'compose-'));
    try {
      cpSync(DEPLOY, join(dir, 'deploy'), { recursive: true, filter: (src) => !src.endsWith(`${join('deploy', '.env')}`) });
      cpSync(join(DEPLOY, '.env.example'), join(dir, 'deploy/.env'));
      const r = spawnSync('docker', ['compose', '-f', join(dir, 'deploy/compose.yaml'), 'config', '-q'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Kubernetes
// ---------------------------------------------------------------------------------------------

interface K8sObject extends Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
}

function loadManifests(path: string): K8sObject[] {
  return parseAllDocuments(read(path)).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as unknown;
    return value === null ? [] : [value as K8sObject];
  });
}

/** The objects kustomization.yaml produces: its resources plus generated ConfigMaps (names without kustomize's hash). */
function renderKustomization(): { objects: K8sObject[]; kustomization: Obj } {
  const kustomization = obj(parse(read(join(K8S, 'kustomization.yaml'))), 'kustomization');
  const objects = arr(kustomization.resources, 'resources').flatMap((r) => loadManifests(join(K8S, String(r))));
  for (const gen of arr(kustomization.configMapGenerator ?? [], 'configMapGenerator')) {
    const g = obj(gen, 'generator');
    const data: Record<string, string> = {};
    for (const f of arr(g.files, 'files').map(String)) {
      const [key, file] = f.includes('=') ? (f.split('=') as [string, string]) : [posix.basename(f), f];
      data[key] = read(join(K8S, file));
    }
    objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: String(g.name) }, data });
  }
  return { objects, kustomization };
}

type ModelClass = new (data: unknown) => { validate(): void };
/** kubernetes-models' entry per apiVersion (static imports, so the bundler resolves them). */
const MODELS: Record<string, () => Promise<Record<string, unknown>>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
};

/** Validates against the Kubernetes OpenAPI schemas compiled into kubernetes-models (Kubernetes 1.27). */
async function validateWithSchema(o: K8sObject): Promise<void> {
  const load = MODELS[o.apiVersion];
  if (!load) throw new Error(`add ${o.apiVersion} to MODELS to validate ${o.kind}/${o.metadata.name}`);
  const Model = (await load())[o.kind] as ModelClass | undefined;
  if (!Model) throw new Error(`kubernetes-models has no ${o.apiVersion} ${o.kind}`);
  new Model(o).validate();
}

/**
 * The schemas accept unknown fields (Kubernetes drops them silently, or rejects them with
 * --validate=strict), so a typo like `readinessprobe` would pass. Type-checking each object as an
 * object literal of kubernetes-models' TypeScript types catches those: excess property checks.
 */
function unknownFieldErrors(objects: K8sObject[]): string[] {
  const file = join(ROOT, 'test/unit/__k8s_manifest_types__.ts');
  const lines: string[] = [];
  objects.forEach((o, i) => {
    lines.push(`import type { I${o.kind} as T${i} } from 'kubernetes-models/${o.apiVersion}/${o.kind}';`);
  });
  objects.forEach((o, i) => {
    lines.push(`// ${o.kind}/${o.metadata.name}`, `export const o${i}: T${i} = ${JSON.stringify(o)};`);
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, types: [],
    module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (name === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest));
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const owner = source.split('\n').slice(0, line).reverse().find((l) => l.startsWith('// ')) ?? '';
    return `${owner.slice(3)}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

function find(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('deploy/k8s', () => {
  const { objects, kustomization } = renderKustomization();
  const secretTemplate = loadManifests(join(K8S, 'secret.example.yaml'));
  const deployment = find(objects, 'Deployment', 'assess-bot') as K8sObject & { spec: Obj };
  const podSpec = obj(obj(deployment.spec.template, 'template').spec, 'pod spec');
  const podLabels = obj(obj(deployment.spec.template, 'template').metadata, 'pod metadata').labels as Record<string, string>;
  const container = obj(arr(podSpec.containers, 'containers')[0], 'container');
  const redisSet = find(objects, 'StatefulSet', 'assess-redis') as K8sObject & { spec: Obj };

  it('has the objects a deployment needs', () => {
    const kinds = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual([
      'ConfigMap/assess-bot-config',
      'ConfigMap/assess-redis-config',
      'Deployment/assess-bot',
      'NetworkPolicy/assess-redis',
      'PodDisruptionBudget/assess-bot',
      'Service/assess-bot',
      'Service/assess-redis',
      'StatefulSet/assess-redis',
    ]);
    // The Secret is a template with placeholders: never applied by the kustomization.
    expect(arr(kustomization.resources, 'resources')).not.toContain('secret.example.yaml');
    expect(secretTemplate.map((o) => o.kind)).toEqual(['Secret']);
  });

  it('every object (and the Secret template) is valid against the Kubernetes schemas', async () => {
    for (const o of [...objects, ...secretTemplate]) {
      await expect(validateWithSchema(o), `${o.kind}/${o.metadata.name}`).resolves.toBeUndefined();
    }
    // And the validation is real: a wrong type is caught.
    const broken = structuredClone(deployment) as K8sObject & { spec: Obj };
    broken.spec.replicas = 'two';
    await expect(validateWithSchema(broken)).rejects.toThrow(/replicas/);
  });

  it('has no unknown or misspelled fields', () => {
    expect(unknownFieldErrors([...objects, ...secretTemplate])).toEqual([]);
    const typo = structuredClone(deployment) as K8sObject & { spec: { template: { spec: { containers: Obj[] } } } };
    const c = typo.spec.template.spec.containers[0]!;
    c.readinessprobe = c.readinessProbe;
    expect(unknownFieldErrors([typo]).join('\n')).toMatch(/readinessprobe/);
  });

  it('runs two or more bot replicas, rolling without losing capacity, protected by a PodDisruptionBudget', () => {
    expect(Number(deployment.spec.replicas)).toBeGreaterThanOrEqual(2);
    expect(obj(obj(deployment.spec.strategy, 'strategy').rollingUpdate, 'rollingUpdate').maxUnavailable).toBe(0);
    const selector = obj(deployment.spec.selector, 'selector').matchLabels as Record<string, string>;
    expect(matches(selector, podLabels)).toBe(true);
    const pdb = find(objects, 'PodDisruptionBudget') as K8sObject & { spec: Obj };
    expect(matches(obj(pdb.spec.selector, 'pdb selector').matchLabels as Record<string, string>, podLabels)).toBe(true);
    expect(Number(pdb.spec.minAvailable)).toBeGreaterThanOrEqual(1);
    expect(Number(pdb.spec.minAvailable)).toBeLessThan(Number(deployment.spec.replicas));
  });

  it('probes readiness on /readyz and liveness on /healthz, with a startup probe, on the container port', () => {
    const port = obj(arr(container.ports, 'ports')[0], 'port');
    expect(port.containerPort).toBe(3978);
    const probe = (name: string) => obj(obj(container[name], name).httpGet, `${name}.httpGet`);
    expect(probe('readinessProbe')).toMatchObject({ path: '/readyz', port: port.name });
    expect(probe('livenessProbe')).toMatchObject({ path: '/healthz', port: port.name });
    expect(probe('startupProbe')).toMatchObject({ path: '/healthz', port: port.name });
  });

  it('runs as non-root on a read-only root filesystem, with limits and time to shut down', () => {
    const podSecurity = obj(podSpec.securityContext, 'pod securityContext');
    expect(podSecurity.runAsNonRoot).toBe(true);
    expect(Number(podSecurity.runAsUser)).toBeGreaterThan(0);
    const security = obj(container.securityContext, 'container securityContext');
    expect(security).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const resources = obj(container.resources, 'resources');
    expect(obj(resources.requests, 'requests').memory).toBeDefined();
    expect(obj(resources.limits, 'limits').memory).toBeDefined();
    // preStop pause + main.ts's 15 s forced exit must fit in the grace period.
    const preStop = arr(obj(obj(obj(container.lifecycle, 'lifecycle').preStop, 'preStop').exec, 'exec').command, 'command');
    const pause = Number(preStop[1]);
    const forcedExit = Number(/setTimeout\(\(\) => process\.exit\(1\), ([\d_]+)\)/.exec(read(join(ROOT, 'src/app/main.ts')))?.[1]?.replace(/_/g, '')) / 1000;
    expect(forcedExit).toBeGreaterThan(0);
    expect(Number(podSpec.terminationGracePeriodSeconds)).toBeGreaterThan(pause + forcedExit);
  });

  it('every variable the Deployment sets is one src/config.ts reads', () => {
    const names = new Set<string>();
    for (const e of arr(container.env ?? [], 'env')) names.add(String(obj(e, 'env').name));
    for (const source of arr(container.envFrom, 'envFrom')) {
      const s = obj(source, 'envFrom');
      if (s.configMapRef) {
        const cm = find(objects, 'ConfigMap', String(obj(s.configMapRef, 'configMapRef').name));
        for (const k of Object.keys(obj(cm.data, 'data'))) names.add(k);
      }
      if (s.secretRef) {
        const secret = find(secretTemplate, 'Secret', String(obj(s.secretRef, 'secretRef').name));
        for (const k of Object.keys(obj(secret.stringData, 'stringData'))) names.add(k);
      }
    }
    expect(names.size).toBeGreaterThan(10);
    for (const n of names) expect(CONFIG_KEYS, n).toContain(n);
  });

  it('the ConfigMap is a valid configuration that reaches the in-cluster Redis; the Secret holds placeholders only', () => {
    const data = obj(find(objects, 'ConfigMap', 'assess-bot-config').data, 'data') as Record<string, string>;
    for (const key of Object.keys(data)) expect(SECRET_NAME.test(key), `${key} belongs in the Secret`).toBe(false);
    const config = loadConfig(data);
    expect(config.PLAYGROUND).toBe('off');
    const url = new URL(config.REDIS_URL!);
    const redisService = find(objects, 'Service', url.hostname) as K8sObject & { spec: Obj };
    expect(arr(redisService.spec.ports, 'ports').map((p) => obj(p, 'port').port)).toContain(Number(url.port));
    expect(String(container.image)).toBe(String(obj(arr(kustomization.images, 'images')[0], 'image').name));

    const stringData = obj(secretTemplate[0]!.stringData, 'stringData');
    for (const [key, value] of Object.entries(stringData)) {
      expect(String(value), key).toMatch(/^(|<replace: [^>]+>)$/);
    }
    expect(stringData.ANONYMITY_SECRET).toMatch(/^<replace/);
  });

  it('Prometheus scrapes /metrics on the admin port of the ConfigMap, which the Service does not expose', () => {
    const data = obj(find(objects, 'ConfigMap', 'assess-bot-config').data, 'data') as Record<string, string>;
    const admin = arr(container.ports, 'ports').map((p) => obj(p, 'port')).find((p) => p.name === 'admin');
    expect(admin?.containerPort).toBe(Number(data.ADMIN_PORT));
    const annotations = obj(obj(obj(deployment.spec.template, 'template').metadata, 'template metadata').annotations, 'annotations');
    expect(annotations['prometheus.io/port']).toBe(data.ADMIN_PORT);
    expect(loadConfig(data).ADMIN_HOST).toBe('0.0.0.0');
    const svc = find(objects, 'Service', 'assess-bot') as K8sObject & { spec: Obj };
    expect(arr(svc.spec.ports, 'service ports').map((p) => obj(p, 'service port').targetPort)).not.toContain('admin');
  });

  it('the Service selects the bot pods and targets the named container port', () => {
    const svc = find(objects, 'Service', 'assess-bot') as K8sObject & { spec: Obj };
    expect(matches(svc.spec.selector as Record<string, string>, podLabels)).toBe(true);
    const ports = arr(container.ports, 'ports').map((p) => obj(p, 'port').name);
    for (const p of arr(svc.spec.ports, 'service ports')) expect(ports).toContain(obj(p, 'service port').targetPort);
  });

  it('runs Redis as a StatefulSet on a PersistentVolumeClaim, behind a headless Service, with the same redis.conf', () => {
    expect(read(join(K8S, 'redis.conf'))).toBe(read(join(DEPLOY, 'redis/redis.conf')));
    const claims = arr(redisSet.spec.volumeClaimTemplates, 'volumeClaimTemplates').map((c) => obj(c, 'claim'));
    expect(claims.length).toBe(1);
    const claimName = obj(claims[0]!.metadata, 'claim metadata').name;
    expect(obj(obj(claims[0]!.spec, 'claim spec').resources, 'claim resources')).toMatchObject({ requests: { storage: expect.any(String) } });

    const template = obj(redisSet.spec.template, 'redis template');
    const spec = obj(template.spec, 'redis pod spec');
    const redis = obj(arr(spec.containers, 'redis containers')[0], 'redis container');
    const mounts = arr(redis.volumeMounts, 'mounts').map((m) => obj(m, 'mount'));
    expect(mounts).toContainEqual(expect.objectContaining({ name: claimName, mountPath: '/data' }));
    const configMount = mounts.find((m) => m.name !== claimName)!;
    const command = arr(redis.command, 'redis command').map(String);
    expect(command).toEqual(['redis-server', `${String(configMount.mountPath)}/redis.conf`]);
    const configVolume = arr(spec.volumes, 'volumes').map((v) => obj(v, 'volume')).find((v) => v.name === configMount.name)!;
    const generated = find(objects, 'ConfigMap', String(obj(configVolume.configMap, 'configMap').name));
    expect(Object.keys(obj(generated.data, 'data'))).toEqual(['redis.conf']);

    const headless = find(objects, 'Service', String(redisSet.spec.serviceName)) as K8sObject & { spec: Obj };
    expect(headless.spec.clusterIP).toBe('None');
    const labels = obj(template.metadata, 'redis metadata').labels as Record<string, string>;
    expect(matches(headless.spec.selector as Record<string, string>, labels)).toBe(true);
    expect(obj(spec.securityContext, 'redis securityContext').runAsNonRoot).toBe(true);
    expect(Number(/^redis:(\d+)/.exec(String(redis.image))?.[1])).toBeGreaterThanOrEqual(7);
  });

  it.runIf(commandWorks('kubectl', ['version', '--client']))('kubectl kustomize renders the same objects, and they validate', async () => {
    const r = spawnSync('kubectl', ['kustomize', K8S], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const rendered = parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
    const generatedName = /^(assess-redis-config)-[a-z0-9]{10}$/;
    expect(rendered.map((o) => `${o.kind}/${o.metadata.name.replace(generatedName, '$1')}`).sort()).toEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`).sort(),
    );
    for (const o of rendered) await validateWithSchema(o);
    const pod = obj(obj(obj(find(rendered, 'Deployment').spec, 'spec').template, 'template').spec, 'pod spec');
    const image = obj(arr(kustomization.images, 'images')[0], 'image');
    expect(obj(arr(pod.containers, 'containers')[0], 'container').image).toBe(`${String(image.newName)}:${String(image.newTag)}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Dockerfile
// ---------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  base: string;
  name?: string;
  instructions: Instruction[];
}

/** Splits a Dockerfile into stages of instructions (line continuations joined, comments dropped). */
function parseDockerfile(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#')) continue; // comments (and parser directives), also inside continuations
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!m) throw new Error(`bad FROM: ${line}`);
      stages.push({ base: m[1]!, ...(m[2] ? { name: m[2] } : {}), instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** COPY's flags, sources and destination (shell or JSON form). */
function parseCopy(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest)) {
    flags[m[1]!] = m[2] ?? 'true';
    rest = rest.slice(m[0].length);
  }
  const parts = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  return { flags, sources: parts.slice(0, -1), dest: parts.at(-1)! };
}

/** .dockerignore semantics: globs relative to the context, a match excludes a directory's contents, `!` re-includes, last match wins. */
function dockerIgnored(patterns: string[], path: string): boolean {
  const toRegex = (p: string) =>
    new RegExp(
      `^${p
        .replace(/^\/+/, '')
        .replace(/\/+$/, '')
        .split('/')
        .map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?')}$`,
    );
  const candidates = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const re = toRegex(negate ? raw.slice(1) : raw);
    if (candidates.some((c) => re.test(c))) ignored = !negate;
  }
  return ignored;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Bare package names that src/ loads at run time (type-only imports excluded). */
function runtimePackages(): Set<string> {
  const out = new Set<string>();
  const specifiers = [
    /^\s*import\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm,
    /^\s*export\s+(?!type\s)[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm,
    /import\(\s*['"]([^'"]+)['"]\s*\)/g,
    /(?:require|require\.resolve|\))\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const file of filesUnder(join(ROOT, 'src')).filter((f) => f.endsWith('.ts'))) {
    const source = read(file);
    for (const re of specifiers) {
      for (const m of source.matchAll(re)) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        out.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
  }
  return out;
}

describe('deploy/Dockerfile', () => {
  const stages = parseDockerfile(read(join(DEPLOY, 'Dockerfile')));
  const final = stages.at(-1)!;
  const all = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
  const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);
  const ignore = read(join(ROOT, '.dockerignore'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('is multi-stage: npm ci, npm run build, then a Node 20 slim runtime with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const runs = (s: Stage) => all(s, 'RUN').map((i) => i.args).join('\n');
    const names = stages.map((s) => s.name);
    const stageOf = (s: Stage): Stage[] => {
      const parent = stages.find((p) => p.name === s.base);
      return parent ? [...stageOf(parent), s] : [s];
    };
    const buildStage = stages.find((s) => /npm run build/.test(runs(s)))!;
    expect(buildStage).toBeDefined();
    // The build stage (or the stage it builds on) installed all dependencies with npm ci.
    expect(stageOf(buildStage).some((s) => /npm ci(?!.*--omit)/.test(runs(s)))).toBe(true);
    expect(final.base).toBe('node:20-bookworm-slim');
    expect(names).not.toContain(final.base);
    expect(runs(final)).toMatch(/npm ci --omit=dev/);
    expect(runs(final)).not.toMatch(/npm run build|tsx/);
    for (const s of stages) expect(stageOf(s)[0]!.base).toMatch(/^node:20[-.]/);
  });

  it('the runtime stage runs as a non-root user that matches the Kubernetes runAsUser', () => {
    const user = last(final, 'USER')?.args ?? 'root';
    const [uid] = user.split(':');
    expect(['root', '0']).not.toContain(uid);
    const deployment = loadManifests(join(K8S, 'deployment.yaml'))[0]! as K8sObject & { spec: { template: { spec: { securityContext: Obj } } } };
    expect(String(deployment.spec.template.spec.securityContext.runAsUser)).toBe(uid);
  });

  it('starts the compiled CLI with plain node, exposes 3978, health-checks /healthz with node fetch, playground off', () => {
    expect(JSON.parse(last(final, 'CMD')!.args)).toEqual(['node', 'dist/src/cli.js', 'start']);
    expect(all(final, 'ENTRYPOINT')).toEqual([]);
    expect(last(final, 'EXPOSE')?.args).toBe('3978');
    const health = last(final, 'HEALTHCHECK')!.args;
    expect(health).toMatch(/CMD \[/);
    expect(health).toContain('/healthz');
    expect(health).toContain('fetch(');
    expect(health).not.toMatch(/curl|wget/);
    expect(all(final, 'ENV').map((i) => i.args).join(' ')).toMatch(/\bPLAYGROUND=off\b/);
    // dist/src/cli.js is where tsc puts src/cli.ts.
    const tsconfig = JSON.parse(read(join(ROOT, 'tsconfig.json'))) as { compilerOptions: { outDir: string; rootDir: string } };
    expect(tsconfig.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
    expect(existsSync(join(ROOT, 'src/cli.ts'))).toBe(true);
  });

  it('every file it COPYs from the context exists and is not excluded by .dockerignore', () => {
    const names = new Set(stages.map((s) => s.name).filter(Boolean));
    let copied = 0;
    for (const stage of stages) {
      for (const copy of all(stage, 'COPY').map((i) => parseCopy(i.args))) {
        if (copy.flags.from) {
          expect(names, `COPY --from=${copy.flags.from}`).toContain(copy.flags.from);
          continue;
        }
        for (const source of copy.sources) {
          expect(existsSync(join(ROOT, source)), source).toBe(true);
          expect(dockerIgnored(ignore, source), `${source} is in .dockerignore`).toBe(false);
          copied += 1;
        }
      }
    }
    expect(copied).toBeGreaterThanOrEqual(5);
  });

  it('the runtime stage ships what the compiled app reads from disk: content/, cards/ and static files under src/', () => {
    const copies = all(final, 'COPY').map((i) => parseCopy(i.args)).filter((c) => !c.flags.from);
    const copiedTo = (source: string) => copies.find((c) => c.sources.includes(source))?.dest;
    // The loaders walk up from dist/src/… to the application root (WORKDIR) for these.
    expect(copiedTo('content')).toBe('./content');
    expect(copiedTo('cards')).toBe('./cards');
    // tsc copies no static files; each directory of them must land next to its compiled module.
    const staticDirs = new Set(
      filesUnder(join(ROOT, 'src'))
        .filter((f) => !f.endsWith('.ts'))
        .map((f) => relative(ROOT, dirname(f)).split('\\').join('/')),
    );
    for (const dir of staticDirs) {
      const covering = copies.find((c) => c.sources.some((s) => dir === s || dir.startsWith(`${s}/`)));
      expect(covering, `${dir} is not copied into the image`).toBeDefined();
      const source = covering!.sources.find((s) => dir === s || dir.startsWith(`${s}/`))!;
      expect(posix.normalize(covering!.dest)).toBe(posix.normalize(`dist/${source}`));
    }
  });

  it('production dependencies cover every package src/ loads at run time (no tsx, no dev dependency)', () => {
    const pkg = JSON.parse(read(join(ROOT, 'package.json'))) as { dependencies: Record<string, string> };
    const used = runtimePackages();
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(Object.keys(pkg.dependencies), name).toContain(name);
  });

  it('.dockerignore keeps secrets, local state, installed modules and git history out of the context', () => {
    for (const path of ['deploy/.env', '.env', 'node_modules/zod/package.json', 'dist/src/cli.js', '.git/HEAD', 'data/store.json', 'npm-debug.log']) {
      expect(dockerIgnored(ignore, path), path).toBe(true);
    }
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'src/cli.ts', 'content/locales/sv.yaml', 'cards/factor-card.json']) {
      expect(dockerIgnored(ignore, path), path).toBe(false);
    }
  });
});
