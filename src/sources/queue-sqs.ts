// Amazon SQS: aws sqs receive-message output.
import type { StringLeaf } from './queue-json.js';
import { leafPart, nonEmpty, topSegment, type JsonObject, type MessageMeta, type MessagePart, type QueueMessage } from './queue-message.js';

// aws sqs receive-message: {"Messages":[{MessageId, ReceiptHandle, MD5OfBody, Body, Attributes, MessageAttributes}]}
export function sqsMessage(rec: JsonObject, leaves: StringLeaf[], containerQueue?: string): QueueMessage {
  const meta: MessageMeta = {};
  if (containerQueue) meta.queue = containerQueue;
  const id = nonEmpty(rec.MessageId);
  if (id) meta.messageId = id;
  const parts: MessagePart[] = [];
  for (const leaf of leaves) {
    const top = topSegment(leaf.pointer);
    if (top === 'Body') parts.push(leafPart(leaf));
    else if (top === 'MessageAttributes' && !leaf.pointer.endsWith('/DataType')) parts.push(leafPart(leaf));
    // MessageId, ReceiptHandle, MD5 sums and system Attributes are AWS's, not the sender's
  }
  return { meta, parts };
}

