#!/usr/bin/env node
import { runAsProcess } from '../cli/io.js';
import { run } from '../cli/view.js';
void runAsProcess(run);
