import { Construct, IConstruct } from 'constructs';
import { ExternalReference, externalReferencesAnnotation } from '../coherence/coherence';
import {
  SecretStore as SecretStoreObject,
  SecretStoreSpecProvider,
  SecretStoreSpecProviderAwsService,
  SecretStoreSpecProviderVaultVersion,
} from '../imports/eso-secretstore-external-secrets.io';
import { enclosingNamespace, partOfFor } from '../namespace/enclosing-namespace';
import { isAcceptableReason, MIN_REASON_LENGTH } from '../practices/exceptions';
import { DNS_LABEL, DNS_SUBDOMAIN } from '../practices/manifest';
import { stampProvenance } from '../provenance';
import { isText, quoted, refuser, shown } from '../refusal';
import { enableAppChecks } from '../synth/app-checks';
import { SynthPass } from '../synth/synth-pass';

const STORE_PRACTICE = 'HK-SECRETS-004';
const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** A ServiceAccount by name, e.g. a cdk8s-plus `ServiceAccount` or `{ name: 'payments-eso' }`. */
export interface ServiceAccountReference {
  /** Name of the ServiceAccount, in the namespace of the store. */
  readonly name: string;
  /**
   * Who creates the ServiceAccount when the app does not (at least 10 characters), e.g. 'created by the platform
   * team with its IRSA role (PLAT-7)'; recorded on the SecretStore as its external-references annotation.
   * @default - the app defines the ServiceAccount (synth refuses a reference to one it does not define)
   */
  readonly createdElsewhere?: string;
}

/** Options of the AWS providers (Secrets Manager, Parameter Store). */
export interface AwsSecretStoreOptions {
  /** AWS region of the secrets, e.g. `eu-west-1`. */
  readonly region: string;
  /**
   * ServiceAccount whose token the operator exchanges for AWS credentials (IRSA: the ServiceAccount carries the
   * `eks.amazonaws.com/role-arn` annotation of a role that may read only this application's secrets).
   */
  readonly serviceAccount: ServiceAccountReference;
  /**
   * IAM role ARN to assume after authenticating as the ServiceAccount.
   * @default - none; the ServiceAccount's own role is used
   */
  readonly role?: string;
}

/** Options of the HashiCorp Vault provider (KV version 2, Kubernetes auth). */
export interface VaultSecretStoreOptions {
  /** Vault address; `https://` only, the Vault token travels over it. */
  readonly server: string;
  /** Mount path of the KV version 2 secrets engine, e.g. `secret`. */
  readonly path: string;
  /** Vault role of the Kubernetes auth method, bound to the ServiceAccount and its namespace. */
  readonly role: string;
  /** ServiceAccount whose token logs in to Vault through the Kubernetes auth method. */
  readonly serviceAccount: ServiceAccountReference;
  /**
   * Mount path of the Kubernetes auth method.
   * @default 'kubernetes'
   */
  readonly authMountPath?: string;
  /**
   * PEM certificate(s) of the CA that issued Vault's TLS certificate.
   * @default - the operator's system trust store
   */
  readonly caBundle?: string;
}

interface ProviderProblem {
  readonly prop: string;
  readonly problem: string;
  readonly fix: string;
}

/**
 * Where a SecretStore reads from, always authenticated through a ServiceAccount (workload identity, Vault
 * Kubernetes auth), never with static credentials kept in a Secret (HK-SECRETS-004).
 */
export class SecretStoreProvider {
  /** AWS Secrets Manager, authenticated through IRSA. */
  public static awsSecretsManager(options: AwsSecretStoreOptions): SecretStoreProvider {
    return SecretStoreProvider.aws(SecretStoreSpecProviderAwsService.SECRETS_MANAGER, options);
  }

  /** AWS Systems Manager Parameter Store, authenticated through IRSA. */
  public static awsParameterStore(options: AwsSecretStoreOptions): SecretStoreProvider {
    return SecretStoreProvider.aws(SecretStoreSpecProviderAwsService.PARAMETER_STORE, options);
  }

