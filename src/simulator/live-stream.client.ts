/**
 * Live calls for the demo (issue 17): a synthetic caller's lines spoken by flite, put through the
 * telephone network (8 kHz µ-law, 300–3400 Hz) and streamed to the engine's /media/twilio as
 * Twilio Media Streams do after the connect TwiML: a signed upgrade, `connected`, `start` with the
 * call's one-time stream token in customParameters, 20 ms media frames in real time, `stop`.
 * The call itself (ringing, the IVR's consents, answered, ended) arrives as signed CTI events with
 * provider `twilio`, so the stream finds its call. Every voice, number and line here is synthetic;
 * nothing here logs or prints what is said.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import type { CallEvent } from '../calls/call-event.schema.ts';
import { signTwilioRequest } from '../pbx/twilio-signature.ts';
import { mintStreamToken, streamTokenKey } from '../pbx/twilio-stream-token.ts';
import { decodeAudioFile } from '../speech/audio/decode.ts';
import { toTelephoneAudio } from '../speech/audio/telephone.ts';
import { debianPocketsphinxModelDir } from '../speech/speech.settings.ts';
import type { PcmAudio } from '../speech/speech-engine.ts';
import { sendSignedEvent } from './simulate.client.ts';

const run = promisify(execFile);

/** Twilio sends 20 ms of 8 kHz µ-law per media message. */
export const frameBytes = 160;
const frameMs = 20;

/** What to tell someone whose machine lacks the Debian packages live transcription needs. */
export const liveTranscriptInstallHint = 'apt-get install pocketsphinx pocketsphinx-en-us flite';

/**
 * Why live transcription cannot run here (a missing program, model or library), or null when
 * pocketsphinx, its English model and flite (voices and `t2p` for pronunciations) are installed.
 */
export async function liveTranscriptionProblem(modelDir = debianPocketsphinxModelDir): Promise<string | null> {
  if (!existsSync(join(modelDir, 'en-us')) && !existsSync(join(modelDir, 'en-us.lm.bin'))) return `the pocketsphinx English model is not installed (${modelDir})`;
  for (const program of ['flite', 't2p']) {
    try {
      await run(program, program === 'flite' ? ['-lv'] : ['hello'], { timeout: 10_000 });
    } catch {
      return `${program} is not installed`;
    }
  }
  try {
    const { loadLibPocketsphinx } = await import('../speech/pocketsphinx/libpocketsphinx.ts');
    loadLibPocketsphinx();
  } catch {
    return 'libpocketsphinx is not installed';
  }
  return null;
}

