export * from './lead-list.projection';
