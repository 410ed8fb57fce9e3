// Which queue tool wrote a record, and the broker format that reads it: one module per
// format (queue-kafka, queue-rabbitmq, queue-sqs, queue-ndjson), all yielding a QueueMessage.
import type { StringLeaf } from './queue-json.js';
import { kcatMessage } from './queue-kafka.js';
import type { JsonObject, QueueMessage, RecordKind } from './queue-message.js';
import { genericMessage } from './queue-ndjson.js';
import { rabbitMessage } from './queue-rabbitmq.js';
import { sqsMessage } from './queue-sqs.js';

export { consoleMessage } from './queue-kafka.js';
export type { MessageMeta, MessagePart, QueueFormat, QueueMessage, RecordKind } from './queue-message.js';

/** Which tool wrote this record, judged by its fields. */
export function recordKindOf(rec: JsonObject): RecordKind {
  if (typeof rec.topic === 'string' && typeof rec.partition === 'number' && 'payload' in rec) return 'kafka';
  if ('payload' in rec && ('payload_encoding' in rec || 'routing_key' in rec)) return 'rabbitmq';
  if (typeof rec.MessageId === 'string' && ('Body' in rec || 'ReceiptHandle' in rec)) return 'sqs';
  return 'ndjson';
}

/** The message of one record, given the string leaves the scanner found in it. */
export function interpretRecord(kind: RecordKind, rec: JsonObject, leaves: StringLeaf[], containerQueue?: string): QueueMessage {
  switch (kind) {
    case 'kafka':
      return kcatMessage(rec, leaves);
    case 'rabbitmq':
      return rabbitMessage(rec, leaves, containerQueue);
    case 'sqs':
      return sqsMessage(rec, leaves, containerQueue);
    case 'ndjson':
      return genericMessage(rec, leaves, containerQueue);
  }
}

