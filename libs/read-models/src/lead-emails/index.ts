export * from './lead-emails.projection';
