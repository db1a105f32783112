export * from './as-of-snapshots.port';
export * from './snapshot-keeper';
export * from './snapshot-fold';
export * from './sqlite-as-of-snapshots';
export * from './mongodb-as-of-snapshots';
export * from './version-cache';
