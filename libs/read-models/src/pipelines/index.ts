export * from './pipelines.projection';
