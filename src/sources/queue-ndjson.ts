// NDJSON: any JSON record, every string field scanned; common names give its metadata.
import type { StringLeaf } from './queue-json.js';
import { leafPart, nonEmpty, type JsonObject, type MessageMeta, type QueueMessage } from './queue-message.js';

export function genericMessage(rec: JsonObject, leaves: StringLeaf[], containerQueue?: string): QueueMessage {
  const meta: MessageMeta = {};
  const queue = containerQueue ?? nonEmpty(rec.topic) ?? nonEmpty(rec.queue);
  if (queue) meta.queue = queue;
  if (typeof rec.partition === 'number') meta.partition = rec.partition;
  if (typeof rec.offset === 'number') meta.offset = rec.offset;
  const id = nonEmpty(rec.messageId) ?? nonEmpty(rec.message_id) ?? nonEmpty(rec.MessageId);
  if (id) meta.messageId = id;
  return { meta, parts: leaves.map((l) => leafPart(l)) };
}

