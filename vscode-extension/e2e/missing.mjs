// With importStrategy fromEnvironment and an interpreter that lacks parlint, VS Code shows one
// notification, with a button that switches to the bundled parlint. Usage: node missing.mjs URL ARTIFACTS
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

const [url, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
await page.goto(url);
await page.waitForSelector(".monaco-workbench", { timeout: 90000 });
await page.keyboard.press("Control+P");
await page.waitForSelector(".quick-input-widget input");
await page.keyboard.type("serial.py");
await page.waitForSelector('.quick-input-list .monaco-list-row:has-text("serial.py")');
await page.keyboard.press("Enter");
const toast = page.locator('.notifications-toasts .notification-toast:has-text("parlint is not installed")');
try {
  await toast.first().waitFor({ timeout: 90000 });
} catch (error) {
  await page.screenshot({ path: join(artifacts, "missing-failure.png") });
  console.error(`E2E FAILED: no notification (${error})`);
  process.exit(1);
}
await page.waitForTimeout(5000); // a restart loop would show a second toast by now
const count = await toast.count();
const text = await toast.first().innerText();
const hasButton = (await toast.first().locator('.monaco-button:has-text("Use the bundled parlint")').count()) > 0;
await page.screenshot({ path: join(artifacts, "missing-parlint-notification.png") });
await browser.close();
console.log(JSON.stringify({ count, text, hasButton }));
