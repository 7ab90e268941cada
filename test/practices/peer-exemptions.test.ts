import { peerExemptions, recordedExceptionAnnotations } from '../../lib/practices/peer-exemptions';

describe('recorded exceptions mirrored into the peers\' exemptions', () => {
  test('an excepted practice exempts the object from the Polaris, kube-score and kube-linter checks it names, sorted', () => {
    expect(peerExemptions([
      { practice: 'HK-WORKLOAD-011', reason: 'reads container logs under /var/log' },
      { practice: 'HK-WORKLOAD-004', reason: 'kube-bench reads root-owned files' },
    ])).toEqual({
      'polaris.fairwinds.com/hostPathSet-exempt': 'true',
      'polaris.fairwinds.com/runAsRootAllowed-exempt': 'true',
      'kube-score/ignore': 'container-security-context-user-group-id',
      'ignore-check.kube-linter.io/docker-sock': 'HK-WORKLOAD-011: reads container logs under /var/log',
      'ignore-check.kube-linter.io/run-as-non-root': 'HK-WORKLOAD-004: kube-bench reads root-owned files',
      'ignore-check.kube-linter.io/sensitive-host-mounts': 'HK-WORKLOAD-011: reads container logs under /var/log',
      'ignore-check.kube-linter.io/writable-host-mount': 'HK-WORKLOAD-011: reads container logs under /var/log',
    });
  });

  test('no exception, no exemption; the recorded annotations are ours beside the mirrors', () => {
    expect(peerExemptions([])).toEqual({});
    expect(recordedExceptionAnnotations([{ practice: 'HK-AUDIT-004', reason: 'vendor manifest kept verbatim' }])).toEqual({
      'exceptions.cdk8s-hardened.io/HK-AUDIT-004': 'vendor manifest kept verbatim',
      'kube-score/ignore': 'label-values',
      'ignore-check.kube-linter.io/required-annotation-email': 'HK-AUDIT-004: vendor manifest kept verbatim',
      'ignore-check.kube-linter.io/required-label-owner': 'HK-AUDIT-004: vendor manifest kept verbatim',
    });
  });
});
