/**
 * How many live Media Streams the pocketsphinx engine hears in real time on this machine (issue 17,
 * goal ≥ 8 on 2 cores). N synthetic calls (flite voices, telephone audio: 8 kHz µ-law, 20 ms
 * frames) are pushed at once, each paced in real time, into one PocketsphinxEngine (its worker
 * pool, `--workers`, default 2). Per N: partial latency (a partial's arrival after the audio it
 * covers), final-after-speech latency (a final segment's arrival after its utterance ended),
 * frames pushed late (> 40 ms behind their real-time slot), finals lost (engine-failed), and
 * whether the engine kept up (final p99 ≤ 3 s and < 1% late frames).
 *
 * Prints the numbers and writes bench/results/live-speech.json. Synthetic data only.
 * Each live call leases a recogniser process of its own (decoded incrementally); `--spares` are
 * loaded before each level, as a clinic keeps warm spares. The 1-minute load average is recorded
 * beside each level: other work on the machine competes for the cores.
 *   npx tsx bench/live-speech.bench.ts [--streams 1,2,4,8,10] [--workers 2] [--spares 10] [--partials 0.5] [--seconds 20] [--pause 900]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createLogger } from '../src/lib/logger.ts';
import { toTelephoneAudio } from '../src/speech/audio/telephone.ts';
import { PocketsphinxEngine } from '../src/speech/pocketsphinx/pocketsphinx.engine.ts';
import { speechSettingsSchema } from '../src/speech/speech.settings.ts';
import type { TranscriptSegment } from '../src/speech/speech-engine.ts';
import { renderSpeech, withPauses, type CorpusVoice } from './speech/corpus.ts';

const { values } = parseArgs({ options: { streams: { type: 'string', default: '1,2,4,8,10' }, workers: { type: 'string', default: '2' }, spares: { type: 'string', default: '10' }, partials: { type: 'string', default: '0.5' }, seconds: { type: 'string', default: '20' }, pause: { type: 'string', default: '900' } } });
const streamCounts = values.streams.split(',').map(Number).filter((n) => n > 0);
const workers = Number(values.workers);
/** Live recognisers loaded before the runs (each stream leases one for its call). */
const spares = Number(values.spares);
const partialEverySeconds = Number(values.partials);
const callSeconds = Number(values.seconds);
/** Silence between the caller's sentences, in ms. */
const pauseMs = Number(values.pause);

const lines = [
  'I would like to book an appointment for my daughter.', 'She has had a cough for three days.', 'Can the nurse call me back this afternoon?',
  'I need a refill of my blood pressure medicine.', 'The pharmacy said the prescription has expired.', 'Thank you, goodbye.',
];
const voices: CorpusVoice[] = ['rms', 'awb', 'slt', 'kal16'];

/** One synthetic call per voice: the lines with pauses, as telephone audio, cut to `callSeconds`. */
async function callAudio(voice: CorpusVoice): Promise<Uint8Array> {
  const turns = await Promise.all(lines.map((line) => renderSpeech(line, voice)));
  const telephone = toTelephoneAudio(withPauses(turns, pauseMs));
  return telephone.subarray(0, Math.min(telephone.length, callSeconds * 8_000));
}

/**
 * CPU seconds used so far by this process and its recogniser children (Linux /proc; the
 * children's own counters, since they are not reaped): what a level costs whatever else runs on
 * the machine. Children that exit between two readings are not counted (none do in a healthy run).
 * `only`: count these processes only.
 */
const clockTicks = 100;
function cpuSeconds(only?: Set<number>): { engine: number; recognisers: number; pids: Set<number> } {
  let recognisers = 0;
  const pids = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid || (only && !only.has(Number(entry)))) continue;
      pids.add(Number(entry));
      recognisers += (Number(fields[11]) + Number(fields[12])) / clockTicks;
    } catch { /* gone */ }
  }
  const own = process.cpuUsage();
  return { engine: (own.user + own.system) / 1e6, recognisers, pids };
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
};

