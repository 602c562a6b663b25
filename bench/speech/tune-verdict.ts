/**
 * How the verdict's low-confidence share threshold was set: reads bench/results/speech.json (per
 * utterance: WER and the share of words below 0.6 confidence, no text), picks the threshold that
 * best separates WER > 30% from the rest on the TUNING half of the wideband conditions, and
 * reports it on the held-out half. Telephone audio is `low` or worse whatever the share.
 *
 *   npx tsx bench/speech/tune-verdict.ts [bench/results/speech.json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { badTranscriptWer, type UtteranceScore } from './score.ts';

const file = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results', 'speech.json');
const { utterances } = JSON.parse(readFileSync(file, 'utf8')) as { utterances: UtteranceScore[] };
const wideband = utterances.filter((u) => u.condition.startsWith('wideband'));

function rates(list: UtteranceScore[], threshold: number) {
  const bad = list.filter((u) => u.wer > badTranscriptWer);
  const good = list.filter((u) => u.wer <= badTranscriptWer);
  const flagged = (u: UtteranceScore) => u.lowConfidenceShare > threshold;
  return {
    agreement: round(list.filter((u) => flagged(u) === u.wer > badTranscriptWer).length / (list.length || 1)),
    badCaught: `${bad.filter(flagged).length}/${bad.length}`,
    goodFlagged: `${good.filter(flagged).length}/${good.length}`,
  };
}

const thresholds = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5];
const tuning = wideband.filter((u) => u.half === 'tuning');
const heldOut = wideband.filter((u) => u.half === 'heldOut');
console.log('share threshold | tuning: agreement, bad caught, good flagged | held-out: the same');
for (const threshold of thresholds) {
  const t = rates(tuning, threshold);
  const h = rates(heldOut, threshold);
  console.log(`${threshold.toFixed(2)} | ${t.agreement} ${t.badCaught} ${t.goodFlagged} | ${h.agreement} ${h.badCaught} ${h.goodFlagged}`);
}
// A bad transcript marked ok is the clinical risk; a good one marked low costs staff a look. A miss
// weighs five false alarms: the threshold with the lowest such cost on the tuning half wins.
const missWeight = 5;
const cost = (threshold: number) => {
  const bad = tuning.filter((u) => u.wer > badTranscriptWer);
  const good = tuning.filter((u) => u.wer <= badTranscriptWer);
  return missWeight * bad.filter((u) => u.lowConfidenceShare <= threshold).length + good.filter((u) => u.lowConfidenceShare > threshold).length;
};
const best = [...thresholds].sort((a, b) => cost(a) - cost(b))[0]!;
console.log(`chosen on tuning (a miss weighs ${missWeight} false alarms): ${best} (cost ${cost(best)}, ${JSON.stringify(rates(tuning, best))}); held-out at it: ${JSON.stringify(rates(heldOut, best))}`);

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
