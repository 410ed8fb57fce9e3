// Amazon SQS: aws sqs receive-message output.
import type { StringLeaf } from './queue-json.js';
import { epochMillis, isObject, leafPart, nonEmpty, topSegment, type JsonObject, type MessageMeta, type MessagePart, type QueueMessage } from './queue-message.js';

// aws sqs receive-message: {"Messages":[{MessageId, ReceiptHandle, MD5OfBody, Body, Attributes, MessageAttributes}]}
export function sqsMessage(rec: JsonObject, leaves: StringLeaf[], containerQueue?: string): QueueMessage {
  const meta: MessageMeta = { broker: 'sqs' };
  if (containerQueue) meta.queue = containerQueue;
  const id = nonEmpty(rec.MessageId);
  if (id) meta.messageId = id;
  // system attributes (present with --attribute-names All / SentTimestamp SenderId): ms since epoch, and the sender's IAM id
  const attrs = isObject(rec.Attributes) ? rec.Attributes : undefined;
  const time = attrs ? epochMillis(attrs.SentTimestamp) : undefined;
  if (time) meta.time = time;
  const producer = attrs ? nonEmpty(attrs.SenderId) : undefined;
  if (producer) meta.producer = producer;
  const parts: MessagePart[] = [];
  for (const leaf of leaves) {
    const top = topSegment(leaf.pointer);
    if (top === 'Body') parts.push(leafPart(leaf));
    else if (top === 'MessageAttributes' && !leaf.pointer.endsWith('/DataType')) parts.push(leafPart(leaf));
    // MessageId, ReceiptHandle, MD5 sums and system Attributes are AWS's, not the sender's
  }
  return { meta, parts };
}