  /** HashiCorp Vault, KV version 2, Kubernetes auth method. */
  public static vault(options: VaultSecretStoreOptions): SecretStoreProvider {
    const problems: ProviderProblem[] = [...serviceAccountProblems(options.serviceAccount)];
    if (!isText(options.server, /^https:\/\/[^/\s]+/)) {
      problems.push({ prop: 'provider.server', problem: `is ${quoted(options.server)}, which is not an https:// address`, fix: 'use https://, e.g. \'https://vault.example.com:8200\'' });
    }
    const mount = options.path ?? '';
    if (typeof mount !== 'string' || mount === '' || mount.startsWith('/') || mount.endsWith('/') || /\s/.test(mount)) {
      problems.push({ prop: 'provider.path', problem: `is ${quoted(mount)}, which is not a KV mount path`, fix: 'give the mount without slashes at either end, e.g. \'secret\'' });
    }
    if (typeof options.role !== 'string' || options.role === '' || /\s/.test(options.role)) {
      problems.push({ prop: 'provider.role', problem: `is ${quoted(options.role ?? '')}, which is not a Vault role name`, fix: 'name the Kubernetes auth role bound to this ServiceAccount' });
    }
    const authMountPath = options.authMountPath ?? 'kubernetes';
    if (typeof authMountPath !== 'string' || authMountPath === '' || authMountPath.startsWith('/') || /\s/.test(authMountPath)) {
      problems.push({ prop: 'provider.authMountPath', problem: `is ${quoted(authMountPath)}, which is not a mount path`, fix: 'give the auth mount without a leading slash, e.g. \'kubernetes\'' });
    }
    if (options.caBundle !== undefined && !isText(options.caBundle, /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/)) {
      problems.push({ prop: 'provider.caBundle', problem: 'holds no PEM certificate', fix: 'pass the CA certificate as PEM text (-----BEGIN CERTIFICATE-----)' });
    }
    return new SecretStoreProvider('vault', problems, serviceAccountReferences(options.serviceAccount), () => ({
      vault: {
        server: options.server,
        path: mount,
        version: SecretStoreSpecProviderVaultVersion.V2,
        caBundle: options.caBundle === undefined ? undefined : Buffer.from(options.caBundle, 'utf8').toString('base64'),
        auth: { kubernetes: { mountPath: authMountPath, role: options.role, serviceAccountRef: { name: options.serviceAccount.name } } },
      },
    }));
  }

  private static aws(service: SecretStoreSpecProviderAwsService, options: AwsSecretStoreOptions): SecretStoreProvider {
    const problems: ProviderProblem[] = [...serviceAccountProblems(options.serviceAccount)];
    if (!isText(options.region, AWS_REGION)) {
      problems.push({ prop: 'provider.region', problem: `is ${quoted(options.region)}, which is not an AWS region`, fix: 'use a region code, e.g. \'eu-west-1\'' });
    }
    if (options.role !== undefined && !isText(options.role, IAM_ROLE_ARN)) {
      problems.push({ prop: 'provider.role', problem: `is ${quoted(options.role)}, which is not an IAM role ARN`, fix: 'use \'arn:aws:iam::<account>:role/<name>\', or leave it out to use the ServiceAccount\'s role' });
    }
    const kind = service === SecretStoreSpecProviderAwsService.SECRETS_MANAGER ? 'aws-secrets-manager' : 'aws-parameter-store';
    return new SecretStoreProvider(kind, problems, serviceAccountReferences(options.serviceAccount), () => ({
      aws: {
        service,
        region: options.region,
        role: options.role,
        auth: { jwt: { serviceAccountRef: { name: options.serviceAccount.name } } },
      },
    }));
  }

  private constructor(
    /** Which backend: `aws-secrets-manager`, `aws-parameter-store` or `vault`. */
    public readonly kind: string,
    private readonly problems: readonly ProviderProblem[],
    private readonly external: readonly ExternalReference[],
    private readonly render: () => SecretStoreSpecProvider,
  ) {}

  /**
   * The references the store makes to objects created elsewhere, with their reasons.
   * @internal
   */
  public _externalReferences(): readonly ExternalReference[] {
    return this.external;
  }

  /**
   * What is wrong with the options, if anything.
   * @internal
   */
  public _problems(): readonly ProviderProblem[] {
    return this.problems;
  }

  /**
   * The `spec.provider` block.
   * @internal
   */
  public _render(): SecretStoreSpecProvider {
    return this.render();
  }
}

function serviceAccountReferences(serviceAccount: ServiceAccountReference | undefined): ExternalReference[] {
  const reason = serviceAccount?.createdElsewhere;
  return typeof reason === 'string' ? [{ ref: `ServiceAccount/${serviceAccount!.name}`, reason }] : [];
}

