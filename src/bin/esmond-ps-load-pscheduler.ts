#!/usr/bin/env node
import { run } from '../cli/load-pscheduler.js';
import { runAsProcess } from '../cli/io.js';
await runAsProcess(run);
