#!/usr/bin/env node
import { runAsProcess } from '../cli/io.js';
import { run } from '../cli/get-metadata.js';
void runAsProcess(run);
