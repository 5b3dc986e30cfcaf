import { describe, expect, it } from 'vitest';
import { hash64 } from '../../../functions/src/parse/groupKey.js';
import { TemplateGrouper } from '../../../functions/src/parse/TemplateGrouper.js';

describe('TemplateGrouper', () => {
  it('masks, then learns: one group for one statement, its id that of the template now', () => {
    const grouper = new TemplateGrouper();
    const a = grouper.group('Failed password for root from 10.0.0.1 port 22 ssh2', 'level');
    const idBefore = a.groupId;
    const b = grouper.group('Failed password for guest from 10.0.0.2 port 23 ssh2', 'level');
    expect(b.key).toBe(a.key);
    expect(b.learned).toBe(true);
    expect(b.template).toBe('Failed password for <*> from <*> port <*>');
    expect(b.groupId).toBe(hash64(`level\u0000${b.template}`));
    expect(idBefore).not.toBe(b.groupId);
  });

  it('uses a structured template as it is, and the class keeps groups apart', () => {
    const grouper = new TemplateGrouper();
    const alb = grouper.group('ignored', 'elb-error', '502 GET /orders/{id} LambdaInvalidResponse');
    expect(alb).toMatchObject({ template: '502 GET /orders/{id} LambdaInvalidResponse', learned: false });
    expect(grouper.group('disk full', 'level').groupId).not.toBe(grouper.group('disk full', 'exception').groupId);
  });

  it('groups by masked text alone past the cluster bound, and counts it', () => {
    const grouper = new TemplateGrouper({ maxClusters: 1 });
    grouper.group('connection reset by peer 10.0.0.1', 'level');
    const past = grouper.group('disk full on volume 3', 'level');
    expect(past).toMatchObject({ template: 'disk full on volume <*>', learned: false });
    expect(grouper.group('disk full on volume 4', 'level').groupId).toBe(past.groupId);
    expect(grouper.unclustered).toBe(2);
  });
});
