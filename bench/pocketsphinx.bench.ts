/**
 * The pocketsphinx engine's costs (issue 17): model load time and memory per recogniser process,
 * real-time factor, how many live 8 kHz streams `workers: 2` keeps up with in real time, and how
 * long a crashed recogniser takes to come back. Synthetic flite speech only.
 *
 *   npx tsx bench/pocketsphinx.bench.ts [--streams 4,8,12] [--seconds 20]
 *
 * A stream level is "sustained" when every final segment arrives within 3 s of its utterance's end
 * (in audio time) and the lag does not grow from the first half of the run to the second.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { pino } from 'pino';
import { toTelephoneAudio } from '../src/speech/audio/telephone.ts';
import { debianPocketsphinxModelDir } from '../src/speech/speech.settings.ts';
import { PocketsphinxEngine } from '../src/speech/pocketsphinx/pocketsphinx.engine.ts';
import { renderSpeech, withPauses } from './speech/corpus.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1]! : fallback;
};
const streamLevels = option('streams', '4,8,12').split(',').map(Number);
const runSeconds = Number(option('seconds', '20'));

const sentences = [
  'i need a refill of my lisinopril ten milligrams',
  'can i move my appointment to next tuesday afternoon',
  'my daughter has had a fever since last night',
  'the pain is worse when i walk up the hill',
  'please call me back after five o clock',
  'i have been coughing for two weeks and feel tired',
];

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const logger = pino({ level: 'warn' });
  const started = performance.now();
  const engine = await PocketsphinxEngine.start(
    { modelDir: debianPocketsphinxModelDir, workers: 2, drugVocabulary: true, extraWords: [], candidates: true, lowConfidence: 0.6 },
    { logger, crashHook: true },
  );
  const startMs = Math.round(performance.now() - started);
  const stats = engine.stats();
  const memory = await Promise.all(engine.pids().map(rssMb));
  console.log(`start ${startMs} ms (model load in a process ${stats.loadMs} ms, ${stats.addedWords} words added), RSS per process ${memory.join(', ')} MB`);

  // Real-time factor: one utterance at a time, so one process works and the other waits.
  const audio = await Promise.all(sentences.map((text, index) => renderSpeech(text, (['rms', 'slt', 'awb'] as const)[index % 3]!)));
  let decodeMs = 0;
  let audioSeconds = 0;
  for (const utterance of audio) {
    const begin = performance.now();
    await engine.transcribe(utterance);
    decodeMs += performance.now() - begin;
    audioSeconds += utterance.samples.length / utterance.sampleRate;
  }
  const rtf = decodeMs / 1000 / audioSeconds;
  console.log(`RTF ${rtf.toFixed(3)} (16 kHz, one utterance at a time, with candidates)`);

  // Crash recovery: from the SIGSEGV to the pool being whole again.
  engine.crashNextUtterance();
  const crashAt = performance.now();
  await Promise.all([engine.transcribe(audio[0]!), engine.transcribe(audio[1]!)]);
  while (engine.stats().alive < 2) await sleep(10);
  const recoveryMs = Math.round(performance.now() - crashAt);
  console.log(`crash recovery ${recoveryMs} ms (restart backoff 250 ms + model load)`);

  // Live streams: each plays the sentences as telephone audio (mu-law 8 kHz) in real time.
  const call = toTelephoneAudio(withPauses(audio, 700));
  const levels: { streams: number; finals: number; lagP50: number; lagP95: number; lagMax: number; firstHalfP95: number; secondHalfP95: number; sustained: boolean; partials: number }[] = [];
  for (const streams of streamLevels) {
    const lags: { at: number; lag: number }[] = [];
    let partials = 0;
    const sessions = Array.from({ length: streams }, (_, index) => {
      const begin = performance.now();
      // Streams start 250 ms apart, as calls do not all begin at once.
      const offsetMs = index * 250;
      const session = engine.start({ callSid: `CA-bench-${index}`, streamSid: `MZ-bench-${index}`, format: { encoding: 'mulaw', sampleRate: 8_000, channels: 1 } }, (segment) => {
        if (!segment.final) {
          partials += 1;
          return;
        }
        // Both in stream time: how long after the caller stopped speaking the final arrived.
        const audioNow = (performance.now() - begin - offsetMs) / 1000;
        lags.push({ at: performance.now(), lag: Math.max(0, audioNow - segment.end) });
      });
      return { session, begin, offsetMs, sent: 0 };
    });
    const runStart = performance.now();
    while (performance.now() - runStart < runSeconds * 1000) {
      const now = performance.now();
      for (const stream of sessions) {
        const due = Math.floor(Math.max(0, now - stream.begin - stream.offsetMs) / 20);
        while (stream.sent < due) {
          const offset = (stream.sent * 160) % (call.length - 160);
          stream.session.push(call.subarray(offset, offset + 160), { sequence: stream.sent, timestampMs: stream.sent * 20 });
          stream.sent += 1;
        }
      }
      await sleep(20);
    }
    await Promise.all(sessions.map((stream) => stream.session.end()));
    const sorted = lags.map((entry) => entry.lag).sort((a, b) => a - b);
    const pick = (values: number[], share: number) => values[Math.min(values.length - 1, Math.floor(values.length * share))] ?? 0;
    const middle = runStart + (runSeconds * 1000) / 2;
    const firstHalf = lags.filter((entry) => entry.at < middle).map((entry) => entry.lag).sort((a, b) => a - b);
    const secondHalf = lags.filter((entry) => entry.at >= middle).map((entry) => entry.lag).sort((a, b) => a - b);
    const level = {
      streams,
      finals: lags.length,
      partials,
      lagP50: +pick(sorted, 0.5).toFixed(2),
      lagP95: +pick(sorted, 0.95).toFixed(2),
      lagMax: +(sorted.at(-1) ?? 0).toFixed(2),
      firstHalfP95: +pick(firstHalf, 0.95).toFixed(2),
      secondHalfP95: +pick(secondHalf, 0.95).toFixed(2),
      sustained: false,
    };
    level.sustained = level.finals > 0 && level.lagMax <= 3 && level.secondHalfP95 <= level.firstHalfP95 + 1;
    levels.push(level);
    console.log(`${streams} live streams: ${level.finals} finals, ${partials} partials, final lag p50 ${level.lagP50} s p95 ${level.lagP95} s max ${level.lagMax} s → ${level.sustained ? 'sustained' : 'NOT sustained'}`);
  }
  await engine.close();

  const result = {
    bench: 'pocketsphinx',
    at: new Date().toISOString(),
    machine: { cores: (await import('node:os')).cpus().length },
    workers: 2,
    startMs,
    modelLoadMs: stats.loadMs,
    addedWords: stats.addedWords,
    rssPerProcessMb: memory,
    rtf: +rtf.toFixed(3),
    crashRecoveryMs: recoveryMs,
    liveStreams: levels,
    maxSustainedStreams: Math.max(0, ...levels.filter((level) => level.sustained).map((level) => level.streams)),
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(new URL('./results/pocketsphinx.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote bench/results/pocketsphinx.json`);
}

await main();
