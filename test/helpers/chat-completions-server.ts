import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local server speaking the OpenAI-compatible chat-completions wire format for tests: it keeps
 * every request body and answers `content()` as the assistant message (or the status `fail()` gives).
 */
export async function startChatCompletionsServer(content: () => unknown, fail: () => number | null = () => null) {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8'); });
    request.on('end', () => {
      bodies.push(raw);
      const status = fail();
      if (status !== null) {
        response.writeHead(status).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
        id: 'chatcmpl-test', object: 'chat.completion', created: 1_765_100_000, model: 'clinic-model',
        choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(content()) }, finish_reason: 'stop' }],
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    bodies,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
