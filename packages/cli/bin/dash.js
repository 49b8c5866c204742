#!/usr/bin/env node
// The `dash` command. The CLI is built to ../dist by `npm install` (the root `prepare` script).
import "../dist/bin.js";
