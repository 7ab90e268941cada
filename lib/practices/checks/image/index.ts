import { allowedRegistries } from './allowed-registries';
import { leanRuntime } from './lean-runtime';
import { noLatestTag } from './no-latest-tag';
import { pinnedDigest } from './pinned-digest';
import { pullAlways } from './pull-always';
import { runningImagesRescanned } from './running-images-rescanned';
import { signedImages } from './signed-images';
import { Practice } from '../../practice';

export const IMAGE_PRACTICES: readonly Practice[] = [
  pinnedDigest,
  noLatestTag,
  allowedRegistries,
  pullAlways,
  signedImages,
  leanRuntime,
  runningImagesRescanned,
];
