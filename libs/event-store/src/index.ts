export * from './event-store.port';
export * from './errors';
export * from './validation';
export * from './integrity';
export * from './time-ordered-uuid';
export * from './sqlite/sqlite-database';
export * from './sqlite/sqlite-event-store';
export * from './eventstoredb/eventstoredb-event-store';
