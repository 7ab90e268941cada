import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { admissionPractices } from './admission-practices';
import { emitGatekeeperPolicies } from './gatekeeper';
import { emitKyvernoImageVerification, emitKyvernoPolicies, ImageSigner, ImageVerification, TRIVY_SCANNER_URI } from './kyverno';
import { LabelSelectorSpec, LOCKED_LABEL } from './policy-options';
import { validateAllowedRegistries } from './registries';
import { emitValidatingAdmissionPolicies } from './vap';
import { parseKubernetesVersion } from '../audit/audit';
import { PolicySettings } from '../practices/admission/cel';
import { findPractice } from '../practices/catalogue';
import { MANAGED_BY, stampProvenance } from '../provenance';
import { refuser } from '../refusal';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';
import { KubernetesTarget } from '../target/kubernetes-target';

/** An admission engine the policies are generated for. */
export class PolicyEngine {
  /** Kubernetes ValidatingAdmissionPolicy + Binding with CEL: no third-party engine (v1beta1 on 1.28–1.29, v1 from 1.30). */
  public static readonly VALIDATING_ADMISSION_POLICY = new PolicyEngine('ValidatingAdmissionPolicy');
  /** Kyverno `kyverno.io/v1` ClusterPolicies with CEL rules and per-rule `failureAction`. */
  public static readonly KYVERNO = new PolicyEngine('Kyverno');
  /** OPA Gatekeeper ConstraintTemplates (Rego) and their constraints. */
  public static readonly GATEKEEPER = new PolicyEngine('Gatekeeper');

  private constructor(
    /** The engine's name. */
    public readonly name: string,
  ) {}
}

/** Whether the generated policies refuse violating objects or only report them. */
export enum PolicyMode {
  /** Refuse (VAP `Deny`, Kyverno `Enforce`, Gatekeeper `deny`). */
  ENFORCE = 'enforce',
  /** Admit, warn and record (VAP `Warn`+`Audit`, Kyverno `Audit`, Gatekeeper `warn`): for rollouts. */
  AUDIT = 'audit',
}

/** Props of AdmissionPolicies. */
export interface AdmissionPoliciesProps {
  /**
   * The engines to generate policies for.
   * @default [PolicyEngine.KYVERNO] — ValidatingAdmissionPolicy is beta and off by default on 1.28
   */
  readonly engines?: PolicyEngine[];
  /**
   * Enforce or only audit.
   * @default PolicyMode.ENFORCE
   */
  readonly mode?: PolicyMode;
  /**
   * Target Kubernetes version: picks the ValidatingAdmissionPolicy API version and the version-dependent rules.
   * It may only restate the app's KubernetesTarget.
   * @default - the app's KubernetesTarget (1.28 unless set)
   */
  readonly targetVersion?: string;
  /**
   * The namespaces the policies apply to, by label. Exclusive with `namespaces`.
   * @default - namespaces labelled `cdk8s-hardened.io/locked: "true"` (every LockedNamespace)
   */
  readonly namespaceSelector?: LabelSelectorSpec;
  /**
   * The namespaces the policies apply to, by name. Exclusive with `namespaceSelector`.
   * @default - see `namespaceSelector`
   */
  readonly namespaces?: string[];
  /**
   * Registries (hosts or `host/path` prefixes) images may come from, in every selected namespace. VAP and Kyverno
   * also honour each namespace's `cdk8s-hardened.io/allowed-registries` annotation.
   * @default - no cluster-wide allow-list: only frozen registries are refused, plus each namespace's own list
   */
  readonly allowedRegistries?: string[];
  /**
   * The practice ids to generate policies for.
   * @default - every admission-checkable practice of the catalogue
   */
  readonly practices?: string[];
  /**
   * Signature and vulnerability-scan verification (HK-IMAGE-005), emitted as a Kyverno `verifyImages` policy.
   * @default - none; signatures are not verified at admission
   */
  readonly imageVerification?: ImageVerification;
}

/**
 * Admission policies generated from the catalogue (HK-CLUSTER-001): the cluster refuses what the library
 * refuses, also for YAML applied by hand. One policy per admission-checkable practice and engine, each annotated
 * with its practice id; exceptions recorded as `exceptions.cdk8s-hardened.io/<ID>` annotations are honoured for
 * practices whose exception policy is recordable.
 */
export class AdmissionPolicies extends Construct {
  /** The practice ids the policies enforce, in catalogue order. */
  public readonly practiceIds: string[];

