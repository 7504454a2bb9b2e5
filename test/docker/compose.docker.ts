// The image and the Compose cluster on a real Docker engine, step by step as issue 9 lists them. Run by
// scripts/test-docker.sh (from .ci/run), not by `npm test`: the engine lives in the host's network
// namespace, which `npm test`'s private namespace cannot reach. Containers talk over this machine's
// Docker bridges; the suite reaches them only through ports published on 127.0.0.1, and the nodes'
// DHT is the project's own bootstrap container, never the public one.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { listAll } from '../support/kv-client';
import { http } from '../support/spawn-node';
import { ADMIN_AUTHORIZATION, ComposeProject, dataVolumesOf, DOCKER_ADMIN_TOKEN, membersAt, settled } from './compose-project';
import { baseImage, buildImage, containerState, mustRun, run, waitFor } from './docker-engine';

const IMAGE = 'swarmkv-test:latest';
const PROJECT = `swarmkv-test-${process.pid}`;
const SECRET = 'docker-test-secret-0123456789';
const STEP_MS_MAX = 180_000;
/** Healthchecks run every 5 s after a start period; three passes of a slow machine. */
const HEALTHY_MS_MAX = 90_000;
/** The nodes' suspicion timeouts (lan profile) plus gossip to every member. */
const DETECTION_MS_MAX = 60_000;
/** Hints are replayed when the member is seen alive again; anti-entropy backs them up. */
const CATCH_UP_MS_MAX = 90_000;
/** The Compose file's stop_grace_period for nodes. */
const STOP_GRACE_MS = 30_000;
const FIXED_NODES = ['node1', 'node2', 'node3'] as const;

const project = new ComposeProject(PROJECT, IMAGE, SECRET);
const anonymousVolumes = new Set<string>();
let standalone: string | undefined;
const suiteStarted = performance.now();

function log(message: string): void {
  console.log(`[docker] ${message}`);
}

async function put(url: string, key: string, value: unknown, consistency = 'quorum'): Promise<string> {
  const reply = await http('PUT', `${url}/kv/${encodeURIComponent(key)}?consistency=${consistency}`, { json: { value }, headers: ADMIN_AUTHORIZATION });
  if (reply.status !== 200) throw new Error(`PUT ${key} via ${url} answered ${reply.status}: ${reply.text}`);
  return reply.body.version as string;
}

async function valueAt(url: string, key: string, consistency = 'quorum'): Promise<unknown> {
  const reply = await http('GET', `${url}/kv/${encodeURIComponent(key)}?consistency=${consistency}`, { headers: ADMIN_AUTHORIZATION });
  if (reply.status !== 200) throw new Error(`GET ${key} via ${url} answered ${reply.status}: ${reply.text}`);
  return reply.body.value;
}

function fixedUrls(): string[] {
  return FIXED_NODES.map((service) => project.url(service));
}

async function waitHealthy(expected: number): Promise<number> {
  return waitFor(
    () => {
      const states = project.states().filter((state) => state.status === 'running');
      return states.length === expected && states.every((state) => state.health === 'healthy');
    },
    HEALTHY_MS_MAX,
    `${expected} running containers, every one healthy`,
  );
}

beforeAll(() => {
  expect(run('docker', ['info']).code).toBe(0);
  run('docker', ['rm', '--force', ...project.containers()]);
});

afterAll(() => {
  if (standalone !== undefined) run('docker', ['rm', '--force', '--volumes', standalone]);
  project.run(['down', '--volumes', '--remove-orphans', '--timeout', '5']);
  if (anonymousVolumes.size > 0) run('docker', ['volume', 'rm', '--force', ...anonymousVolumes]);
  log(`whole scenario: ${Math.round((performance.now() - suiteStarted) / 1000)} s with ${project.tool}`);
});

