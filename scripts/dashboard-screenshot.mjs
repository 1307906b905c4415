// Opens the Aspire dashboard's login link in Debian's Chromium, waits until the resources table shows the cluster
// up, and saves a screenshot. scripts/dashboard-screenshot.sh runs it against a cluster it started:
//   node scripts/dashboard-screenshot.mjs LOGIN_URL OUTPUT.png
// PLAYWRIGHT_CORE names the installed playwright-core (it lives in a gitignored folder, outside Node's lookup path).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require(process.env.PLAYWRIGHT_CORE ?? 'playwright-core');

const [loginUrl, output] = process.argv.slice(2);
if (!loginUrl || !output) {
  console.error('usage: node dashboard-screenshot.mjs LOGIN_URL OUTPUT.png');
  process.exit(2);
}
const running = ['redis', 'coordinator', 'node1', 'node2', 'node3'];
const listed = [...running, 'node4']; // the spare node: listed, not started
const timeoutMs = Number(process.env.SCREENSHOT_TIMEOUT_MS ?? 120000);

// Runs in the page: whether all resources are listed and the started ones Running, not still starting or failing their
// health check (untilReady), or else each resource's row text (its row: a cell's text is exactly the resource's name).
// A function, not a string: the dashboard's Content-Security-Policy forbids eval.
function tableState({ running, listed, untilReady }) {
  const rows = [...document.querySelectorAll('[role="row"], tr')];
  const found = {};
  for (const name of listed) {
    const row = rows.find(r => [...r.querySelectorAll('[role="gridcell"], td')].some(c => c.innerText.trim() === name));
    if (row) found[name] = row.innerText.replace(/\s+/g, ' ').trim();
  }
  const ready = listed.every(name => name in found) &&
    running.every(name => /\bRunning\b/.test(found[name]) && !/Unhealthy|Starting|Waiting|Unknown/i.test(found[name]));
  return untilReady ? ready : found;
}
const rowsSeen = () => page.evaluate(tableState, { running, listed, untilReady: false });

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
let page;
try {
  page = await browser.newPage({ viewport: { width: 1600, height: 900 }, colorScheme: 'light' });
  await page.goto(loginUrl, { waitUntil: 'load', timeout: timeoutMs });
  await page.waitForFunction(tableState, { running, listed, untilReady: true }, { timeout: timeoutMs, polling: 500 });
  // The run is over http (the launch profile's), so the dashboard warns that no trusted HTTPS development certificate
  // exists; that says nothing about KvCluster, so the picture is taken without it. Any other message stays.
  const certificateWarning = page.locator('[role="alert"]', { hasText: 'No trusted development certificate' });
  if (await certificateWarning.count()) {
    await certificateWarning.getByLabel('Dismiss notification').click({ timeout: 10000 });
    await certificateWarning.waitFor({ state: 'detached', timeout: 10000 });
    await page.mouse.move(800, 700); // off the button now under the pointer, which would be drawn hovered
  }
  // Let the page finish drawing (icons, column widths) before the picture.
  await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
  await page.screenshot({ path: output });
  console.log(JSON.stringify(await rowsSeen(), null, 2));
} catch (error) {
  console.error(`dashboard-screenshot: ${error.message}`);
  if (page) {
    console.error(`at ${page.url()}; rows seen: ${JSON.stringify(await rowsSeen().catch(() => null))}`);
    if (process.env.FAILURE_SCREENSHOT) {
      await page.screenshot({ path: process.env.FAILURE_SCREENSHOT }).catch(() => {});
      console.error(`what the page showed: ${process.env.FAILURE_SCREENSHOT}`);
    }
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
