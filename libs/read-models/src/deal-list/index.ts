export * from './deal-list.projection';
export * from './rotting-deals';
