#!/usr/bin/env node
import { runAsProcess } from '../cli/io.js';
import { run } from '../cli/plot.js';
void runAsProcess(run);
