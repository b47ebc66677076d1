#!/usr/bin/env node
import { runAsProcess } from '../cli/io.js';
import { run } from '../cli/archive.js';
void runAsProcess(run);
