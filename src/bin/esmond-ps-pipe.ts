#!/usr/bin/env node
import { run } from '../cli/pipe.js';
import { runAsProcess } from '../cli/io.js';
void runAsProcess(run);
