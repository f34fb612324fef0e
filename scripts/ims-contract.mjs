#!/usr/bin/env node
// `ims-contract` bin: runs the contract suite's TypeScript CLI through tsx's loader, resolved from
// this package, so it works from any directory.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register();
const { main } = await import(fileURLToPath(new URL("../src/contract/cli.ts", import.meta.url)));
process.exitCode = await main(process.argv.slice(2));
