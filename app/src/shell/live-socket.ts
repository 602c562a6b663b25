import { useEffect, useRef, useState } from 'react';
import { leaveForSignIn } from './session';

export type LiveConnection = 'connecting' | 'live' | 'reconnecting';

/** The engine's live subprotocol; the session cookie authenticates the upgrade. */
const liveSubprotocol = 'callchart.live.v1';

/**
 * The live feed (`/ws`): every message to `onMessage`, reconnecting with back-off when the network
 * drops. A refusal for the session (close code 4401, or an upgrade refused before it opened)
 * sends the person to sign-in instead of "reconnecting…" forever.
 */
export function useLiveFeed(onMessage: (message: { type: string } & Record<string, unknown>) => void): LiveConnection {
  const [state, setState] = useState<LiveConnection>('connecting');
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    let socket: WebSocket | null = null;
    let stopped = false;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      const opened = { value: false };
      socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, [liveSubprotocol]);
      socket.onopen = () => {
        opened.value = true;
        attempt = 0;
        setState('live');
      };
      socket.onmessage = (event) => {
        try {
          handler.current(JSON.parse(String(event.data)) as { type: string });
        } catch {
          // A frame that is not JSON is not ours: ignore it.
        }
      };
      socket.onclose = async (event) => {
        if (stopped) return;
        if (event.code === 4401) {
          leaveForSignIn('expired');
          return;
        }
        // Refused before it opened: is the session still there? (A browser hides the 401.)
        if (!opened.value) {
          const me = await fetch('/auth/me', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
          if (me?.status === 401) {
            leaveForSignIn('expired');
            return;
          }
        }
        setState('reconnecting');
        attempt += 1;
        timer = setTimeout(connect, Math.min(30_000, 500 * 2 ** Math.min(attempt, 6)));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }, []);
  return state;
}
