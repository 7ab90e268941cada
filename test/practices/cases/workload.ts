import { compliantSet, containerOf, podOf, withDeployment } from '../fixtures';
import { PracticeCases } from './types';

export const WORKLOAD_CASES: PracticeCases = {
  'HK-WORKLOAD-003': {
    pass: [
      { name: 'pod and container set runAsNonRoot: true', objects: compliantSet() },
      {
        name: 'pod-level value alone resolves every container',
        objects: withDeployment((d) => { delete containerOf(d).securityContext.runAsNonRoot; }),
      },
    ],
    fail: [
      { name: 'container sets runAsNonRoot: false', objects: withDeployment((d) => { containerOf(d).securityContext.runAsNonRoot = false; }) },
      {
        name: 'neither level sets it',
        objects: withDeployment((d) => { delete containerOf(d).securityContext.runAsNonRoot; delete podOf(d).securityContext.runAsNonRoot; }),
      },
      { name: 'pod sets false', objects: withDeployment((d) => { podOf(d).securityContext.runAsNonRoot = false; }) },
    ],
  },
};
