import { Command } from 'commander';
import { EXIT_OK, EXIT_USAGE } from './exit-codes';
import { ageIdentitiesFromEnvironment, readIdentityFile } from '../secrets/sops/age-keys';
import { decryptSopsYaml, renderDecrypted } from '../secrets/sops/decrypt';
import { cachingKmsClientProvider, defaultKmsClient } from '../secrets/sops/kms-keys';
import { SopsError } from '../secrets/sops/sops-error';
import { readTextFile } from '../yaml/read-text';
import { YamlInputError } from '../yaml/yaml-input-error';

/** Parsed options of `decrypt`. */
export interface DecryptCommandOptions {
  /** age identity files (repeatable), tried before those of the environment. */
  readonly identity: string[];
}

const HELP_AFTER = `
Keys, as sops finds them:
  age   --identity FILE, SOPS_AGE_KEY (identities inline), SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt
  KMS   the AWS SDK's standard chain: AWS_PROFILE / AWS_ACCESS_KEY_ID..., the region in each ARN,
        AWS_ENDPOINT_URL_KMS for a local endpoint

The MAC is verified like 'sops -d' and KSOPS verify it: a file edited after encryption is refused.
Standard output receives plaintext: redirect it only to places that may hold secrets.

Exit codes:
  0  decrypted and verified
  2  unreadable file, no usable key, a KMS failure, or a MAC mismatch`;

/** Registers `cdk8s-hardened decrypt FILE`: prints the decrypted, MAC-verified document (like `sops -d`). */
export function register(program: Command): void {
  program
    .command('decrypt')
    .description('Decrypt a SOPS-encrypted YAML file (age or AWS KMS) and verify its MAC, like `sops -d`.')
    .argument('<file>', 'the SOPS-encrypted YAML file')
    .option('-i, --identity <file>', 'an age identity file (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .addHelpText('after', HELP_AFTER)
    .action(async (file: string, options: DecryptCommandOptions) => {
      process.exitCode = await runDecrypt(file, options);
    });
}

/** Runs `decrypt`; returns the exit code. Errors go to stderr and never contain plaintext. */
export async function runDecrypt(file: string, options: DecryptCommandOptions): Promise<number> {
  try {
    const text = await readTextFile(file).catch((e) => {
      if (YamlInputError.isYamlInputError(e)) throw new SopsError(e.message, 'give the path of a SOPS-encrypted YAML file');
      throw e;
    });
    const ageIdentities = [...options.identity.flatMap((f) => readIdentityFile(f, '--identity')), ...ageIdentitiesFromEnvironment()];
    const kmsClients = cachingKmsClientProvider((region) => defaultKmsClient(region));
    const decrypted = await decryptSopsYaml(text, { ageIdentities, kmsClients }, file);
    process.stdout.write(renderDecrypted(decrypted.documents));
    return EXIT_OK;
  } catch (e) {
    if (!SopsError.isSopsError(e)) throw e;
    process.stderr.write(`cdk8s-hardened decrypt: ${e.message}\n`);
    return EXIT_USAGE;
  }
}
