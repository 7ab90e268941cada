export * from './errors';
export * from './provenance';
export * from './target/kubernetes-target';
export * from './units/cron';
export * from './units/duration';

export * from './practices/practice';
export * from './practices/manifest';
export * from './practices/exceptions';
export * from './practices/catalogue';
export * from './practices/practice-table';
export * from './practices/admission/admission-rule';
export * from './practices/admission/resources';

export * from './audit/audit';
export * from './synth/app-audit';
export * from './synth/synth-pass';
export * from './audit/report';
export * from './audit/load';
export * from './validation/hardened-validation';

export { parseImageReference, type ImageReference, ALLOWED_REGISTRIES_ANNOTATION } from './practices/checks/image/util';
export { type RbacModel, type RoleModel, type BindingModel, type Subject, type PolicyRule, type EffectiveRule, type Access, canI } from './practices/checks/rbac/util';

export * from './workload/pod-spec';
export * from './workload/probes';
export * from './workload/resources';
export { type ContainerPort, type WritablePath, type SecretEnvSource, type ConfigMapEnvSource, PodField, ImagePullPolicy, type SecureContainerOptions, LINUX_CAPABILITIES } from './workload/container';
export * from './workload/secure-workload';
export * from './workload/secure-deployment';
export * from './workload/replicated-workload';
export * from './workload/secure-stateful-set';
export * from './workload/autoscaling';
export * from './workload/config-map';
export * from './workload/secure-job';
export * from './workload/system-job-pod';
export * from './workload/secure-cron-job';
export * from './workload/secure-daemon-set';
export * from './workload/priority-class';
export * from './storage/storage-class';
export * from './workload/scheduling';
export * from './workload/host-access';
export { JobRestartPolicy, type JobBoundsProps, type CronScheduleProps } from './workload/job-spec';

export { CertIssuer, type CertManagerOptions, TlsSource } from './ingress/tls';
export * from './ingress/ingress-controller';
export { SecureIngress, type SecureIngressProps, type IngressPath, type IngressHostRule, IngressPathType, INGRESS_NGINX_ANNOTATIONS } from './ingress/secure-ingress';
export { SecureGateway, type SecureGatewayProps, type SecureGatewayListener, type IGateway, type GatewayListenerRef, HTTP_REDIRECT_LISTENER } from './gateway/secure-gateway';
export { SecureHttpRoute, type SecureHttpRouteProps, type HttpRouteRule, RoutePathType } from './gateway/secure-http-route';
export { SecureGrpcRoute, type SecureGrpcRouteProps, type GrpcRouteRule } from './gateway/secure-grpc-route';
export { type MeshFamily, meshFamily, meshName, decideMeshEdge, isMeshEdgeRefusal, type MeshEdgeEnd, type MeshEdgeDecision, type MeshEdgeRefusal } from './mesh/mesh-edge';

export * from './namespace/locked-namespace';
export * from './namespace/enclosing-namespace';
export * from './policy/admission-policies';
export * from './policy/kyverno';

export * from './secrets/mountable-secret';
export * from './secrets/existing-secret';
export * from './secrets/secret-value';
export * from './secrets/sops-recipient';
export * from './secrets/encrypted-secret';
export type { PrepareEncryptedSecretsOptions } from './secrets/sops-preparation';
export { decryptSopsYaml, renderDecrypted, type SopsKeyOptions, type DecryptedSopsFile } from './secrets/sops/decrypt';
export { SopsError } from './secrets/sops/sops-error';
export type { IKmsClient } from './secrets/sops/kms-keys';
export * from './secrets/sealed-secret';
export * from './secrets/secret-store';
export * from './secrets/external-secret';

export * from './rbac/grants';
export * from './rbac/rbac-profile';
export * from './rbac/access-report';

export * from './backup/backup-plan';
export * from './backup/restore-drill';
export * from './backup/etcd-snapshot';
export * from './cluster/control-plane-file';
export * from './cluster/encryption-configuration';
export * from './cluster/audit-policy';
export * from './cluster/cis-benchmark';
export * from './cluster/privileged-namespace';

export * from './images/image-inventory';
export * from './images/render';

export * from './runtime/alert-rules';
export * from './runtime/security-alerts';
export * from './runtime/trivy-operator-config';
export * from './runtime/falco-rules';
export * from './logging/fluent-bit-agent';
export { fluentBitConfig } from './logging/fluent-bit-config';
export type { FluentBitDestination, FluentBitSettings } from './logging/fluent-bit-config';
export * from './nodes/hardened-node-pool';
export { NODE_POOL_ANNOTATION } from './practices/checks/cluster/hardened-node-pool';
