// @ts-check
'use strict';
// Where in the learner's code an error comes from. Shared by the probe (from a live error) and
// the host (from the fatal output Node prints to stderr, when the probe could not tell: an ES
// module's SyntaxError carries its location only in that printed text).

const path = require('node:path');
const { fileURLToPath } = require('node:url');

/** @import { ServerErrorEvent } from '../protocol/probe.ts' */

/** @typedef {Required<Pick<ServerErrorEvent, 'file' | 'line'>> & Pick<ServerErrorEvent, 'column'>} Location */

/** @param {string} ref a path or a file: URL as it appears in a stack */
function toPath(ref) {
  if (ref.startsWith('file://')) {
    try {
      return fileURLToPath(ref);
    } catch {
      return null;
    }
  }
  return path.isAbsolute(ref) ? ref : null;
}

/**
 * The learner's file as a path relative to cwd, or null when the file is not theirs
 * (outside cwd, in node_modules, or one of ours).
 * @param {string} ref @param {string} cwd @param {string[]} [skip] absolute paths to ignore
 */
function learnerFile(ref, cwd, skip = []) {
  const abs = toPath(ref);
  if (!abs || skip.includes(abs)) return null;
  const rel = path.relative(cwd, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  if (rel.split(path.sep).includes('node_modules')) return null;
  return rel.split(path.sep).join('/');
}

const FRAME = /^\s*at (?:.*?\()?((?:file:\/\/)?[^()\s]+?):(\d+):(\d+)\)?\s*$/;

/**
 * The first stack frame in the learner's code.
 * @param {string} stack @param {string} cwd @param {string[]} [skip]
 * @returns {Location | null}
 */
function locationFromStack(stack, cwd, skip) {
  for (const line of String(stack).split('\n')) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = learnerFile(m[1] ?? '', cwd, skip);
    if (file) return { file, line: Number(m[2]), column: Number(m[3]) };
  }
  return null;
}

// Node prints a compile error as "<path or file URL>:<line>", the source line, a caret line.
const HEAD = /^((?:file:\/\/)?\/[^\n]*?|[A-Za-z]:\\[^\n]*?):(\d+)\r?$/;

/**
 * The location Node puts above a SyntaxError ("file:line", source, carets), anywhere in text.
 * @param {string} text @param {string} cwd
 * @returns {Location | null}
 */
function syntaxLocation(text, cwd) {
  const lines = String(text).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = HEAD.exec(lines[i] ?? '');
    if (!m) continue;
    const file = learnerFile(m[1] ?? '', cwd);
    if (!file) continue;
    /** @type {Location} */
    const loc = { file, line: Number(m[2]) };
    const caret = (lines[i + 2] ?? '').indexOf('^');
    if (caret >= 0) loc.column = caret + 1;
    return loc;
  }
  return null;
}

/** @param {unknown} err */
function isSyntaxError(err) {
  if (!err || typeof err !== 'object') return false;
  const e = /** @type {{ name?: unknown, stack?: unknown }} */ (err);
  if (e.name !== 'SyntaxError') return false;
  const stack = String(e.stack ?? '');
  // A compile error, not a runtime one (JSON.parse, new Function): Node either prefixes the
  // location or the first frame is the module compiler.
  if (HEAD.test(stack.split('\n')[0] ?? '')) return true;
  const firstFrame = stack.split('\n').find((l) => /^\s*at /.test(l)) ?? '';
  return /node:internal\/(modules|vm)\b|wrapSafe|compileSourceTextModule/.test(firstFrame);
}

/**
 * A fatal error as Node printed it on stderr (the process is gone), or null.
 * @param {string} text the tail of stderr @param {string} cwd
 * @returns {Pick<ServerErrorEvent, 'kind' | 'message' | 'file' | 'line' | 'column' | 'stack'> | null}
 */
function fatalFromOutput(text, cwd) {
  const lines = String(text).split('\n');
  let at = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^(?:Uncaught )?[A-Z]\w*(?:Error|Exception)\b(?: \[[\w-]+\])?: /.test(lines[i] ?? '')) {
      at = i;
      break;
    }
  }
  if (at < 0) return null;
  const headLine = lines[at] ?? '';
  const name = headLine.slice(0, headLine.indexOf(':')).replace(/ \[.*$/, '');
  const stack = lines.slice(Math.max(0, at - 4), at + 12).join('\n');
  const syntax = name === 'SyntaxError' ? syntaxLocation(lines.slice(Math.max(0, at - 5), at).join('\n'), cwd) : null;
  const loc = syntax ?? locationFromStack(lines.slice(at).join('\n'), cwd);
  return {
    kind: syntax ? 'syntax' : 'uncaught',
    message: headLine.slice(headLine.indexOf(':') + 1).trim(),
    ...(loc ?? {}),
    stack,
  };
}

module.exports = { locationFromStack, syntaxLocation, isSyntaxError, fatalFromOutput, learnerFile };
