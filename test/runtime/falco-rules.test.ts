import { Testing } from 'cdk8s';
import { parse } from 'yaml';
import { FALCO_RULES_FILE, FalcoRules } from '../../lib/runtime/falco-rules';

function synth(props: any = {}): any {
  const chart = Testing.chart();
  new FalcoRules(chart, 'falco', props);
  return Testing.synth(chart)[0];
}

function refusal(props: any): string {
  try {
    new FalcoRules(Testing.chart(), 'falco', props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('FalcoRules', () => {
  const cm = synth({ watchNamespaces: ['payments', 'shop'] });
  const rules = parse(cm.data[FALCO_RULES_FILE]);

  test('one ConfigMap in the falco namespace holding one rules file', () => {
    expect([cm.kind, cm.metadata.namespace, Object.keys(cm.data)]).toEqual(['ConfigMap', 'falco', [FALCO_RULES_FILE]]);
  });

  test('shell, /etc writes and unexpected outbound connections, each tagged with its practices', () => {
    expect(rules.map((r: any) => [r.rule, r.priority, r.tags.filter((t: string) => t.startsWith('HK-'))])).toEqual([
      ['cdk8s-hardened shell in a container', 'WARNING', ['HK-RBAC-009', 'HK-IMAGE-006']],
      ['cdk8s-hardened write below /etc', 'ERROR', ['HK-WORKLOAD-009']],
      ['cdk8s-hardened unexpected outbound connection', 'WARNING', ['HK-NETWORK-001', 'HK-NETWORK-010']],
    ]);
    for (const r of rules) expect(Object.keys(r).sort()).toEqual(['condition', 'desc', 'output', 'priority', 'rule', 'tags']);
  });

  test('conditions use event fields only, scoped to the watched namespaces', () => {
    expect(rules[0].condition).toBe('evt.type in (execve, execveat) and evt.dir = < and container.id != host and k8s.ns.name in (payments, shop) '
      + 'and proc.name in (ash, bash, csh, dash, fish, ksh, sh, tcsh, zsh)');
    expect(rules[1].condition).toBe('evt.type in (open, openat, openat2) and evt.is_open_write = true and fd.typechar = f and fd.name startswith /etc/ '
      + 'and container.id != host and k8s.ns.name in (payments, shop)');
    expect(rules[2].condition).toBe('evt.type = connect and evt.dir = < and (fd.typechar = 4 or fd.typechar = 6) and container.id != host '
      + 'and k8s.ns.name in (payments, shop) and not fd.snet in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8")');
  });

  test('without watched namespaces every container is watched', () => {
    const all = parse(synth().data[FALCO_RULES_FILE]);
    expect(all[0].condition).not.toContain('k8s.ns.name');
  });

  test('refuses an allow-all network, which would silence the outbound rule', () => {
    expect(refusal({ allowedNetworks: ['10.0.0.0/8', '0.0.0.0/0'] })).toBe(
      '[test/falco] FalcoRules prop \'allowedNetworks\' holds \'0.0.0.0/0\', which allows every address and silences the rule.\n'
      + 'Practice HK-NETWORK-004 (No blanket allow rules) refuses it.\n'
      + 'Fix: list the networks your workloads may reach.');
  });

  test('refuses malformed networks and namespaces', () => {
    expect(refusal({ allowedNetworks: ['10.0.0.0'] })).toBe(
      '[test/falco] FalcoRules prop \'allowedNetworks\' holds \'10.0.0.0\', not an IPv4 or IPv6 CIDR.\nFix: write networks as \'10.0.0.0/8\' or \'fd00::/8\'.');
    expect(refusal({ watchNamespaces: [] })).toBe(
      '[test/falco] FalcoRules prop \'watchNamespaces\' is an array, not a non-empty list of namespaces.\n'
      + 'Fix: list namespaces, or leave the prop out to watch every container.');
    expect(refusal({ watchNamespaces: ['Pay ments'] })).toBe(
      '[test/falco] FalcoRules prop \'watchNamespaces\' holds \'Pay ments\', not a namespace name.\nFix: list namespace names such as \'payments\'.');
  });
});
