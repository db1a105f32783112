export * from './forecast.projection';
export * from './forecast.report';
