// A node that requires tokens: the dashboard asks for one, keeps it for the tab's session only
// (sessionStorage), and shows only what the token's role may do: a read token sees the data but no
// write or repair control; a write token may create keys; a wrong token is asked again. Rebalance and
// What if read with a read token.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, getJson, waitFor } from './support/cluster';
import { expect, test } from './support/fixtures';

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
const START_MS_MAX = 30_000;
// Made in beforeAll, not when the file loads: Playwright loads it in its runner process too, where no
// afterAll runs, and that process's empty directory was left behind after every run.
let dir = '';
let child: ChildProcess | undefined;
let url = '';

/** A port free now: a standalone node on --port 0 advertises port 0, which the Health view would fetch. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'swarmkv-e2e-access-'));
  writeFileSync(join(dir, 'admin-token'), ADMIN_TOKEN);
  const port = String(await freePort());
  child = spawn('node', [CLI_PATH, 'node', '--memory', '--port', port, '--admin-token-file', join(dir, 'admin-token')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  url = await waitFor('the node to listen', async () => /"url":"([^"]+)"/.exec(stdout)?.[1], START_MS_MAX);
});

test.afterAll(() => {
  child?.kill('SIGKILL');
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

async function createToken(role: string): Promise<string> {
  const reply = await getJson<{ token: string }>(`${url}/tokens`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ role }) });
  return reply.body.token;
}

test('asks for a token, keeps it for the session, and hides what the role may not do', async ({ page, browserErrors }) => {
  browserErrors.allow(/status of 401/);
  const readToken = await createToken('read');
  const writeToken = await createToken('write');
  await getJson(`${url}/kv/seen`, { method: 'PUT', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{"value":1}' });

  await page.goto(`${url}/dashboard/#/keys`);
  await expect(page.getByLabel('This node requires an API token')).toBeVisible();
  await page.getByLabel('This node requires an API token').fill('skv_not-a-token-at-all');
  await page.getByRole('button', { name: 'Use token' }).click();
  await expect(page.getByLabel('That token is not valid here; another one')).toBeVisible();

  await page.getByLabel('That token is not valid here; another one').fill(readToken);
  await page.getByRole('button', { name: 'Use token' }).click();
  await expect(page.locator('[data-testid="access"]')).toHaveAttribute('data-role', 'read');
  await expect(page.locator('[data-testid="key-list"] li[data-key="seen"]')).toBeVisible();
  await expect(page.locator('[data-testid="create-key"]')).toHaveCount(0);
  await page.getByRole('link', { name: 'Health' }).click();
  await expect(page.locator('[data-testid="health"]')).toBeVisible();
  await expect(page.locator('[data-testid="repair-now"]')).toHaveCount(0);
  // Kept for the tab's session only: in sessionStorage, not in localStorage or a cookie.
  expect(await page.evaluate('[sessionStorage.getItem("swarmkv.token") !== null, localStorage.length, document.cookie]')).toEqual([true, 0, '']);

  await page.getByRole('button', { name: 'Forget token' }).click();
  await page.getByLabel('This node requires an API token').fill(writeToken);
  await page.getByRole('button', { name: 'Use token' }).click();
  await page.getByRole('link', { name: 'Keys' }).click();
  await expect(page.locator('[data-testid="access"]')).toHaveAttribute('data-role', 'write');
  await page.getByLabel('Key', { exact: true }).fill('from-the-page');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.locator('[data-testid="key-editor"]')).toHaveAttribute('data-status', '200');
  await expect(page.locator('[data-testid="repair-now"]')).toHaveCount(0);
});

test('Rebalance and What if send the tab’s token: a read token reads the transfers and asks a what-if', async ({ page, browserErrors }) => {
  browserErrors.allow(/status of 401/);
  // A standalone node has no ring to change: the what-if answer is the node's 409, shown as it says.
  browserErrors.allow(/status of 409 .*\/cluster\/ring\/what-if/);
  const readToken = await createToken('read');
  await page.goto(`${url}/dashboard/#/rebalance`);
  await expect(page.getByLabel('This node requires an API token')).toBeVisible();
  await page.getByLabel('This node requires an API token').fill(readToken);
  await page.getByRole('button', { name: 'Use token' }).click();
  await expect(page.locator('[data-testid="access"]')).toHaveAttribute('data-role', 'read');
  const self = page.getByRole('table', { name: 'Rebalance per node' }).locator('tbody tr');
  await expect(self).toHaveAttribute('data-reachable', 'yes');
  await expect(self).toHaveAttribute('data-ownership', 'owner');
  await expect(page.getByRole('status').filter({ hasText: 'No transfer is running' })).toBeVisible();

  await page.getByRole('link', { name: 'What if' }).click();
  await page.getByLabel('Nodes to add').fill('2');
  await page.getByRole('button', { name: 'Predict adding' }).click();
  await expect(page.getByRole('alert')).toContainText('409: this node runs standalone');
});
