// RabbitMQ: the management API's "get messages" answer.
import type { StringLeaf } from './queue-json.js';
import { epochMillis, isObject, leafPart, nonEmpty, type JsonObject, type MessageMeta, type QueueMessage } from './queue-message.js';

// RabbitMQ management API, POST /api/queues/{vhost}/{queue}/get
const RABBIT_SKIP = new Set([
  '/exchange',
  '/routing_key',
  '/payload_encoding',
  '/queue',
  '/properties/message_id',
  '/properties/correlation_id',
  '/properties/content_type',
  '/properties/content_encoding',
  '/properties/type',
]);

export function rabbitMessage(rec: JsonObject, leaves: StringLeaf[], containerQueue?: string): QueueMessage {
  const meta: MessageMeta = { broker: 'rabbitmq' };
  const queue = containerQueue ?? nonEmpty(rec.queue) ?? nonEmpty(rec.routing_key);
  if (queue) meta.queue = queue;
  const props = isObject(rec.properties) ? rec.properties : undefined;
  const id = props ? nonEmpty(props.message_id) : undefined;
  if (id) meta.messageId = id;
  // AMQP basic properties: app_id names the producing application, timestamp is in seconds
  const producer = props ? nonEmpty(props.app_id) : undefined;
  if (producer) meta.producer = producer;
  const time = props && typeof props.timestamp === 'number' ? epochMillis(props.timestamp * 1000) : undefined;
  if (time) meta.time = time;
  const parts = leaves.filter((l) => !RABBIT_SKIP.has(l.pointer)).map((l) => leafPart(l));
  return { meta, parts };
}