  constructor(scope: Construct, id: string, props: AdmissionPoliciesProps = {}) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    const engines = props.engines ?? [PolicyEngine.KYVERNO];
    if (engines.length === 0) this.refuse('engines', 'is empty', 'name at least one engine, e.g. [PolicyEngine.KYVERNO].');
    const version = this.targetVersion(props.targetVersion ?? KubernetesTarget.of(this));
    KubernetesTarget.agree(this, 'AdmissionPolicies', 'targetVersion', props.targetVersion);
    if (props.namespaceSelector && props.namespaces) {
      this.refuse('namespaces', 'is given together with namespaceSelector', 'give either namespaceSelector or namespaces, not both.');
    }
    const namespaceSelector: LabelSelectorSpec = props.namespaces
      ? { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...props.namespaces] }] }
      : props.namespaceSelector ?? { matchLabels: { [LOCKED_LABEL]: 'true' } };
    const allowedRegistries = validateAllowedRegistries(this, 'AdmissionPolicies', 'allowedRegistries', props.allowedRegistries ?? []);

    const all = admissionPractices();
    for (const wanted of props.practices ?? []) {
      if (!all.some((e) => e.practice.id === wanted)) {
        this.refuse('practices', `names '${wanted}', which is not an admission-checkable practice`,
          `choose from ${all.map((e) => e.practice.id).join(', ')}.`);
      }
    }
    const entries = props.practices ? all.filter((e) => props.practices!.includes(e.practice.id)) : all;
    this.practiceIds = entries.map((e) => e.practice.id);

    const settings: PolicySettings = { targetMinor: version.minor, allowedRegistries };
    const options = { enforce: (props.mode ?? PolicyMode.ENFORCE) === PolicyMode.ENFORCE, namespaceSelector };
    if (engines.includes(PolicyEngine.VALIDATING_ADMISSION_POLICY)) emitValidatingAdmissionPolicies(new Construct(this, 'Vap'), entries, settings, options);
    if (engines.includes(PolicyEngine.KYVERNO)) emitKyvernoPolicies(new Construct(this, 'Kyverno'), entries, settings, options);
    if (engines.includes(PolicyEngine.GATEKEEPER)) emitGatekeeperPolicies(new Construct(this, 'Gatekeeper'), entries, settings, options);

    if (props.imageVerification) {
      if (!engines.includes(PolicyEngine.KYVERNO)) {
        this.refuse('imageVerification', 'needs Kyverno, which engines does not include', 'add PolicyEngine.KYVERNO to engines.', 'HK-IMAGE-005');
      }
      this.checkSigner('imageVerification.signer', props.imageVerification.signer);
      if (props.imageVerification.scanAttestor !== undefined) this.checkSigner('imageVerification.scanAttestor', props.imageVerification.scanAttestor);
      const maxAge: unknown = props.imageVerification.maxScanAgeHours;
      if (maxAge !== undefined && !(typeof maxAge === 'number' && Number.isInteger(maxAge) && maxAge >= 0)) {
        this.refuse('imageVerification.maxScanAgeHours', `is ${describeValue(maxAge)}, not a whole number of hours`,
          'give the maximum age of the vulnerability scan in hours, e.g. 168 (one week); 0 turns the scan attestation off.', 'HK-IMAGE-005');
      }
      const scanner: unknown = props.imageVerification.scannerUri;
      if (scanner !== undefined && (typeof scanner !== 'string' || scanner.trim().length === 0)) {
        this.refuse('imageVerification.scannerUri', `is ${describeValue(scanner)}, not a scanner URI`,
          `give the scanner.uri the attestations carry, e.g. '${TRIVY_SCANNER_URI}'.`, 'HK-IMAGE-005');
      }
      const refs = props.imageVerification.imageReferences ?? allowedRegistries.map((r) => `${r}/*`);
      if (refs.length === 0) {
        this.refuse('imageVerification.imageReferences', 'is empty and allowedRegistries names no registry', 'list the image globs to verify, or set allowedRegistries.', 'HK-IMAGE-005');
      }
      emitKyvernoImageVerification(new Construct(this, 'ImageVerification'), props.imageVerification, refs, options.enforce, namespaceSelector,
        findPractice('HK-IMAGE-005')?.title ?? 'Admit only scanned and signed images');
    }
    for (const o of this.node.findAll().filter(ApiObject.isApiObject)) stampProvenance(o, { name: o.name, partOf: MANAGED_BY });
  }

  /** A signer names exactly one of a cosign public key and a keyless identity, each with non-empty text. */
  private checkSigner(prop: string, signer: unknown): void {
    const fix = 'give a cosign publicKey (PEM or k8s://<ns>/<secret>) or a keyless { issuer, subject }.';
    if (typeof signer !== 'object' || signer === null) this.refuse(prop, `is ${describeValue(signer)}, not a signer`, fix, 'HK-IMAGE-005');
    const { publicKey, keyless } = signer as ImageSigner;
    if ((publicKey === undefined) === (keyless === undefined)) this.refuse(prop, 'must name exactly one of publicKey and keyless', fix, 'HK-IMAGE-005');
    if (publicKey !== undefined && (typeof publicKey !== 'string' || publicKey.trim().length === 0)) {
      this.refuse(`${prop}.publicKey`, `is ${describeValue(publicKey)}, not a PEM key or k8s:// reference`, fix, 'HK-IMAGE-005');
    }
    if (keyless !== undefined) {
      for (const field of ['issuer', 'subject'] as const) {
        const value: unknown = (keyless as any)?.[field];
        if (typeof value !== 'string' || value.trim().length === 0) {
          this.refuse(`${prop}.keyless.${field}`, `is ${describeValue(value)}, not a non-empty string`, fix, 'HK-IMAGE-005');
        }
      }
    }
  }

  private targetVersion(text: string) {
    let version;
    try {
      version = parseKubernetesVersion(text);
    } catch {
      return this.refuse('targetVersion', `is '${text}', which is not a Kubernetes version`, 'give a minor version such as \'1.28\' or \'1.30\'.');
    }
    if (version.major !== 1 || version.minor < 28) {
      this.refuse('targetVersion', `is '${text}', older than the library's floor 1.28`, 'target Kubernetes 1.28 or newer.', 'HK-CLUSTER-006');
    }
    return version;
  }

  private refuse(prop: string, problem: string, fix: string, practiceId = 'HK-CLUSTER-001'): never {
    return refuser(this, 'AdmissionPolicies')(prop, problem, fix, practiceId);
  }
}

/** A value as a message shows it: strings quoted, everything else by type or JSON. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}
