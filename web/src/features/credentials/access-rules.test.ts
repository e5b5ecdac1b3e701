import { describe, expect, it } from 'vitest';
import { parseAccessRules } from './access-rules';

describe('parseAccessRules', () => {
  const rule = { service: 'network', method: 'GET', path: '/v2.0/networks' };

  it('reads JSON and YAML lists, and nothing as no rules', () => {
    expect(parseAccessRules('')).toEqual({ rules: [], error: null });
    expect(parseAccessRules(JSON.stringify([rule]))).toEqual({ rules: [rule], error: null });
    const yaml = `# read networks\n- service: network\n  method: GET\n  path: "/v2.0/networks"\n- service: 'compute'\n  method: POST\n  path: /v2.1/servers  # create\n`;
    expect(parseAccessRules(yaml)).toEqual({
      rules: [rule, { service: 'compute', method: 'POST', path: '/v2.1/servers' }],
      error: null,
    });
  });

  it('says where the syntax breaks and what is wrong with the shape', () => {
    expect(parseAccessRules('[{"service": ')).toEqual({ rules: null, error: { kind: 'syntax', line: 1 } });
    expect(parseAccessRules('- service: network\nmethod: GET')).toEqual({
      rules: null,
      error: { kind: 'syntax', line: 2 },
    });
    const wrongMethod = parseAccessRules('- service: network\n  method: FETCH\n  path: /');
    expect(wrongMethod.error).toMatchObject({ kind: 'shape' });
    expect(JSON.stringify(wrongMethod.error)).toContain('0.method');
    expect(parseAccessRules('- service: network\n  method: GET\n  path: v2.0').error).toMatchObject({
      kind: 'shape',
    });
    expect(parseAccessRules('- service: network\n  method: GET').error).toMatchObject({ kind: 'shape' });
  });
});
