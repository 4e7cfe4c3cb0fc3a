#!/usr/bin/env node
// The bin entry (package.json `bin`, the Docker image's CMD): runs one command of src/cli/run.ts and exits with its code.
import { runCli } from './cli/run.js';

const isMain = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      // `start` keeps running: main.ts ends the process on a signal.
      if (process.argv[2] !== 'start') process.exit(code);
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
