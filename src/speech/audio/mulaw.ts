/**
 * G.711 µ-law, the encoding of Twilio Media Streams and most telephone recordings (8 kHz, one
 * byte a sample). The codec itself comes from `alawmulaw` (the ITU tables), not written here.
 */
import alawmulaw from 'alawmulaw';

/** µ-law bytes to 16-bit linear PCM samples, one sample per byte. */
export function mulawToPcm(bytes: Uint8Array): Int16Array {
  return alawmulaw.mulaw.decode(bytes);
}

/** 16-bit linear PCM samples to µ-law bytes, one byte per sample. */
export function pcmToMulaw(samples: Int16Array): Uint8Array {
  return alawmulaw.mulaw.encode(samples);
}

/** A-law bytes (European telephone audio, WAV format 6) to 16-bit linear PCM. */
export function alawToPcm(bytes: Uint8Array): Int16Array {
  return alawmulaw.alaw.decode(bytes);
}