/** `lines` spoken by a flite voice, joined by pauses (the caller thinking), as PCM at the voice's rate. */
export async function speakLines(lines: readonly string[], voice = 'rms', pauseMs = 1_200): Promise<PcmAudio> {
  const dir = await mkdtemp(join(tmpdir(), 'callchart-live-'));
  try {
    const parts: PcmAudio[] = [];
    for (const [index, line] of lines.entries()) {
      const file = join(dir, `line-${index}.wav`);
      await run('flite', ['-voice', voice, '-t', line, '-o', file], { timeout: 60_000 });
      parts.push(decodeAudioFile(await readFile(file), { fileName: file }));
    }
    const sampleRate = parts[0]?.sampleRate ?? 16_000;
    const gap = Math.round((pauseMs / 1000) * sampleRate);
    const samples = new Int16Array(parts.reduce((sum, part) => sum + part.samples.length + gap, gap));
    let offset = gap;
    for (const part of parts) {
      samples.set(part.samples, offset);
      offset += part.samples.length + gap;
    }
    return { samples, sampleRate };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Telephone audio (8 kHz µ-law) cut into Twilio's 20 ms media frames. */
export function mediaFrames(telephone: Uint8Array): Buffer[] {
  const frames: Buffer[] = [];
  for (let offset = 0; offset < telephone.length; offset += frameBytes) frames.push(Buffer.from(telephone.subarray(offset, offset + frameBytes)));
  return frames;
}

export interface MediaStreamTarget {
  /** The engine's base URL (http://host:port). */
  engineUrl: string;
  /** The Twilio auth token the engine checks signatures and stream tokens with. */
  twilioAuthToken: string;
  callSid: string;
}

/**
 * Streams `frames` to /media/twilio as Twilio would: in real time (frame n at start + n × 20 ms),
 * or as fast as the socket takes them with `realTime: false`. Resolves with the close code.
 */
export async function streamMedia(target: MediaStreamTarget, frames: readonly Buffer[], options: { realTime?: boolean; signal?: AbortSignal } = {}): Promise<number> {
  const streamUrl = `${target.engineUrl.replace(/\/+$/, '').replace(/^http/, 'ws')}/media/twilio`;
  const accountSid = `AC${'0'.repeat(32)}`;
  const streamSid = `MZ${randomBytes(16).toString('hex')}`;
  const socket = new WebSocket(streamUrl, { headers: { 'X-Twilio-Signature': signTwilioRequest(target.twilioAuthToken, streamUrl, {}) } });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const send = (message: object) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  };
  // The token the connect TwiML would carry for this call (twilio-stream-token.ts).
  const token = mintStreamToken({ key: streamTokenKey(target.twilioAuthToken), callSid: target.callSid, nowMs: Date.now() });
  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({
    event: 'start', sequenceNumber: '1', streamSid,
    start: { accountSid, streamSid, callSid: target.callSid, tracks: ['inbound'], customParameters: { token }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
  });
  const startedAt = Date.now();
  for (const [index, frame] of frames.entries()) {
    if (options.signal?.aborted || socket.readyState !== WebSocket.OPEN) break;
    if (options.realTime !== false) {
      const due = startedAt + index * frameMs - Date.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
    }
    send({ event: 'media', sequenceNumber: String(index + 2), streamSid, media: { track: 'inbound', chunk: String(index + 1), timestamp: String(index * frameMs), payload: frame.toString('base64') } });
  }
  send({ event: 'stop', sequenceNumber: String(frames.length + 2), streamSid, stop: { accountSid, callSid: target.callSid } });
  return closed;
}

/** What a live demo call says (synthetic; no identifiers, so nothing needs redacting to show it). */
export const liveDemoScripts: readonly (readonly string[])[] = [
  ['Hello, this is a synthetic test call.', 'I would like to book an appointment for my daughter.', 'She has had a cough for three days.', 'Thank you, goodbye.'],
  ['Hi, this is a synthetic caller.', 'I need a refill of my blood pressure pills.', 'Please call me back this afternoon.', 'Thank you.'],
];

export interface LiveCallOptions extends Omit<MediaStreamTarget, 'callSid'> {
  webhookSecret: string;
  queue: string;
  ani: string;
  lines: readonly string[];
  voice?: string;
  callSid?: string;
  /** Send `call.ended` after the stream stops (the after-call pipeline starts). Default true. */
  endCall?: boolean;
  signal?: AbortSignal;
}

/**
 * One synthetic Twilio call with a live stream: ringing, the IVR's four consents (all given),
 * answered, the caller's lines streamed in real time, then ended. Resolves with the call's SID.
 */
export async function playLiveCall(options: LiveCallOptions): Promise<{ callSid: string; closeCode: number }> {
  const callSid = options.callSid ?? `CA${randomBytes(16).toString('hex')}`;
  const frames = mediaFrames(toTelephoneAudio(await speakLines(options.lines, options.voice)));
  const call = { id: callSid, ani: options.ani, dnis: '+16175550100', queue: options.queue, direction: 'inbound' as const };
  const event = (name: string, type: CallEvent['type'], data: Record<string, unknown>, agent?: string): CallEvent =>
    ({ id: `${callSid}-${name}`, provider: 'twilio', type, occurredAt: new Date().toISOString(), call: agent ? { ...call, agent } : call, data }) as CallEvent;
  const deliver = async (delivery: CallEvent) => {
    const { status, body } = await sendSignedEvent(options.engineUrl, options.webhookSecret, delivery);
    if (status >= 300) throw new Error(`the engine refused a live call's ${delivery.type} (HTTP ${status} ${body.error?.code ?? ''})`);
  };
  await deliver(event('ringing', 'call.ringing', {}));
  for (const scope of ['record', 'transcribe', 'ai', 'ehr'] as const) await deliver(event(`consent-${scope}`, 'consent.captured', { scope, granted: true, method: 'ivr' }));
  await deliver(event('answered', 'call.answered', {}, 'ext-101'));
  const closeCode = await streamMedia({ engineUrl: options.engineUrl, twilioAuthToken: options.twilioAuthToken, callSid }, frames, { ...(options.signal ? { signal: options.signal } : {}) });
  if (options.endCall !== false && !options.signal?.aborted) {
    await deliver(event('ended', 'call.ended', { durationSeconds: Math.round((frames.length * frameMs) / 1000) + 10 }));
  }
  return { callSid, closeCode };
}

/**
 * The demo's live calls: `count` calls, at most `concurrency` streaming at once, in the
 * background. Failures are counted, never thrown (the demo goes on); returns when all are done.
 */
export async function playLiveDemoCalls(options: Omit<LiveCallOptions, 'lines' | 'ani' | 'callSid'> & { count: number; concurrency?: number; onDone?: (result: { played: number; failed: number }) => void }): Promise<{ played: number; failed: number }> {
  let next = 0;
  const result = { played: 0, failed: 0 };
  const worker = async () => {
    while (next < options.count && !options.signal?.aborted) {
      const index = next++;
      try {
        // Fictional 555-01xx numbers in an area code the sandbox EHR does not use: no chart is matched.
        await playLiveCall({ ...options, lines: liveDemoScripts[index % liveDemoScripts.length]!, ani: `+1907555${String(180 + index).padStart(4, '0')}`, voice: index % 2 ? 'slt' : 'rms' });
        result.played++;
      } catch {
        result.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(2, options.concurrency ?? 2)) }, worker));
  options.onDone?.(result);
  return result;
}
