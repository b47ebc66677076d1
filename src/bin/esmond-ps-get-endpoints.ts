#!/usr/bin/env node
import { runAsProcess } from '../cli/io.js';
import { run } from '../cli/get-endpoints.js';
void runAsProcess(run);