interface StreamOutcome { partialLagMs: number[]; finalLagMs: number[]; lateFrames: number; frames: number; lostFinals: number; finals: number; endMs: number }

async function playStream(engine: PocketsphinxEngine, audio: Uint8Array, index: number): Promise<StreamOutcome> {
  const outcome: StreamOutcome = { partialLagMs: [], finalLagMs: [], lateFrames: 0, frames: 0, lostFinals: 0, finals: 0, endMs: 0 };
  const startedAt = performance.now();
  const onSegment = (segment: TranscriptSegment) => {
    // The audio a segment covers ended at startedAt + end; it arrived now.
    const lag = performance.now() - (startedAt + segment.end * 1000);
    if (segment.final) {
      outcome.finals += 1;
      if (segment.qualityReasons.includes('engine-failed')) outcome.lostFinals += 1;
      else outcome.finalLagMs.push(lag);
    } else outcome.partialLagMs.push(lag);
  };
  const session = engine.start({ callSid: `CAbench${index}`, streamSid: `MZbench${index}`, format: { encoding: 'mulaw', sampleRate: 8_000, channels: 1 } }, onSegment);
  const frameBytes = 160;
  for (let offset = 0, sequence = 1; offset < audio.length; offset += frameBytes, sequence += 1) {
    const slot = startedAt + (sequence - 1) * 20;
    const wait = slot - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (performance.now() - slot > 40) outcome.lateFrames += 1;
    outcome.frames += 1;
    session.push(audio.subarray(offset, offset + frameBytes), { sequence, timestampMs: (sequence - 1) * 20 });
  }
  const speechEnd = performance.now();
  await session.end();
  outcome.endMs = performance.now() - speechEnd;
  return outcome;
}

const logger = createLogger({ level: 'warn' });
const settings = speechSettingsSchema.parse({ engine: 'pocketsphinx', pocketsphinx: { workers, liveSpares: spares, maxLiveStreams: Math.max(10, ...streamCounts) } });
console.log(`live-speech bench: ${cpus().length} cores (${availableParallelism()} available), ${workers} recognisers, ${callSeconds} s calls, ${pauseMs} ms pauses, streams ${streamCounts.join(', ')}`);
const calls = await Promise.all(voices.map(callAudio));
const engine = await PocketsphinxEngine.start({ ...settings.pocketsphinx, lowConfidence: settings.lowConfidence }, { logger, partialEverySeconds });
// The warm spares a clinic keeps: a call never waits for a model load (that would be measured as lag).
while ((engine.stats().liveSpares ?? 0) < Math.min(spares, settings.pocketsphinx.maxLiveStreams)) await new Promise((resolve) => setTimeout(resolve, 100));

