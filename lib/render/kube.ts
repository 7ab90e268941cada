import { k8s } from 'cdk8s-plus-28';
import { renderKube } from './render-kube';

/*
 * The cdk8s-plus-28 `Kube*` classes the library emits: the same props, the same `instanceof`, the same manifest, rendered
 * by renderKube instead of the generated converter (lib/render/render-kube.ts says why). Constructs create these, never
 * `k8s.Kube*` directly (test/render/kube.test.ts checks both). A kind added here needs its field table:
 * `ts-node -T scripts/kube-fields.ts --write`.
 */

/** `k8s.KubeClusterRole`, rendered by renderKube. */
export class KubeClusterRole extends k8s.KubeClusterRole {
  public toJson(): any {
    return renderKube(this, k8s.KubeClusterRole.GVK, 'KubeClusterRoleProps', k8s.toJson_KubeClusterRoleProps);
  }
}

/** `k8s.KubeClusterRoleBinding`, rendered by renderKube. */
export class KubeClusterRoleBinding extends k8s.KubeClusterRoleBinding {
  public toJson(): any {
    return renderKube(this, k8s.KubeClusterRoleBinding.GVK, 'KubeClusterRoleBindingProps', k8s.toJson_KubeClusterRoleBindingProps);
  }
}

/** `k8s.KubeConfigMap`, rendered by renderKube. */
export class KubeConfigMap extends k8s.KubeConfigMap {
  public toJson(): any {
    return renderKube(this, k8s.KubeConfigMap.GVK, 'KubeConfigMapProps', k8s.toJson_KubeConfigMapProps);
  }
}

/** `k8s.KubeCronJob`, rendered by renderKube. */
export class KubeCronJob extends k8s.KubeCronJob {
  public toJson(): any {
    return renderKube(this, k8s.KubeCronJob.GVK, 'KubeCronJobProps', k8s.toJson_KubeCronJobProps);
  }
}

/** `k8s.KubeDaemonSet`, rendered by renderKube. */
export class KubeDaemonSet extends k8s.KubeDaemonSet {
  public toJson(): any {
    return renderKube(this, k8s.KubeDaemonSet.GVK, 'KubeDaemonSetProps', k8s.toJson_KubeDaemonSetProps);
  }
}

/** `k8s.KubeDeployment`, rendered by renderKube. */
export class KubeDeployment extends k8s.KubeDeployment {
  public toJson(): any {
    return renderKube(this, k8s.KubeDeployment.GVK, 'KubeDeploymentProps', k8s.toJson_KubeDeploymentProps);
  }
}

/** `k8s.KubeHorizontalPodAutoscalerV2`, rendered by renderKube. */
export class KubeHorizontalPodAutoscalerV2 extends k8s.KubeHorizontalPodAutoscalerV2 {
  public toJson(): any {
    return renderKube(this, k8s.KubeHorizontalPodAutoscalerV2.GVK, 'KubeHorizontalPodAutoscalerV2Props', k8s.toJson_KubeHorizontalPodAutoscalerV2Props);
  }
}

/** `k8s.KubeIngress`, rendered by renderKube. */
export class KubeIngress extends k8s.KubeIngress {
  public toJson(): any {
    return renderKube(this, k8s.KubeIngress.GVK, 'KubeIngressProps', k8s.toJson_KubeIngressProps);
  }
}

/** `k8s.KubeJob`, rendered by renderKube. */
export class KubeJob extends k8s.KubeJob {
  public toJson(): any {
    return renderKube(this, k8s.KubeJob.GVK, 'KubeJobProps', k8s.toJson_KubeJobProps);
  }
}

/** `k8s.KubeLimitRange`, rendered by renderKube. */
export class KubeLimitRange extends k8s.KubeLimitRange {
  public toJson(): any {
    return renderKube(this, k8s.KubeLimitRange.GVK, 'KubeLimitRangeProps', k8s.toJson_KubeLimitRangeProps);
  }
}

