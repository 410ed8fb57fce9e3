// The shape every broker format turns a record into: metadata (queue, partition, offset, id,
// broker, producer, time) and parts, text ranges of the dump named by the JSON pointer of their field.
import type { StringLeaf } from './queue-json.js';

export type RecordKind = 'kafka' | 'rabbitmq' | 'sqs' | 'ndjson';
/** --queue-format: a record kind, or told from each file */
export type QueueFormat = 'auto' | RecordKind;

export interface MessageMeta {
  queue?: string;
  partition?: number;
  offset?: number;
  messageId?: string;
  /** "kafka", "rabbitmq", "sqs" when the format says */
  broker?: string;
  /** RabbitMQ app_id, SQS SenderId, a Kafka producer/client header */
  producer?: string;
  /** message timestamp, ISO-8601 */
  time?: string;
}

/** A field of a message: offsets (0-based) into the text of the dump or line. */
export interface MessagePart {
  /** JSON pointer of the field inside the message */
  pointer: string;
  /** start of the context shown with the value (its key), or of the value's quote */
  from: number;
  /** end of the raw text (after the closing quote for a JSON string) */
  to: number;
  /** first character of the value itself */
  valueStart: number;
  /** offset after the value's last character */
  valueEnd: number;
  /** the (unescaped) value */
  value: string;
  /** the raw text holds JSON escapes: the value differs from text[valueStart..valueEnd] */
  escaped: boolean;
}

export interface QueueMessage {
  meta: MessageMeta;
  parts: MessagePart[];
}

export type JsonObject = Record<string, unknown>;

export function leafPart(leaf: StringLeaf, pointer: string = leaf.pointer): MessagePart {
  return {
    pointer,
    from: leaf.keyStart >= 0 ? leaf.keyStart : leaf.start,
    to: leaf.end,
    valueStart: leaf.start + 1,
    valueEnd: leaf.end - 1,
    value: leaf.value,
    escaped: leaf.end - leaf.start - 2 !== leaf.value.length,
  };
}

export function topSegment(pointer: string): string {
  const slash = pointer.indexOf('/', 1);
  return slash < 0 ? pointer.slice(1) : pointer.slice(1, slash);
}

export function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export { isObject } from '../core/guards.js';

/** Epoch milliseconds (a number or a string of digits) as ISO-8601; undefined when not a plausible time. */
export function epochMillis(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  // 0 and negatives mean "no timestamp" in Kafka; past year 9999 is not a time
  if (!Number.isFinite(n) || n <= 0 || n > 253402300799999) return undefined;
  return new Date(n).toISOString();
}
