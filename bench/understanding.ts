/**
 * npm run bench:understanding — what the understanding layer costs: the time to load and train
 * the models at start-up (a fresh process), and the latency of reading one first message
 * (intent + cause + language) over the whole corpus. Prints figures; asserts nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const started = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports -- timed, synchronous load of the models
const { recognizeIntent } = require('../src/understanding/recognize.js') as typeof import('../src/understanding/recognize.js');
const { detectLanguage } = require('../src/understanding/languageDetector.js') as typeof import('../src/understanding/languageDetector.js');
const loadMs = performance.now() - started;

const corpus = [
  ...(JSON.parse(readFileSync(join(__dirname, '../data/corpus/train.json'), 'utf8')) as { text: string }[]),
  ...(JSON.parse(readFileSync(join(__dirname, '../test/understanding/corpus/heldout.json'), 'utf8')) as { text: string }[]),
];
const firstStarted = performance.now();
recognizeIntent(corpus[0]?.text ?? 'hello');
const firstMs = performance.now() - firstStarted;

const latencies: number[] = [];
for (let round = 0; round < 5; round++) {
  for (const { text } of corpus) {
    const t0 = performance.now();
    recognizeIntent(text);
    detectLanguage(text);
    latencies.push(performance.now() - t0);
  }
}
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
process.stdout.write(
  [
    `load + train models: ${loadMs.toFixed(0)} ms (lexicons, typo vocabulary, intent and language models)`,
    `first message read: ${firstMs.toFixed(1)} ms`,
    `per message over ${latencies.length} readings: p50 ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms, max ${at(1).toFixed(2)} ms`,
  ].join('\n') + '\n',
);
