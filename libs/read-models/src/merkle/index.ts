export * from './merkle-tree.projection';
export * from './merkle-tree.reader';
