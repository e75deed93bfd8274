// @comment reportAbout
const fs = require('node:fs');
const path = require('node:path');

const PACKAGES = ['express', 'express-session'];

function readPackageJson() {
  // @comment reportPackageJson
  const text = fs.readFileSync(path.join(__dirname, 'package.json'), 'utf8');
  return JSON.parse(text);
}

function inspect(name, pkg) {
  let main = null;
  try {
    main = require.resolve(name);
  } catch {
    // @comment reportNotInstalled
  }
  const installed = main
    ? JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version
    : null;
  return {
    // @comment reportListed
    listed: (pkg.dependencies && pkg.dependencies[name]) || null,
    // @comment reportInstalled
    installed,
    // @comment reportLoaded
    loaded: Boolean(main && require.cache[main]),
  };
}

function problemsOf(name, info, pkg) {
  const problems = [];
  if (!info.listed && pkg.devDependencies && pkg.devDependencies[name]) {
    problems.push(`${name} is in "devDependencies": move it to "dependencies" in package.json.`);
  } else if (!info.listed) {
    problems.push(`${name} is not listed in "dependencies" in package.json.`);
  }
  if (!info.installed) problems.push(`${name} is not installed in node_modules: run npm install.`);
  else if (!info.loaded) problems.push(`${name} is installed but not loaded: server.js never requires it.`);
  return problems;
}

function send(res, status, body) {
  res.status(status).type('json').send(`${JSON.stringify(body, null, 2)}\n`);
}

module.exports = function report(req, res) {
  let pkg;
  try {
    pkg = readPackageJson();
  } catch (error) {
    send(res, 500, { ok: false, message: 'Not yet: see "problems".', problems: [`package.json is not valid JSON: ${error.message}`] });
    return;
  }
  const packages = {};
  const problems = [];
  for (const name of PACKAGES) {
    packages[name] = inspect(name, pkg);
    problems.push(...problemsOf(name, packages[name], pkg));
  }
  const ok = problems.length === 0;
  const body = {
    ok,
    message: ok
      ? 'express and express-session are listed in package.json and loaded.'
      : 'Not yet: see "problems".',
    packages,
    problems,
  };
  send(res, ok ? 200 : 500, body);
};
