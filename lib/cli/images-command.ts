import { Command, Option } from 'commander';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from './exit-codes';
import { checkInputs, loadInputs, writeReport } from './io';
import { packageVersion } from '../audit/report';
import { describeUse, imageInventory, ImageInventory } from '../images/image-inventory';
import { CYCLONEDX_SPEC_VERSION, renderImageReferences, renderImagesCycloneDx, renderImagesJson, renderImagesText } from '../images/render';

/** Output formats of `images --format`. */
export const IMAGE_FORMATS = ['text', 'references', 'json', 'cyclonedx'] as const;

/** Parsed options of `images`. */
export interface ImagesCommandOptions {
  /** Output format. */
  readonly format: typeof IMAGE_FORMATS[number];
  /** List images pinned by tag only without failing the run. */
  readonly allowUnpinned?: boolean;
  /** File the list goes to instead of standard output. */
  readonly output?: string;
}

const HELP_AFTER = `
Lists every image the manifests run (containers, init containers and ephemeral containers of every
Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job and CronJob), once
per digest, with the objects that run it. Inputs are read as by "audit".

Formats:
  text        each image, then the containers that run it
  references  one image reference per line, e.g.
                cdk8s-hardened images cdk8s.out --format references | xargs -n1 trivy image --exit-code 1 --severity CRITICAL
  json        { images: [{ reference, registry, repository, digest, tags, pinned, usedBy }], problems }
  cyclonedx   a CycloneDX ${CYCLONEDX_SPEC_VERSION} BOM, one "container" component per image (OCI package URL)

Exit codes:
  0  every image is pinned by digest, so the list is exactly what will run
  1  an image is pinned by tag only (a scan of it may not be what runs; --allow-unpinned accepts that),
     or a container has no image or an invalid one
  2  usage error, or an input that could not be read or parsed`;

/** Registers `cdk8s-hardened images [FILE|DIR|-]...`. */
export function register(program: Command): void {
  program
    .command('images')
    .description('List the images the manifests run, for a vulnerability scanner in CI (text, JSON, CycloneDX)')
    .argument('[inputs...]', 'files, directories, or - for standard input')
    .addOption(new Option('--format <format>', 'output format').choices([...IMAGE_FORMATS]).default('text'))
    .option('--allow-unpinned', 'list images pinned by tag only without failing (exit 0)')
    .option('--output <file>', 'write the list to this file instead of standard output')
    .addHelpText('after', HELP_AFTER)
    .action(async (inputs: string[], options: ImagesCommandOptions, command: Command) => {
      checkInputs(inputs, command);
      process.exitCode = await runImages(inputs, options);
    });
}

/** Loads the inputs, writes the image list and returns the exit code. Errors go to standard error. */
export async function runImages(inputs: readonly string[], options: ImagesCommandOptions): Promise<number> {
  const loaded = await loadInputs(inputs);
  const inventory = imageInventory(loaded.objects);
  if (!(await writeReport(render(inventory, options.format), options.output))) return EXIT_USAGE;
  if (loaded.problems.some((p) => p.level === 'error')) return EXIT_USAGE;
  for (const p of inventory.problems) process.stderr.write(`cdk8s-hardened: error: ${describeUse(p.use)} ${p.message}\n`);
  const unpinned = inventory.images.filter((i) => !i.pinned);
  if (!options.allowUnpinned) {
    for (const i of unpinned) {
      process.stderr.write(`cdk8s-hardened: error: ${i.reference} is not pinned by digest (HK-IMAGE-001): a scan of it may not be what runs.\n`);
    }
  }
  return inventory.problems.length > 0 || (unpinned.length > 0 && !options.allowUnpinned) ? EXIT_FINDINGS : EXIT_OK;
}

function render(inventory: ImageInventory, format: ImagesCommandOptions['format']): string {
  switch (format) {
    case 'references': return renderImageReferences(inventory);
    case 'json': return renderImagesJson(inventory);
    case 'cyclonedx': return renderImagesCycloneDx(inventory, packageVersion());
    default: return renderImagesText(inventory);
  }
}
