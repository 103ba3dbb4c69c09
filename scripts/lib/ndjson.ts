// Streams NDJSON in and out, gzipped or not (Auth0's users-export files are gzipped NDJSON), in bounded memory.
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, createGzip } from 'node:zlib';

export interface NdjsonRecord {
  /** 1-based line number in the (decompressed) text, for error messages. */
  lineNumber: number;
  value: unknown;
}

/** A line that is not JSON; the message names the line and the source. */
export class NdjsonError extends Error {
  readonly lineNumber: number;

  constructor(source: string, lineNumber: number, detail: string) {
    super(`${source} line ${lineNumber}: not valid JSON (${detail}); each line must hold one JSON object`);
    this.name = 'NdjsonError';
    this.lineNumber = lineNumber;
  }
}

/**
 * The JSON values of an NDJSON file or stream, one per non-blank line. Gzip is detected from the content's magic
 * bytes, not the name, because Auth0 names its gzipped export `<tenant>.json`.
 */
export async function* readNdjson(input: string | Readable, source = typeof input === 'string' ? input : 'stream'): AsyncGenerator<NdjsonRecord> {
  const text = await decompressed(typeof input === 'string' ? createReadStream(input) : input);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let lineNumber = 0;
  const parse = (line: string): NdjsonRecord | undefined => {
    lineNumber += 1;
    if (line.trim() === '') return undefined;
    try {
      return { lineNumber, value: JSON.parse(line) };
    } catch (error) {
      throw new NdjsonError(source, lineNumber, (error as Error).message);
    }
  };
  for await (const chunk of text) {
    const lines = (pending + decoder.write(chunk as Buffer)).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const record = parse(line);
      if (record) yield record;
    }
  }
  const record = parse(pending + decoder.end());
  if (record) yield record;
}

/** Writes lines (without their newlines) to `path`, gzipped when `gzip` (default: the path ends in `.gz`). */
export async function writeNdjson(path: string, lines: Iterable<string> | AsyncIterable<string>, options: { gzip?: boolean } = {}): Promise<void> {
  const gzip = options.gzip ?? path.endsWith('.gz');
  const source = Readable.from(batched(lines));
  const sink = createWriteStream(path);
  if (gzip) await pipeline(source, createGzip(), sink);
  else await pipeline(source, sink);
}

/** Joins lines into ~1 MB chunks: one stream write per line would dominate the cost of a million-line file. */
async function* batched(lines: Iterable<string> | AsyncIterable<string>): AsyncGenerator<string> {
  const limit = 1 << 20;
  let parts: string[] = [];
  let size = 0;
  for await (const line of lines) {
    parts.push(line, '\n');
    size += line.length + 1;
    if (size >= limit) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield parts.join('');
}

/** The stream's bytes, gunzipped when they start with the gzip magic number. */
async function decompressed(raw: Readable): Promise<Readable> {
  const chunks = raw[Symbol.asyncIterator]();
  const first = await chunks.next();
  if (first.done) return Readable.from([]);
  const head = asBuffer(first.value);
  const whole = Readable.from(
    (async function* () {
      yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield asBuffer(next.value);
    })(),
  );
  if (head[0] !== 0x1f || head[1] !== 0x8b) return whole;
  const gunzip = createGunzip();
  whole.on('error', (error) => gunzip.destroy(error));
  return whole.pipe(gunzip);
}

function asBuffer(chunk: unknown): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
}
