#!/usr/bin/env node
import { run } from '../cli/get-bulk.js';
import { runAsProcess } from '../cli/io.js';
void runAsProcess(run);
