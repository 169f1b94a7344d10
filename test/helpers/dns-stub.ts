import { createSocket, type Socket } from 'node:dgram';

/** A DNS server on 127.0.0.1 (UDP, a free port) that answers every A question with 127.0.0.1. */
export interface DnsStub {
  /** `127.0.0.1:<port>`, as nginx's resolver directive takes it. */
  address: string;
  close(): Promise<void>;
}

/** The answer to `query`: its header and question, then one A record (or none for other types). */
function answer(query: Buffer): Buffer {
  let end = 12;
  while (query[end] !== 0) end += query[end]! + 1;
  const question = query.subarray(12, end + 5);
  const type = query.readUInt16BE(end + 1);
  const header = Buffer.from(query.subarray(0, 12));
  header.writeUInt16BE(0x8180, 2); // a response, recursion desired and available, no error
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(type === 1 ? 1 : 0, 6);
  header.writeUInt32BE(0, 8);
  if (type !== 1) return Buffer.concat([header, question]);
  // The name as a pointer to the question's, class IN, TTL 60 s, four bytes: 127.0.0.1.
  const record = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]);
  return Buffer.concat([header, question, record]);
}

export async function startDnsStub(): Promise<DnsStub> {
  const socket: Socket = createSocket('udp4');
  socket.on('message', (msg, from) => {
    if (msg.length > 12) socket.send(answer(msg), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
