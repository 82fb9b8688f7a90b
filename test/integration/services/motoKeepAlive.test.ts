/**
 * The moto launcher keeps HTTP/1.1 connections open (werkzeug closed every one, so each SDK request paid a
 * connect, a server thread and a close). A kept connection must always be at the next request line when a
 * response ends: requests sent back to back on one socket each get their own answer, also after a body the
 * application never reads; a chunked body, and a client asking to close, still close. Raw sockets, so what
 * goes over the wire is what is checked. Runs on the shared moto.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { requireEnv } from '../serviceEnv';

interface Response {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

const LIST_TABLES = '{"Limit": 1}';

function dynamoRequest(body: string, extraHeaders: readonly string[] = []): string {
  return [
    'POST / HTTP/1.1',
    `Host: ${new URL(requireEnv('AWS_ENDPOINT_URL_DYNAMODB')).host}`,
    'X-Amz-Target: DynamoDB_20120810.ListTables',
    'Content-Type: application/x-amz-json-1.0',
    'Authorization: AWS4-HMAC-SHA256 Credential=test/20261205/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
    ...extraHeaders,
    '',
    body,
  ].join('\r\n');
}

/** Reads responses off one socket as they complete (Content-Length bodies: all moto's DynamoDB answers). */
class ResponseReader {
  #buffer = Buffer.alloc(0);
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake?.();
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The next whole response, or an error after `timeoutMs` or when the socket closes first. */
  async next(timeoutMs = 10_000): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = this.#take();
      if (response) return response;
      if (this.#closed) throw new Error('the server closed the connection before a whole response');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no whole response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Waits (bounded) until the server has closed the socket. */
  async untilClosed(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#closed && Date.now() < deadline)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    if (!this.#closed) throw new Error(`the server kept the connection open for ${timeoutMs} ms`);
  }

  #take(): Response | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine = '', ...lines] = this.#buffer.subarray(0, end).toString('latin1').split('\r\n');
    const headers = new Map(
      lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
      }),
    );
    const length = Number(headers.get('content-length'));
    if (!Number.isInteger(length)) throw new Error(`a response without a Content-Length: ${statusLine}`);
    if (this.#buffer.length < end + 4 + length) return undefined;
    const body = this.#buffer.subarray(end + 4, end + 4 + length).toString('utf8');
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }
}

describe('moto launcher keep-alive', () => {
  const sockets: Socket[] = [];

  async function open(): Promise<{ socket: Socket; reader: ResponseReader }> {
    const url = new URL(requireEnv('AWS_ENDPOINT_URL_DYNAMODB'));
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    sockets.push(socket);
    const reader = new ResponseReader(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return { socket, reader };
  }

  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.destroy();
  });

  it('answers requests sent back to back on one connection, each with its own answer, and keeps it open', async () => {
    const { socket, reader } = await open();
    socket.write(
      dynamoRequest(LIST_TABLES, [`Content-Length: ${LIST_TABLES.length}`]) +
        dynamoRequest(LIST_TABLES, [`Content-Length: ${LIST_TABLES.length}`]),
    );
    for (let i = 0; i < 2; i++) {
      const response = await reader.next();
      expect(response.status).toBe(200);
      expect(response.headers.get('connection')).toBeUndefined();
      expect(JSON.parse(response.body)).toHaveProperty('TableNames');
    }
    // A third request later on the same socket: still served.
    socket.write(dynamoRequest(LIST_TABLES, [`Content-Length: ${LIST_TABLES.length}`]));
    expect((await reader.next()).status).toBe(200);
    expect(reader.closed).toBe(false);
  });

  it('stays at the next request after a body the application never reads', async () => {
    const { socket, reader } = await open();
    // The status endpoint ignores any body; a request line hidden in it must not be served.
    const ignored = `${'x'.repeat(2000)}\r\nGET /_streambridge/status HTTP/1.1\r\n\r\n`;
    socket.write(
      `POST /_streambridge/status HTTP/1.1\r\nHost: moto\r\nContent-Length: ${ignored.length}\r\n\r\n${ignored}` +
        dynamoRequest(LIST_TABLES, [`Content-Length: ${LIST_TABLES.length}`]),
    );
    const status = await reader.next();
    expect(JSON.parse(status.body)).toMatchObject({ launcher: 'streambridge' });
    const listed = await reader.next();
    expect(JSON.parse(listed.body)).toHaveProperty('TableNames');
  });

  it('answers a chunked body and then closes, as werkzeug does', async () => {
    const { socket, reader } = await open();
    const chunk = `${LIST_TABLES.length.toString(16)}\r\n${LIST_TABLES}\r\n0\r\n\r\n`;
    socket.write(dynamoRequest(chunk, ['Transfer-Encoding: chunked']));
    const response = await reader.next();
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toHaveProperty('TableNames');
    expect(response.headers.get('connection')).toBe('close');
    await reader.untilClosed();
  });

  it('closes after a malformed request that follows a kept one, as http.server answers it', async () => {
    const { socket, reader } = await open();
    socket.write(dynamoRequest(LIST_TABLES, [`Content-Length: ${LIST_TABLES.length}`]));
    expect((await reader.next()).headers.get('connection')).toBeUndefined();

    // Four words: http.server reads the version (so it answers with headers) and refuses the line.
    socket.write('NOT A REQUEST HTTP/1.1\r\nHost: moto\r\n\r\n');
    const refused = await reader.next();

    expect(refused.status).toBe(400);
    expect(refused.headers.get('connection')).toBe('close');
    await reader.untilClosed();
  });

  it('closes when the client asks to', async () => {
    const { socket, reader } = await open();
    socket.write(dynamoRequest(LIST_TABLES, [`Content-Length: ${LIST_TABLES.length}`, 'Connection: close']));
    expect((await reader.next()).headers.get('connection')).toBe('close');
    await reader.untilClosed();
  });
});
