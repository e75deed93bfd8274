// The host's own files at the root of the build (_headers, _redirects, netlify.toml, vercel.json,
// coi-sw.js), written for the base path the course is built for (see site/hosting/host-files.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import { HOST_FILES, contentType, hostFile, type HostFile } from '../hosting/host-files.ts';
import { BASE } from '../course/urls.ts';

export const getStaticPaths = (() => HOST_FILES.map((file) => ({ params: { file } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ params }) => {
  const file = params.file as HostFile;
  return new Response(hostFile(file, BASE), { headers: { 'content-type': contentType(file) } });
};
