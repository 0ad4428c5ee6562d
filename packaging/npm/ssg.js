#!/usr/bin/env node
// The `ssg` command of the npm packages: runs the ssg binary built for this
// platform, passing the arguments, the terminal and the exit code through.
// The binary sits in native/ beside this folder in a platform package
// (ssg-bin-linux-x64 and the like); the ssg-bin package carries none and
// finds the platform package npm installed as its optional dependency,
// the shape esbuild and Biome use.
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const exe = process.platform === "win32" ? "ssg.exe" : "ssg";
const platformPackage = `ssg-bin-${process.platform}-${process.arch}`;

function binary() {
  const own = path.join(__dirname, "..", "native", exe);
  if (fs.existsSync(own)) {
    return own;
  }
  try {
    return require.resolve(`${platformPackage}/native/${exe}`);
  } catch {
    console.error(
      `ssg: the package ${platformPackage} is not installed, so there is no ssg binary for ${process.platform}-${process.arch}. ` +
        "Reinstall without --omit=optional / --no-optional; ssg is built for linux-x64, linux-arm64, darwin-x64, darwin-arm64 and win32-x64.",
    );
    process.exit(1);
  }
}

const run = spawnSync(binary(), process.argv.slice(2), { stdio: "inherit" });
if (run.error) {
  console.error(`ssg: cannot run ${exe}: ${run.error.message}`);
  process.exit(1);
}
if (run.signal) {
  // Die of the same signal, so the shell sees what the binary saw.
  process.kill(process.pid, run.signal);
}
process.exit(run.status ?? 1);