/** `k8s.KubeNamespace`, rendered by renderKube. */
export class KubeNamespace extends k8s.KubeNamespace {
  public toJson(): any {
    return renderKube(this, k8s.KubeNamespace.GVK, 'KubeNamespaceProps', k8s.toJson_KubeNamespaceProps);
  }
}

/** `k8s.KubeNetworkPolicy`, rendered by renderKube. */
export class KubeNetworkPolicy extends k8s.KubeNetworkPolicy {
  public toJson(): any {
    return renderKube(this, k8s.KubeNetworkPolicy.GVK, 'KubeNetworkPolicyProps', k8s.toJson_KubeNetworkPolicyProps);
  }
}

/** `k8s.KubePersistentVolumeClaim`, rendered by renderKube. */
export class KubePersistentVolumeClaim extends k8s.KubePersistentVolumeClaim {
  public toJson(): any {
    return renderKube(this, k8s.KubePersistentVolumeClaim.GVK, 'KubePersistentVolumeClaimProps', k8s.toJson_KubePersistentVolumeClaimProps);
  }
}

/** `k8s.KubePodDisruptionBudget`, rendered by renderKube. */
export class KubePodDisruptionBudget extends k8s.KubePodDisruptionBudget {
  public toJson(): any {
    return renderKube(this, k8s.KubePodDisruptionBudget.GVK, 'KubePodDisruptionBudgetProps', k8s.toJson_KubePodDisruptionBudgetProps);
  }
}

/** `k8s.KubePriorityClass`, rendered by renderKube. */
export class KubePriorityClass extends k8s.KubePriorityClass {
  public toJson(): any {
    return renderKube(this, k8s.KubePriorityClass.GVK, 'KubePriorityClassProps', k8s.toJson_KubePriorityClassProps);
  }
}

/** `k8s.KubeResourceQuota`, rendered by renderKube. */
export class KubeResourceQuota extends k8s.KubeResourceQuota {
  public toJson(): any {
    return renderKube(this, k8s.KubeResourceQuota.GVK, 'KubeResourceQuotaProps', k8s.toJson_KubeResourceQuotaProps);
  }
}

/** `k8s.KubeRole`, rendered by renderKube. */
export class KubeRole extends k8s.KubeRole {
  public toJson(): any {
    return renderKube(this, k8s.KubeRole.GVK, 'KubeRoleProps', k8s.toJson_KubeRoleProps);
  }
}

/** `k8s.KubeRoleBinding`, rendered by renderKube. */
export class KubeRoleBinding extends k8s.KubeRoleBinding {
  public toJson(): any {
    return renderKube(this, k8s.KubeRoleBinding.GVK, 'KubeRoleBindingProps', k8s.toJson_KubeRoleBindingProps);
  }
}

/** `k8s.KubeService`, rendered by renderKube. */
export class KubeService extends k8s.KubeService {
  public toJson(): any {
    return renderKube(this, k8s.KubeService.GVK, 'KubeServiceProps', k8s.toJson_KubeServiceProps);
  }
}

/** `k8s.KubeServiceAccount`, rendered by renderKube. */
export class KubeServiceAccount extends k8s.KubeServiceAccount {
  public toJson(): any {
    return renderKube(this, k8s.KubeServiceAccount.GVK, 'KubeServiceAccountProps', k8s.toJson_KubeServiceAccountProps);
  }
}

/** `k8s.KubeStatefulSet`, rendered by renderKube. */
export class KubeStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): any {
    return renderKube(this, k8s.KubeStatefulSet.GVK, 'KubeStatefulSetProps', k8s.toJson_KubeStatefulSetProps);
  }
}

/** `k8s.KubeStorageClass`, rendered by renderKube. */
export class KubeStorageClass extends k8s.KubeStorageClass {
  public toJson(): any {
    return renderKube(this, k8s.KubeStorageClass.GVK, 'KubeStorageClassProps', k8s.toJson_KubeStorageClassProps);
  }
}