describe('the image', () => {
  test('builds from the Dockerfile on the given base, with a non-root user, an init, a healthcheck and /data', () => {
    const base = baseImage();
    const build = buildImage(IMAGE, base);
    log(`image build: ${Math.round(build.ms / 1000)} s on ${base}`);
    const [image] = JSON.parse(mustRun('docker', ['image', 'inspect', IMAGE]).stdout) as { Size: number; Config: Record<string, any> }[];
    log(`image size: ${Math.round(image!.Size / 1e6)} MB`);
    expect(image!.Config.User).toBe('node');
    expect(image!.Config.Entrypoint).toEqual(['tini', '--', 'node', '/app/dist/swarmkv.mjs']);
    expect(image!.Config.StopSignal).toBe('SIGTERM');
    expect(image!.Config.Healthcheck.Test[0]).toBe('CMD');
    expect(Object.keys(image!.Config.Volumes)).toEqual(['/data']);
    expect(Object.keys(image!.Config.ExposedPorts)).toContain('7070/tcp');
  }, STEP_MS_MAX);

  test('a standalone node answers /health, turns healthy, and the CLI entrypoint reads from it', async () => {
    // Listening on the container's network, the node requires an admin token (protected mode).
    standalone = mustRun('docker', ['run', '--detach', '--env', `SWARMKV_ADMIN_TOKEN=${DOCKER_ADMIN_TOKEN}`, '--publish', '127.0.0.1::7070', IMAGE]).stdout.trim();
    const url = `http://${mustRun('docker', ['port', standalone, '7070/tcp']).stdout.trim().split('\n')[0]}`;
    await waitFor(async () => (await http('GET', `${url}/health`)).status === 200, HEALTHY_MS_MAX, 'the standalone node to answer /health');
    const healthyMs = await waitFor(() => containerState(standalone!).health === 'healthy', HEALTHY_MS_MAX, 'the standalone container to turn healthy');
    log(`standalone node healthy after ${Math.round(healthyMs / 1000)} s more`);
    await put(url, 'greeting', 'hello');
    const address = mustRun('docker', ['inspect', '--format', '{{.NetworkSettings.IPAddress}}', standalone]).stdout.trim();
    const read = mustRun('docker', ['run', '--rm', '--env', `SWARMKV_TOKEN=${DOCKER_ADMIN_TOKEN}`, IMAGE, 'get', 'greeting', '--url', `http://${address}:7070`]);
    expect(read.stdout).toContain('hello');
    const processes = mustRun('docker', ['exec', standalone, 'node', '-e', "console.log(process.getuid(), require('fs').readFileSync('/proc/1/cmdline', 'utf8').split('\\0')[0])"]);
    expect(processes.stdout.trim()).toBe('1000 tini');
  }, STEP_MS_MAX);

  test('holds no dev dependency, no TypeScript, no sources, and one platform of native prebuilds', () => {
    const devDependencies = Object.keys(JSON.parse(mustRun('cat', ['package.json']).stdout).devDependencies as Record<string, string>);
    const inventory = mustRun('docker', ['run', '--rm', '--entrypoint', 'node', IMAGE, '-e', INVENTORY_SCRIPT]).stdout;
    const { packages, app, prebuilds, nativeLoads } = JSON.parse(inventory) as { packages: string[]; app: string[]; prebuilds: string[]; nativeLoads: boolean };
    expect(devDependencies.length).toBeGreaterThan(0);
    for (const name of [...devDependencies, 'typescript', '@oven/bun-linux-x64']) expect(packages).not.toContain(name);
    expect(packages).toContain('lmdb');
    expect(app.sort()).toEqual(['dist', 'node_modules', 'package.json']);
    expect(new Set(prebuilds)).toEqual(new Set(['linux-x64']));
    expect(nativeLoads).toBe(true);
  }, STEP_MS_MAX);
});

/** Lists /app, every installed package (scoped ones as @scope/name), every prebuilds platform, and loads the native modules. */
const INVENTORY_SCRIPT = `
const fs = require('fs'), path = require('path');
const packages = [], prebuilds = new Set();
function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) { for (const inner of fs.readdirSync(full)) visit(path.join(full, inner), entry.name + '/' + inner); continue; }
    visit(full, entry.name);
  }
}
function visit(full, name) {
  packages.push(name);
  if (fs.existsSync(path.join(full, 'prebuilds'))) for (const p of fs.readdirSync(path.join(full, 'prebuilds'))) prebuilds.add(p);
  if (fs.existsSync(path.join(full, 'node_modules'))) walk(path.join(full, 'node_modules'));
}
walk('/app/node_modules');
process.chdir('/app');
let nativeLoads = true;
try { require('/app/node_modules/lmdb'); require('/app/node_modules/sodium-native'); require('/app/node_modules/udx-native'); } catch { nativeLoads = false; }
console.log(JSON.stringify({ packages, app: fs.readdirSync('/app'), prebuilds: [...prebuilds], nativeLoads }));
`;

