import type { TestProject } from 'vitest/node';
import { startCourse, type CourseServer } from '../../scripts/lib/course-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    courseUrl: string;
  }
}

let server: CourseServer | undefined;

export async function setup(project: TestProject) {
  server = await startCourse();
  project.provide('courseUrl', server.url);
}

export async function teardown() {
  await server?.stop();
}
