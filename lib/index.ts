export * from './errors';
export * from './practices/practice';
export * from './practices/manifest';
export * from './practices/exceptions';
export * from './practices/catalogue';
export * from './practices/audit';
export * from './practices/app-audit';
export * from './secrets/mountable-secret';
export { parseImageReference, ImageReference, ALLOWED_REGISTRIES_ANNOTATION } from './practices/checks/image/util';
