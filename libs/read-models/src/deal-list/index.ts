export * from './deal-list.projection';
