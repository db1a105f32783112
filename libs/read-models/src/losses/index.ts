export * from './losses.projection';
export * from './losses.report';
