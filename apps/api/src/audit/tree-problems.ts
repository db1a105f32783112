import { ProblemException, problemType } from '../http/problem';

/** A tree size larger than the tree kept so far: 404 (ask again once the log and the tree have grown). */
export const treeNotReached = (field: string, size: number, treeSize: number): ProblemException =>
  new ProblemException({
    type: problemType('tree-size-not-reached'),
    title: 'Not found',
    status: 404,
    detail: `the tree has ${treeSize} leaves: there is no tree of ${size} yet`,
    code: 'TREE_SIZE_NOT_REACHED',
    errors: [{ field, reason: `larger than the tree (${treeSize} leaves)` }],
  });

/** No event at the position among the first treeSize leaves: 404. */
export const notInTree = (position: bigint, treeSize: number): ProblemException =>
  new ProblemException({
    type: problemType('position-not-in-tree'),
    title: 'Not found',
    status: 404,
    detail: `no event at position ${position} is among the ${treeSize} leaves of that tree`,
    code: 'POSITION_NOT_IN_TREE',
    errors: [{ field: 'position', reason: `no event at this position in the tree of ${treeSize}` }],
  });
