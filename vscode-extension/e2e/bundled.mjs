// With an interpreter that has no parlint and the default importStrategy (useBundled), the
// parlint shipped in the .vsix lints: PAR105 shows in Problems. Also screenshots the settings
// page. Usage: node bundled.mjs URL ARTIFACTS
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const TIMEOUT = 90000;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
async function fail(message) {
  await page.screenshot({ path: join(artifacts, "bundled-failure.png") }).catch(() => undefined);
  console.error(`E2E FAILED: ${message}`);
  await browser.close();
  process.exit(1);
}
await page.goto(url);
await page.waitForSelector(".monaco-workbench", { timeout: TIMEOUT });
await page.keyboard.press("Control+P");
await page.waitForSelector(".quick-input-widget input");
await page.keyboard.type("serial.py");
await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("serial.py")');
await page.keyboard.press("Enter");
await page.keyboard.press("Control+Shift+M");
const row = page.locator('.markers-panel .monaco-list-row:has-text("PAR105")');
try {
  await row.first().waitFor({ timeout: TIMEOUT });
} catch (error) {
  await fail(`no PAR105 from the bundled parlint (${error})`);
}
const toasts = await page.locator(".notifications-toasts .notification-toast").allInnerTexts();
await page.waitForTimeout(800);
await page.screenshot({ path: join(artifacts, "bundled-first-start.png") });
// The settings page: every parlint setting, described.
await page.keyboard.press("Control+Shift+P");
await page.waitForSelector(".quick-input-widget input", { timeout: TIMEOUT });
await page.keyboard.type("Preferences: Open Settings (UI)");
await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("Open Settings (UI)")', { timeout: TIMEOUT });
await page.keyboard.press("Enter");
await page.waitForSelector(".settings-editor", { timeout: TIMEOUT });
await page.waitForTimeout(1500);
await page.keyboard.type("parlint");
await page.waitForTimeout(2500);
await page.screenshot({ path: join(artifacts, "settings-page-search.png") });
try {
  await page.locator(".settings-editor :text(\"Configuration Preference\")").first().waitFor({ timeout: TIMEOUT });
} catch (error) {
  await fail(`the settings page shows no parlint settings (${error})`);
}
await page.waitForTimeout(1000);
await page.screenshot({ path: join(artifacts, "settings-page.png") });
const unknown = await page.locator('.settings-editor :text("Unknown Configuration Setting")').count();
await browser.close();
console.log(JSON.stringify({ toasts, unknown }));
