export * from './activities.projection';