describe('the Compose cluster', () => {
  const keysBefore = Array.from({ length: 30 }, (_, index) => `before:${index}`);
  const keysWhileDown = Array.from({ length: 30 }, (_, index) => `while-down:${index}`);
  const downVersions = new Map<string, string>();
  let node2Id = '';

  test('compose up: refused without SWARMKV_SECRET; with it every container healthy, every node lists 3 alive members', async () => {
    const withoutSecret = project.run(['up', '--detach', '--no-build'], { SWARMKV_IMAGE: IMAGE, SWARMKV_SECRET: '', SWARMKV_ADMIN_TOKEN: DOCKER_ADMIN_TOKEN });
    expect(withoutSecret.code).not.toBe(0);
    expect(withoutSecret.stderr).toContain('set SWARMKV_SECRET to the cluster secret');
    const withoutToken = project.run(['up', '--detach', '--no-build'], { SWARMKV_IMAGE: IMAGE, SWARMKV_SECRET: SECRET, SWARMKV_ADMIN_TOKEN: '' });
    expect(withoutToken.code).not.toBe(0);
    expect(withoutToken.stderr).toContain('set SWARMKV_ADMIN_TOKEN to the first admin token');
    expect(project.containers()).toEqual([]);
    const started = performance.now();
    project.mustRun(['up', '--detach', '--no-build']);
    await waitHealthy(4);
    const aliveMs = await waitFor(() => settled(fixedUrls(), 3), HEALTHY_MS_MAX, '3 alive members and one ring on every node');
    log(`compose up to healthy: ${Math.round((performance.now() - started) / 1000)} s (membership settled ${Math.round(aliveMs)} ms after healthy)`);
    const members = await membersAt(project.url('node1'));
    expect(members.map((member) => member.name).sort()).toEqual(['node1-7070', 'node2-7070', 'node3-7070']);
    expect(new Set(members.map((member) => member.httpAddress)).size).toBe(3);
    for (const member of members) expect(member.httpAddress).not.toStartWith('127.');
    node2Id = members.find((member) => member.name === 'node2-7070')!.nodeId;
  }, STEP_MS_MAX);

  test('a key written through node 1 is read through nodes 2 and 3; every listing is complete', async () => {
    const [node1, node2, node3] = fixedUrls() as [string, string, string];
    for (const key of keysBefore) await put(node1, key, { key });
    for (const url of [node2, node3]) for (const key of keysBefore) expect(await valueAt(url, key)).toEqual({ key });
    for (const url of [node1, node2, node3]) expect((await listAll(url, 'before:', 1000, ADMIN_AUTHORIZATION)).items.map((item) => item.key).sort()).toEqual([...keysBefore].sort());
  }, STEP_MS_MAX);

  test("node 2's container stopped: quorum writes and reads go on through nodes 1 and 3, and it is marked dead", async () => {
    const [node1, , node3] = fixedUrls() as [string, string, string];
    // SIGKILL, as a crashed machine would stop: a node stopped by SIGTERM leaves the cluster cleanly
    // (it is marked `left`, and the down step below checks that path), while this one must be detected.
    project.mustRun(['kill', 'node2']);
    for (const key of keysWhileDown) downVersions.set(key, await put(node1, key, { key }));
    for (const key of keysWhileDown) expect(await valueAt(node3, key)).toEqual({ key });
    const detectedMs = await waitFor(
      async () => (await Promise.all([node1, node3].map(async (url) => (await membersAt(url)).find((member) => member.nodeId === node2Id)?.state === 'dead'))).every(Boolean),
      DETECTION_MS_MAX,
      'node 2 dead on nodes 1 and 3',
    );
    log(`node 2 dead everywhere ${Math.round(detectedMs)} ms after the quorum writes`);
  }, STEP_MS_MAX);

  test('node 2 started again: it rejoins with its data and the writes it missed reach it', async () => {
    project.mustRun(['start', 'node2']);
    await waitHealthy(4);
    const node2 = project.url('node2');
    await waitFor(() => settled(fixedUrls(), 3), DETECTION_MS_MAX, 'node 2 alive again on every node, in every ring');
    const health = await http('GET', `${node2}/health`);
    expect(health.body.nodeId).toBe(node2Id);
    expect(health.body.storage.liveKeys).toBeGreaterThan(0);
    const missedMs = await waitFor(
      async () => {
        for (const [key, version] of downVersions) {
          const local = await http('GET', `${node2}/cluster/local/${encodeURIComponent(key)}`, { headers: ADMIN_AUTHORIZATION });
          if (local.status !== 200 || local.body.version !== version) return false;
        }
        return true;
      },
      CATCH_UP_MS_MAX,
      'every write node 2 missed in its own store',
    );
    log(`missed writes on node 2 after ${Math.round(missedMs)} ms`);
    for (const key of keysWhileDown) expect(await valueAt(node2, key, 'one')).toEqual({ key });
    // What happened, in words, read by `swarmkv events` from a container on the project's network:
    // node 2's new life from its listening line, and what the others made of its absence.
    const node2Name = (await membersAt(fixedUrls()[0]!)).find((member) => member.nodeId === node2Id)!.name;
    const told = mustRun('docker', ['run', '--rm', '--network', `${PROJECT}_default`, '--env', `SWARMKV_TOKEN=${DOCKER_ADMIN_TOKEN}`, IMAGE, 'events', '--url', 'http://node1:7070', '--limit', '3000']).stdout;
    expect(told).toMatch(new RegExp(`^\\S+ ${node2Name} +listening on http://`, 'm'));
    expect(told).toMatch(new RegExp(`^\\S+ \\S+ +${node2Name} is alive again, was dead`, 'm'));
  }, STEP_MS_MAX);

  test('scaled up by two nodes: 5 alive members everywhere; keys placed on the new nodes are readable', async () => {
    project.mustRun(['up', '--detach', '--no-build', '--scale', 'node=2']);
    const healthyMs = await waitHealthy(6);
    const scaled = [project.url('node', 1), project.url('node', 2)];
    for (const volume of dataVolumesOf(project.containers('node'))) anonymousVolumes.add(volume);
    const everyUrl = [...fixedUrls(), ...scaled];
    const settledMs = await waitFor(() => settled(everyUrl, 5), DETECTION_MS_MAX, '5 alive members and one ring on every node');
    log(`scaled: new containers healthy after ${Math.round(healthyMs / 1000)} s, 5 members and one ring ${Math.round(settledMs / 1000)} s later`);
    const newIds = await Promise.all(scaled.map(async (url) => (await http('GET', `${url}/health`)).body.nodeId as string));
    const placed: string[] = [];
    for (let index = 0; placed.length < 10 && index < 500; index++) {
      const key = `scaled:${index}`;
      const location = await http('GET', `${project.url('node1')}/cluster/locate/${encodeURIComponent(key)}`, { headers: ADMIN_AUTHORIZATION });
      if ((location.body.replicas as { nodeId: string }[]).some((replica) => newIds.includes(replica.nodeId))) placed.push(key);
    }
    expect(placed).toHaveLength(10);
    for (const key of placed) await put(project.url('node3'), key, { key });
    for (const url of everyUrl) for (const key of placed) expect(await valueAt(url, key)).toEqual({ key });
  }, STEP_MS_MAX);

  test('scaled back down, then compose down: within the grace period, every container exiting 0 on SIGTERM', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    // Nodes removed while the others run are seen leaving; nodes stopped all at once would each
    // remember the others in their ring after the next start, for the profile's departed retention.
    const scaleDown = project.mustRun(['up', '--detach', '--no-build', '--scale', 'node=0']);
    log(`scaled back down: ${Math.round(scaleDown.ms / 1000)} s`);
    await waitFor(() => settled(fixedUrls(), 3), DETECTION_MS_MAX, '3 alive members and one ring on every node after scaling down');
    const down = project.mustRun(['down', '--timeout', String(STOP_GRACE_MS / 1000)]);
    log(`compose down: ${Math.round(down.ms / 1000)} s`);
    expect(scaleDown.ms).toBeLessThan(STOP_GRACE_MS);
    expect(down.ms).toBeLessThan(STOP_GRACE_MS);
    const until = Math.ceil(Date.now() / 1000) + 1;
    const deaths = mustRun('docker', ['events', '--since', String(since), '--until', String(until), '--filter', 'event=die', '--filter', `label=com.docker.compose.project=${PROJECT}`, '--format', '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}']);
    const exits = deaths.stdout.split('\n').filter((line) => line.length > 0);
    expect(exits).toHaveLength(6);
    for (const line of exits) expect(line).toEndWith(' 0');
    expect(project.containers()).toEqual([]);
  }, STEP_MS_MAX);

  test('compose up again: the data is still there; down -v removes it', async () => {
    expect(project.volumes().length).toBe(3);
    project.mustRun(['up', '--detach', '--no-build']);
    await waitHealthy(4);
    await waitFor(() => settled(fixedUrls(), 3), HEALTHY_MS_MAX, '3 alive members and one ring on every node after the restart');
    for (const url of fixedUrls()) {
      expect((await listAll(url, 'before:', 1000, ADMIN_AUTHORIZATION)).items).toHaveLength(keysBefore.length);
      for (const key of keysWhileDown) expect(await valueAt(url, key)).toEqual({ key });
    }
    project.mustRun(['down', '--volumes']);
    expect(project.volumes()).toEqual([]);
    expect(project.containers()).toEqual([]);
  }, STEP_MS_MAX);
});
