// Where a finding came from besides its path and commit, in one order and with one wording for
// every reporter: CI provider, workflow, job and step; broker, topic or queue, partition, offset,
// message id, field and producer. Each reporter escapes and joins the parts its own way.
import type { Location } from '../core/types.js';

/** [label, value] pairs; the label is empty where the value names itself (a provider, a broker). */
export function provenanceParts(l: Location): Array<[label: string, value: string]> {
  const parts: Array<[string, string]> = [];
  const add = (label: string, v: string | number | undefined): void => {
    if (v !== undefined && v !== '') parts.push([label, String(v)]);
  };
  add('', l.provider);
  add('workflow', l.workflow);
  add('job', l.job);
  add('step', l.step);
  add('', l.broker);
  // Kafka calls it a topic; RabbitMQ, SQS and the others a queue
  add(l.broker === 'kafka' ? 'topic' : 'queue', l.queue);
  add('partition', l.partition);
  add('offset', l.offset);
  add('message', l.messageId);
  add('field', l.field);
  add('producer', l.producer);
  return parts;
}

/** "job build, step Deploy": the parts as words, each value passed through `show` (escaping). */
export function provenanceWords(l: Location, show: (value: string, label: string) => string = (v) => v): string[] {
  return provenanceParts(l).map(([label, v]) => (label ? `${label} ${show(v, label)}` : show(v, label)));
}
