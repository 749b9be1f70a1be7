// Bundles the extension (and, with --tests, the unit tests) with esbuild.
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";

const production = process.argv.includes("--production");
const tests = process.argv.includes("--tests");

if (tests) {
  const entryPoints = readdirSync("src/test/unit")
    .filter((name) => name.endsWith(".test.ts"))
    .map((name) => `src/test/unit/${name}`);
  await esbuild.build({
    entryPoints,
    bundle: true,
    outdir: "out/test",
    format: "cjs",
    platform: "node",
    target: "node20",
    sourcemap: true,
    // Unit tests cover the logic that does not touch the editor API.
    external: ["vscode"],
    logLevel: "warning",
  });
} else {
  await esbuild.build({
    entryPoints: ["src/extension.ts"],
    bundle: true,
    outfile: "dist/extension.js",
    format: "cjs",
    platform: "node",
    target: "node20",
    external: ["vscode"],
    minify: production,
    sourcemap: !production,
    logLevel: "warning",
  });
}
