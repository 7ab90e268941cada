export * from './errors';
export * from './practices/practice';
export * from './practices/manifest';
export * from './practices/exceptions';
export * from './practices/catalogue';
export * from './practices/audit';
export * from './practices/app-audit';
export * from './secrets/mountable-secret';
