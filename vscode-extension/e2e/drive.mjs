// Drives a real VS Code (code-server) in Debian's chromium with Playwright: sees parlint's
// diagnostics in the Problems panel and as squiggles, applies a quick-fix from the light bulb,
// runs "Fix all", saves with codeActionsOnSave, and opens a notebook. Screenshots of each step
// go to ARTIFACTS.
// Usage: node drive.mjs URL WORKSPACE ARTIFACTS
import { chromium } from "playwright-core";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [url, workspace, artifacts] = process.argv.slice(2);
mkdirSync(artifacts, { recursive: true });
const TIMEOUT = 90000;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
let step = 0;
async function shot(name) {
  step += 1;
  // Explorer and tab decorations follow the markers a moment later.
  await page.waitForTimeout(800);
  await page.screenshot({ path: join(artifacts, `${String(step).padStart(2, "0")}-${name}.png`) });
}
async function fail(message) {
  await shot("failure").catch(() => undefined);
  console.error(`E2E FAILED: ${message}`);
  await browser.close();
  process.exit(1);
}
async function waitFor(what, predicate, timeout = TIMEOUT) {
  const started = Date.now();
  while (Date.now() - started < timeout) {
    if (await predicate()) {
      return;
    }
    await page.waitForTimeout(250);
  }
  await fail(`timed out waiting for ${what}`);
}
function fileText(name) {
  return readFileSync(join(workspace, name), "utf8");
}
async function editorText() {
  return (await page.locator(".monaco-editor .view-lines").first().innerText()).replace(/\u00a0/g, " ");
}
async function openFile(name) {
  await page.keyboard.press("Control+P");
  await page.waitForSelector(".quick-input-widget input", { timeout: TIMEOUT });
  await page.keyboard.type(name);
  await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${name}")`, { timeout: TIMEOUT });
  await page.keyboard.press("Enter");
  await page.waitForSelector(`.tab.active:has-text("${name}")`, { timeout: TIMEOUT });
}
async function runCommand(title) {
  await page.keyboard.press("Control+Shift+P");
  await page.waitForSelector(".quick-input-widget input", { timeout: TIMEOUT });
  await page.keyboard.type(title);
  await page.waitForSelector(`.quick-input-list .monaco-list-row:has-text("${title}")`, { timeout: TIMEOUT });
  await page.keyboard.press("Enter");
}
async function goTo(line, column) {
  await page.keyboard.press("Control+G");
  await page.waitForSelector(".quick-input-widget input", { timeout: TIMEOUT });
  await page.keyboard.type(`${line}:${column}`);
  await page.keyboard.press("Enter");
}

await page.goto(url);
await page.waitForSelector(".monaco-workbench", { timeout: TIMEOUT });
await page.waitForTimeout(2000);
await shot("workbench");

// 1. Diagnostics: Problems panel and squiggle.
await openFile("serial.py");
await page.keyboard.press("Control+Shift+M");
await waitFor("PAR105 in the Problems panel", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("PAR105")').count()) > 0,
);
await waitFor("a squiggle in the editor", async () =>
  (await page.locator(".monaco-editor .squiggly-warning").count()) > 0,
);
await shot("problems-and-squiggle");

// 2. The quick-fix from the light bulb menu.
await page.locator(".monaco-editor .view-lines").first().click();
await goTo(7, 10);
await page.keyboard.press("Control+.");
await page.waitForSelector(".action-widget .monaco-list-row", { timeout: TIMEOUT });
await shot("light-bulb-menu");
const rows = page.locator(".action-widget .monaco-list-row.action");
const titles = await rows.allInnerTexts();
const index = titles.findIndex((t) => t.includes("parlint (PAR105): Start all in the loop"));
if (index < 0) {
  await fail(`no parlint quick-fix in the menu: ${JSON.stringify(titles)}`);
}
const focused = titles.findIndex((_t, i) => i === 0);
for (let i = focused; i < index; i += 1) {
  await page.keyboard.press("ArrowDown");
}
await page.keyboard.press("Enter");
await waitFor("the fixed text", async () => (await editorText()).includes("threads.append(t)"));
await page.keyboard.press("Control+S");
await waitFor("the file saved with the fix", async () => fileText("serial.py").includes("threads.append(t)"));
await waitFor("PAR105 gone from the Problems panel", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("PAR105")').count()) === 0,
);
await shot("quick-fix-applied");

// 3. "parlint: Fix all auto-fixable problems" on another file.
await openFile("args.py");
await waitFor("PAR502 in the Problems panel", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("PAR502")').count()) >= 2,
);
await shot("before-fix-all");
await runCommand("parlint: Fix all auto-fixable problems");
await waitFor("both args fixed", async () => {
  const text = await editorText();
  return text.includes('args=("a",)') && text.includes('args=("b",)');
});
await page.keyboard.press("Control+S");
await waitFor("the PAR502 diagnostics to clear (no stale squiggles)", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("PAR502")').count()) === 0,
);
await shot("after-fix-all");

// 4. Save with editor.codeActionsOnSave = source.fixAll.parlint.
await openFile("on_save.py");
await waitFor("PAR502 for on_save.py", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("on_save.py")').count()) > 0,
);
await page.locator(".monaco-editor .view-lines").first().click();
await page.keyboard.press("Control+End");
await page.keyboard.type("# edited\n");
await page.keyboard.press("Control+S");
await waitFor("the save applied the fix", async () => fileText("on_save.py").includes('args=("saved",)'));
await waitFor("on_save.py's diagnostics to clear", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("on_save.py")').count()) === 0,
);
await shot("fixed-on-save");

// 5. Closing a file takes its problems with it.
await openFile("closed.py");
await waitFor("PAR502 for closed.py", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("closed.py")').count()) > 0,
);
await runCommand("View: Close Editor");
await waitFor("closed.py's problems gone once it is closed", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("closed.py")').count()) === 0,
);
await shot("closed-file-has-no-problems");

// 6. A Jupyter notebook: its code cells are one module, findings land in their cell.
await openFile("demo.ipynb");
await waitFor("PAR502 in the notebook's cell", async () =>
  (await page.locator('.markers-panel .monaco-list-row:has-text("PAR502")').count()) > 0,
);
await waitFor("a squiggle in the cell", async () =>
  (await page.locator(".notebook-editor .monaco-editor .squiggly-error").count()) > 0,
);
await shot("notebook");

await browser.close();
console.log("E2E OK");