function serviceAccountProblems(serviceAccount: ServiceAccountReference | undefined): ProviderProblem[] {
  const reason = serviceAccount?.createdElsewhere;
  if (reason !== undefined && !isAcceptableReason(reason)) {
    return [{
      prop: 'provider.serviceAccount.createdElsewhere',
      problem: `is ${shown(reason)}, not a reason of at least ${MIN_REASON_LENGTH} characters`,
      fix: 'say who creates the ServiceAccount, e.g. \'created by the platform team with its IRSA role (PLAT-7)\'',
    }];
  }
  const name = serviceAccount?.name ?? '';
  if (name === 'default') {
    return [{
      prop: 'provider.serviceAccount',
      problem: 'is \'default\', the ServiceAccount every pod of the namespace runs as unless told otherwise',
      fix: 'create a dedicated ServiceAccount for the operator to authenticate as (e.g. an RbacProfile\'s), so no other pod gets its cloud role',
    }];
  }
  return typeof name === 'string' && DNS_SUBDOMAIN.test(name) && name.length <= 253 ? [] : [{
    prop: 'provider.serviceAccount',
    problem: `is '${name}', which is not a ServiceAccount name`,
    fix: 'name the dedicated ServiceAccount the operator authenticates as (IRSA / Vault Kubernetes auth)',
  }];
}

/** A namespaced SecretStore an ExternalSecret reads through. */
export interface ISecretStore extends IConstruct {
  /** Name of the SecretStore. */
  readonly secretStoreName: string;
  /** Its namespace; only ExternalSecrets of the same namespace can use it. */
  readonly secretStoreNamespace: string;
}

/** Props of a SecretStore. */
export interface SecretStoreProps {
  /** The backend and how the operator authenticates to it. */
  readonly provider: SecretStoreProvider;
  /**
   * Name of the SecretStore.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * Namespace of the SecretStore.
   * @default - the namespace of the enclosing chart; refused if there is none
   */
  readonly namespace?: string;
}

/**
 * A namespaced External Secrets `SecretStore` (external-secrets.io/v1) authenticated through a ServiceAccount
 * (HK-SECRETS-004): it can serve only ExternalSecrets of its own namespace, with only the rights of that identity.
 */
export class SecretStore extends Construct implements ISecretStore {
  /** A SecretStore defined elsewhere (e.g. by the platform team), by name and namespace. */
  public static fromSecretStoreName(scope: Construct, id: string, name: string, namespace: string): ISecretStore {
    return new ImportedSecretStore(scope, id, name, namespace);
  }

  /** Name of the SecretStore. */
  public readonly secretStoreName: string;
  /** Namespace of the SecretStore. */
  public readonly secretStoreNamespace: string;
  /** The backend. */
  public readonly provider: SecretStoreProvider;

  constructor(scope: Construct, id: string, props: SecretStoreProps) {
    super(scope, id);
    SynthPass.of(this).checkRenderedObjects(this);
    enableAppChecks(this);
    const refuse = (prop: string, problem: string, fix: string): never => refuser(this, 'SecretStore')(prop, problem, fix, STORE_PRACTICE);
    if (!(props.provider instanceof SecretStoreProvider)) {
      refuse('provider', 'is not a SecretStoreProvider', 'use SecretStoreProvider.awsSecretsManager(), .awsParameterStore() or .vault()');
    }
    const [problem] = props.provider._problems();
    if (problem) refuse(problem.prop, problem.problem, problem.fix);
    const namespace = props.namespace ?? enclosingNamespace(scope);
    if (namespace === undefined) refuse('namespace', 'is not set and no enclosing chart has one', 'pass namespace, e.g. namespace: \'payments\' (a SecretStore is namespaced)');
    if (typeof namespace !== 'string' || !DNS_LABEL.test(namespace) || namespace.length > 63) refuse('namespace', `is '${String(namespace)}', which is not a DNS label`, 'use lowercase letters, digits and \'-\'');
    if (props.name !== undefined && (typeof props.name !== 'string' || !DNS_SUBDOMAIN.test(props.name) || props.name.length > 253)) {
      refuse('name', `is '${String(props.name)}', which is not a DNS subdomain name`, 'use lowercase letters, digits, \'-\' and \'.\'');
    }
    const external = props.provider._externalReferences();
    const resource = new SecretStoreObject(this, 'Resource', {
      // An absent name must stay absent, not `name: undefined`, or it would hide the generated one.
      metadata: {
        ...(props.name !== undefined ? { name: props.name } : {}),
        namespace,
        ...(external.length > 0 ? { annotations: externalReferencesAnnotation(external) } : {}),
      },
      spec: { provider: props.provider._render() },
    });
    stampProvenance(resource, { name: resource.name, partOf: partOfFor(this) });
    this.secretStoreName = resource.name;
    this.secretStoreNamespace = namespace!;
    this.provider = props.provider;
  }
}

class ImportedSecretStore extends Construct implements ISecretStore {
  constructor(scope: Construct, id: string, public readonly secretStoreName: string, public readonly secretStoreNamespace: string) {
    super(scope, id);
    enableAppChecks(this);
  }
}