const runs = [];
try {
  for (const streams of streamCounts) {
    const loadBefore = loadavg()[0]!;
    const cpuBefore = cpuSeconds();
    const levelStarted = performance.now();
    const outcomes = await Promise.all(Array.from({ length: streams }, (_, index) => playStream(engine, calls[index % calls.length]!, index)));
    // Only the processes that were warm when the level began (the calls' recognisers and the file
    // pool): spares started during the level are loading a model, not hearing a call.
    const cpuAfter = cpuSeconds(cpuBefore.pids);
    const levelSeconds = (performance.now() - levelStarted) / 1000;
    const streamSeconds = outcomes.reduce((sum, outcome) => sum + outcome.frames * 0.02, 0);
    const recogniserCpu = cpuAfter.recognisers - cpuBefore.recognisers;
    const engineCpu = cpuAfter.engine - cpuBefore.engine;
    // Core-seconds one stream costs per second of call: the contention-free measure of capacity.
    const corePerStream = (recogniserCpu + engineCpu) / streamSeconds;
    const partialLag = outcomes.flatMap((outcome) => outcome.partialLagMs);
    const finalLag = outcomes.flatMap((outcome) => outcome.finalLagMs);
    const frames = outcomes.reduce((sum, outcome) => sum + outcome.frames, 0);
    const lateFrames = outcomes.reduce((sum, outcome) => sum + outcome.lateFrames, 0);
    const finals = outcomes.reduce((sum, outcome) => sum + outcome.finals, 0);
    const lostFinals = outcomes.reduce((sum, outcome) => sum + outcome.lostFinals, 0);
    const run = {
      streams,
      partials: partialLag.length, partialLagMs: { p50: percentile(partialLag, 50), p99: percentile(partialLag, 99) },
      finals, lostFinals, finalAfterSpeechMs: { p50: percentile(finalLag, 50), p99: percentile(finalLag, 99) },
      endAfterLastFrameMs: { p50: percentile(outcomes.map((outcome) => outcome.endMs), 50), max: percentile(outcomes.map((outcome) => outcome.endMs), 100) },
      cpu: { recogniserSeconds: Number(recogniserCpu.toFixed(2)), engineSeconds: Number(engineCpu.toFixed(2)), levelSeconds: Number(levelSeconds.toFixed(1)), corePerStream: Number(corePerStream.toFixed(3)), streamsPerCores: Number((cpus().length / corePerStream).toFixed(1)) },
      frames, lateFrames, lateFrameShare: frames ? Number((lateFrames / frames).toFixed(4)) : 0,
      // Other work on this machine (other helpers' tests) competes for the same 2 cores.
      loadAverage1m: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
    };
    // Leases go back when their calls end; the next level starts from warm spares again.
    while ((engine.stats().liveLeases ?? 0) > 0 || (engine.stats().liveSpares ?? 0) < Math.min(spares, settings.pocketsphinx.maxLiveStreams)) await new Promise((resolve) => setTimeout(resolve, 100));
    const keptUp = (run.finalAfterSpeechMs.p99 ?? Infinity) <= 3_000 && run.lateFrameShare < 0.01 && lostFinals === 0;
    runs.push({ ...run, keptUp });
    console.log(`${String(streams).padStart(3)} streams: partials ${run.partials} (lag p50 ${run.partialLagMs.p50} ms, p99 ${run.partialLagMs.p99} ms), finals ${finals} (after speech p50 ${run.finalAfterSpeechMs.p50} ms, p99 ${run.finalAfterSpeechMs.p99} ms, lost ${lostFinals}), late frames ${lateFrames}/${frames}, load ${run.loadAverage1m.before}→${run.loadAverage1m.after}, CPU ${run.cpu.corePerStream} core-s per stream-s (recognisers ${run.cpu.recogniserSeconds} s, engine ${run.cpu.engineSeconds} s: ${run.cpu.streamsPerCores} streams fit ${cpus().length} cores) → ${keptUp ? 'kept up' : 'fell behind'}`);
  }
} finally {
  await engine.close();
}

const sustained = Math.max(0, ...runs.filter((run) => run.keptUp).map((run) => run.streams));
// The cost of a stream from the busiest level (the most streams: IPC and switching included).
const busiest = runs.at(-1);
const cpuCapacity = busiest ? Math.floor(busiest.cpu.streamsPerCores) : 0;
console.log(`sustained in real time: ${sustained} concurrent streams (goal ≥ 8); by CPU cost, ${cpus().length} free cores fit ${cpuCapacity}`);
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/live-speech.json', `${JSON.stringify({
  bench: 'live-speech', at: new Date().toISOString(), cores: cpus().length, workers, liveSpares: spares, decoding: 'one recogniser process per live call, incremental', callSeconds, pauseMs, partialEverySeconds, voices,
  criterion: 'final-after-speech p99 ≤ 3000 ms, < 1% frames late, no lost finals', sustainedStreams: sustained, streamsByCpuCost: cpuCapacity, goal: 8, liveSearch: 'pocketsphinx -fwdflat no (one pass)', runs,
}, null, 2)}\n`);
console.log('wrote bench/results/live-speech.json');
