import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import {
  constants,
  createServer as createH2Server,
  type ServerHttp2Stream,
  type Http2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Listen } from '../model/types.js';
import type { LoadedTls } from './tls-certificates.js';

/** One handler for both protocols: Node's HTTP/1.1 objects, or its HTTP/2 compatibility ones. */
export type EdgeHandler = (
  req: IncomingMessage | Http2ServerRequest,
  res: ServerResponse | Http2ServerResponse,
) => void;

/** The first bytes of every HTTP/2 connection (RFC 9113 3.4): how h2c with prior knowledge is told from HTTP/1.1. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** An HTTP/2 connection without a stream for this long is closed (nginx's http2_idle_timeout, 3 minutes). */
const H2_IDLE_MS = 180_000;

/**
 * The client-facing socket of the gateway (gw.yaml `listen`): cleartext HTTP/1.1 (the node:http server listens
 * itself), TLS with ALPN offering h2 and http/1.1, or cleartext with h2c prior knowledge. Each connection goes to the
 * node:http server or to a node:http2 server by its protocol, and both call the same handler: HTTP/1.1 keeps every
 * limit and timeout of the node:http server, whatever the transport.
 */
export class EdgeListener {
  private readonly front: NetServer | HttpServer;
  private readonly h2: Http2Server | undefined;
  private readonly sessions = new Set<Http2Session>();
  /** h2c sessions run over a stream gw wraps: their peer address is kept here. */
  private readonly peers = new WeakMap<Http2Session, string>();

  constructor(
    private readonly h1: HttpServer,
    handler: EdgeHandler,
    private readonly listen: Listen,
    private tls: LoadedTls | null,
  ) {
    if (listen.tls === null && !listen.h2c) {
      this.front = h1;
      return;
    }
    // No SETTINGS_ENABLE_CONNECT_PROTOCOL: without RFC 8441, browsers open WebSockets on an HTTP/1.1 connection.
    this.h2 = createH2Server({}, handler);
    // A stream times out only where the gateway set a send timeout (proxy.ts): the client took nothing for that long.
    this.h2.on('stream', (stream: ServerHttp2Stream) =>
      stream.on('timeout', () => stream.close(constants.NGHTTP2_CANCEL)),
    );
    this.h2.on('session', (session: Http2Session) => {
      this.sessions.add(session);
      session.setTimeout(H2_IDLE_MS, () => session.close());
      session.once('close', () => this.sessions.delete(session));
    });
    this.front = this.tls !== null ? this.tlsFront(this.tls) : createNetServer((socket) => this.sniff(socket));
  }

  private tlsFront(tls: LoadedTls): TlsServer {
    const server = createTlsServer({
      ALPNProtocols: this.listen.tls!.alpn,
      SNICallback: (name, done) => done(null, this.tls!.contexts[this.tls!.pick(name)]),
      ...tls.defaultOptions,
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      if (socket.alpnProtocol === 'h2') this.h2!.emit('connection', socket);
      else this.h1.emit('connection', socket);
    });
    // A handshake that fails (an old version, no shared cipher, a port scan) closes its socket; nothing to answer.
    server.on('tlsClientError', (_err, socket) => socket.destroy());
    return server;
  }

  /** Cleartext with h2c: the first bytes tell HTTP/2's preface from an HTTP/1.1 request line. */
  private sniff(socket: Socket): void {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (!first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, first.length))) {
        socket.unshift(first);
        this.h1.emit('connection', socket);
        socket.resume();
        return;
      }
      // nghttp2 reads a socket natively, past what JavaScript has read: the preface goes in through a stream.
      const stream = replay(socket, first);
      this.h2!.once('session', (session: Http2Session) => this.peers.set(session, socket.remoteAddress ?? ''));
      this.h2!.emit('connection', stream);
    });
  }

  /** The TCP peer of a request (h2c sessions run on a wrapped stream that has no address of its own). */
  peerOf(req: IncomingMessage | Http2ServerRequest): string {
    const address = req.socket.remoteAddress;
    if (address !== undefined) return address;
    const session = (req as Http2ServerRequest).stream?.session;
    return (session && this.peers.get(session)) ?? '';
  }

  set maxConnections(n: number) {
    this.front.maxConnections = n;
  }

  /** Certificates read again (a renewal): new handshakes use them, open connections keep theirs. */
  setCertificates(tls: LoadedTls): void {
    this.tls = tls;
    // SNICallback reads the current contexts; a client that sends no name gets the server's default one.
    (this.front as TlsServer).setSecureContext(tls.defaultOptions);
  }

  async start(host: string, port: number): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.front.once('error', reject);
      this.front.listen(port, host, () => {
        this.front.off('error', reject);
        resolve();
      });
    });
    // The node:http server checks its clients' header and request deadlines from its 'listening' event on.
    if (this.front !== this.h1) this.h1.emit('listening');
    return this.front.address() as AddressInfo;
  }

  /** Stops accepting; resolves once every connection is gone. */
  stop(): Promise<void> {
    return new Promise<void>((r) => this.front.close(() => r()));
  }

  /** Idle HTTP/1.1 connections close now; HTTP/2 ones get GOAWAY and close after their streams. */
  closeIdle(): void {
    this.h1.closeIdleConnections();
    for (const s of this.sessions) s.close();
  }

  closeAll(): void {
    this.h1.closeAllConnections();
    for (const s of this.sessions) s.destroy();
    // The node:http server stops its deadline checks (it never listened itself behind TLS or h2c).
    if (this.front !== this.h1) this.h1.close();
  }
}

/** A stream that gives `first` and then whatever `socket` reads, and writes to it. */
function replay(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => socket.resume(),
    write: (chunk, encoding, done) => socket.write(chunk, encoding, done),
    final: (done) => {
      socket.end();
      done();
    },
    destroy: (err, done) => {
      socket.destroy(err ?? undefined);
      done(err);
    },
  });
  stream.push(first);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.on('error', (err) => stream.destroy(err));
  return stream;
}
