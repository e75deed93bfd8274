// Where the lesson's files live in Monaco's file system (file:///workspace/<path>; see types-lib.ts).
export const WORKSPACE_PATH = '/workspace/';
