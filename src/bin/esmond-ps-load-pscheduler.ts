#!/usr/bin/env node
import { run } from '../cli/load-pscheduler.js';
import { runAsProcess } from '../cli/io.js';
void runAsProcess(run);
