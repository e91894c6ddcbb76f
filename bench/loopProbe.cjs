// Preloaded (`node -r ./bench/loopProbe.cjs …`) into each bot the soak measures, the reference
// bot included: event-loop delay and memory as seen from inside, sent over the IPC channel when
// the soak asks ("stats"). Benchmark only; the bot itself knows nothing of it.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
process.on('message', (message) => {
  if (message !== 'stats' || !process.send) return;
  // SOAK_GC=1 (with --expose-gc, as the soak starts both bots): live memory, not garbage awaiting collection.
  if (typeof global.gc === 'function' && process.env.SOAK_GC === '1') global.gc();
  const memory = process.memoryUsage();
  process.send({
    loopDelayP99Ms: histogram.percentile(99) / 1e6,
    loopDelayMaxMs: histogram.max / 1e6,
    heapUsedMb: memory.heapUsed / 1048576,
    heapTotalMb: memory.heapTotal / 1048576,
    externalMb: (memory.external + memory.arrayBuffers) / 1048576,
  });
  histogram.reset();
});
// The IPC channel must not keep a stopping bot alive.
if (process.channel) process.channel.unref();
