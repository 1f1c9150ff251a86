#!/usr/bin/env node
// Rebuilds the Markdown report, the SVG plot and the printed table from a saved
// results file: node tools/bench/report.mjs bench-results/latest-full.json [docs/benchmarks.md]
import fs from 'node:fs';
import path from 'node:path';
import { textTable, writeReport } from './lib/report.mjs';
import { repoRoot } from './lib/systems.mjs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node tools/bench/report.mjs RESULTS.json [REPORT.md]');
  process.exit(2);
}
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
const mdPath = path.resolve(repoRoot, process.argv[3] ?? 'docs/benchmarks.md');
const svgDir = path.join(path.dirname(mdPath), 'benchmarks');
fs.mkdirSync(svgDir, { recursive: true });
const svgFile = path.join(svgDir, 'latency-vs-rate.svg');
writeReport(results, mdPath, svgFile, path.relative(path.dirname(mdPath), svgFile));
console.log(textTable(results));
