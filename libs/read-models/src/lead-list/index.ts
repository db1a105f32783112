export * from './lead-list.projection';
export * from './scored-leads';
